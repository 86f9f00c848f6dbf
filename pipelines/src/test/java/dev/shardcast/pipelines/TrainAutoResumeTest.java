package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} with {@code model.type: auto}: a run stopped like a kill in the middle of its
 * first trained candidate, then resumed, ends with the same candidates' scores and the same choice as a
 * run that never stopped.
 */
class TrainAutoResumeTest {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aStoppedAutoRunResumesToTheSameChoice(@TempDir Path out) throws IOException {
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "input.sample_series=2", "train.epochs=2", "train.model.type=auto"));
    JobConfig job = ConfigLoader.load(ItSupport.demoJob(), o);
    PrepareJob.run(job, List.of());

    List<String> straight = new ArrayList<>(o);
    straight.add("train.output=" + out.resolve("straight"));
    TrainJob.run(ConfigLoader.load(ItSupport.demoJob(), straight), false, null);

    List<String> stopped = new ArrayList<>(o);
    stopped.add("train.output=" + out.resolve("stopped"));
    JobConfig stoppedJob = ConfigLoader.load(ItSupport.demoJob(), stopped);
    // the linear candidate stops after 3 steps, mid-epoch 0 (2 cities: several batches per epoch)
    TrainJob.Outcome first = TrainJob.run(stoppedJob, false, null, null, opts -> opts.stopAfterSteps(3, true));
    assertTrue(first.result().interrupted());
    assertFalse(Files.exists(out.resolve("stopped/candidates/mlp")), "no later candidate after the stop");
    assertFalse(Files.exists(out.resolve("stopped/metrics.json")), "no choice after the stop");
    TrainJob.Outcome resumed = TrainJob.run(stoppedJob, true, null);
    assertFalse(resumed.result().interrupted());
    assertTrue(Files.readString(out.resolve("stopped/candidates/linear/run.jsonl")).contains("step=3"),
        "the linear candidate resumed from its checkpoint at step 3");

    JsonNode a = ItSupport.JSON.readTree(out.resolve("straight/metrics.json").toFile()).path("model_choice");
    JsonNode b = ItSupport.JSON.readTree(out.resolve("stopped/metrics.json").toFile()).path("model_choice");
    assertEquals(a.path("chosen").asText(), b.path("chosen").asText());
    assertEquals(4, b.path("candidates").size(), b.toString()); // linear, mlp, lstm, ensemble
    for (int i = 0; i < 4; i++) {
      JsonNode ca = a.path("candidates").get(i);
      JsonNode cb = b.path("candidates").get(i);
      assertEquals(ca.path("type").asText(), cb.path("type").asText());
      // exact resume: the very same float operations, so the very same scores
      for (String key : List.of("val_mae", "best_epoch", "epochs")) {
        assertEquals(ca.path(key).asText(), cb.path(key).asText(), ca.path("type").asText() + " " + key);
      }
      assertEquals(ca.path("test").path("mae").asDouble(), cb.path("test").path("mae").asDouble(),
          ca.path("type").asText() + " test MAE");
    }
    assertEquals(out.resolve("stopped/best"), resumed.modelDir());
  }
}
