package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.LocalShardStore;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * windowing.time_features on the demo (monthly): the shard files are the same bytes as without it
 * (the reader computes the channels), the manifest names the features; both layouts' readers give
 * every window the month of each of its past and future points; training and predict run on it, and
 * training them with a job that lacks the key is refused.
 */
class CalendarFeaturesPipelineTest {
  @TempDir Path tmp;

  @Test
  void sameShardsMonthChannelsForEveryPointTrainAndPredict() throws Exception {
    Path windows = tmp.resolve("windows");
    ShardManifest m = ItSupport.run(ItSupport.demoConfig(windows, "windowing.time_features=[month]"));
    assertEquals(List.of("month"), m.schema().timeFeatures());
    Path baseline = ItSupport.demoBaseline();
    assertEquals(ItSupport.allShardFiles(baseline).size(), ItSupport.allShardFiles(windows).size());
    for (Path f : ItSupport.allShardFiles(baseline)) {
      Path same = windows.resolve(baseline.relativize(f).toString());
      assertEquals(ItSupport.sha256(f), ItSupport.sha256(same), "shard " + baseline.relativize(f));
    }
    JsonNode plain = ItSupport.manifest(baseline);
    assertTrue(plain.path("schema").path("time_features").isMissingNode(), "no time_features without the key");
    assertTrue(plain.path("config").path("windowing").path("time_features").isMissingNode());

    Path compact = tmp.resolve("compact");
    ItSupport.run(ItSupport.demoConfig(compact, "windowing.time_features=[month]", "shards.layout=compact"));
    for (Path dir : List.of(windows, compact)) {
      assertEquals((long) m.counts().get("windows_train"), checkMonths(dir), dir + ": every train window checked");
    }

    JobConfig job = ItSupport.demoConfig(windows, "windowing.time_features=[month]", "train.epochs=2");
    TrainJob.Outcome o = TrainJob.run(job, false, null);
    JsonNode spec = ItSupport.JSON.readTree(o.modelDir().resolve("model.json").toFile());
    assertEquals("month", spec.path("time_features").path(0).asText(), spec.toString());
    assertEquals("1M", spec.path("frequency").asText());
    // a job that no longer says what the shards were prepared with is refused, not trained without features
    ConfigException e = assertThrows(ConfigException.class,
        () -> TrainJob.run(ItSupport.demoConfig(windows, "train.epochs=1"), false, null));
    assertTrue(e.getMessage().startsWith("config key 'windowing.time_features' is [] but the shards in ")
        && e.getMessage().endsWith(" were prepared with [month]: run prepare again (or run)"), e.getMessage());
    PredictJob.Outcome p = PredictJob.run(job, o.modelDir(), tmp.resolve("p.csv"));
    assertEquals(46, p.series());
    for (String line : Files.readAllLines(tmp.resolve("p.csv")).subList(1, 46 * 6 + 1)) {
      assertTrue(Double.isFinite(Double.parseDouble(line.split(",")[3])), line);
    }
  }

  /** Checks the month channels of every train window against its timestamps; returns the windows seen. */
  private static long checkMonths(Path dir) throws Exception {
    long seen = 0;
    try (NDManager manager = NDManager.newBaseManager();
        ShardReader r = new ShardReader(new LocalShardStore(dir), 2, manager);
        ShardReader.EpochIterator it = r.epoch("train", 3, 0, 0)) {
      int past = r.manifest().schema().past();
      int future = r.manifest().schema().future();
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          assertNotNull(b.calendar(), "the batch has calendar channels");
          assertEquals(List.of((long) b.size(), 2L, (long) (past + future)),
              java.util.Arrays.stream(b.calendar().getShape().getShape()).boxed().toList());
          float[] cal = b.calendar().toFloatArray();
          for (int w = 0; w < b.size(); w++) {
            ZonedDateTime start = Instant.ofEpochMilli(b.windowStart()[w]).atZone(ZoneOffset.UTC);
            ZonedDateTime forecast = Instant.ofEpochMilli(b.forecastStart()[w]).atZone(ZoneOffset.UTC);
            for (int p = 0; p < past + future; p++) {
              int month = (p < past ? start.plusMonths(p) : forecast.plusMonths(p - past)).getMonthValue();
              double a = 2 * Math.PI * (month - 1) / 12;
              assertEquals(Math.sin(a), cal[(w * 2) * (past + future) + p], 1e-6, dir + " window " + w + " point " + p);
              assertEquals(Math.cos(a), cal[(w * 2 + 1) * (past + future) + p], 1e-6, dir + " window " + w + " point " + p);
            }
            seen++;
          }
        }
      }
    }
    return seen;
  }
}
