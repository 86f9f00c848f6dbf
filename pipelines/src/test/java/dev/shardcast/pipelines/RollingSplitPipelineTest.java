package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * split.mode: rolling on the demo (issue #12 point 2): counted back from the data's end, 17 test and
 * 14 val months are the demo's own fixed cut-offs, so the shards are the fixed run's bytes; a month
 * less data moves both cut-offs a month back; train reads the cut-offs from the manifest.
 */
class RollingSplitPipelineTest {
  private static final String[] ROLLING = {"split.mode=rolling", "split.train_end=null", "split.val_end=null",
      "split.val=14M", "split.test=17M"};

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void cutOffsFollowTheDataAndTheShardsMatchTheFixedSplit(@TempDir Path tmp) throws Exception {
    Path rolling = tmp.resolve("rolling");
    ItSupport.run(ItSupport.demoConfig(rolling, ROLLING));
    JsonNode split = ItSupport.manifest(rolling).path("config").path("split");
    assertEquals("2013-01-01", split.path("train_end").asText(), split.toString());
    assertEquals("2014-03-01", split.path("val_end").asText());
    assertEquals("rolling", split.path("mode").asText());
    Path fixed = ItSupport.demoBaseline();
    List<Path> files = ItSupport.allShardFiles(fixed);
    assertEquals(files.size(), ItSupport.allShardFiles(rolling).size());
    for (Path f : files) {
      assertEquals(ItSupport.sha256(f), ItSupport.sha256(rolling.resolve(fixed.relativize(f).toString())),
          fixed.relativize(f).toString());
    }

    // the last month (2015-07) not there yet: both cut-offs a month earlier
    Path csv = tmp.resolve("shorter.csv");
    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    Files.write(csv, lines.stream().filter(l -> !l.contains(",2015-07-01,")).toList());
    assertTrue(Files.readAllLines(csv).size() < lines.size());
    Path shorter = tmp.resolve("shorter");
    ItSupport.run(ItSupport.demoConfig(shorter, concat(ROLLING, "input.path=" + csv)));
    JsonNode split2 = ItSupport.manifest(shorter).path("config").path("split");
    assertEquals("2012-12-01", split2.path("train_end").asText(), split2.toString());
    assertEquals("2014-02-01", split2.path("val_end").asText());

    // train with the job file's lengths only: the cut-offs come from the manifest, training runs
    JobConfig job = ItSupport.demoConfig(rolling, concat(ROLLING, "train.epochs=1", "train.model.type=linear"));
    TrainJob.Outcome o = TrainJob.run(job, false, null);
    assertTrue(Files.exists(o.modelDir().resolve("model.params")), o.modelDir().toString());
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
