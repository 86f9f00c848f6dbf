package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 series of three monthly points each, one window per series (past 2, future 1), on the
 * default runner (auto: the embedded Flink at this size) in a test JVM of 3 GB heap (issue #14 points
 * 1 and 7; the 10 M-point single series is LongSeriesTest). Series i starts
 * in month 1 + i % 3, so its one window forecasts month 3, 4 or 5: train, val, test by the cut-offs
 * 2021-04-01 and 2021-05-01. Every row is in a window; nothing is short or quarantined.
 */
@Tag("slow")
class ManyTinySeriesTest {
  private static final int SERIES = 100_000;

  static {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink.metrics.MetricGroup", "error");
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void hundredThousandTinySeries(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("tiny.csv");
    long[] perSplit = new long[3];
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("id,date,value\n");
      for (int i = 0; i < SERIES; i++) {
        int first = 1 + i % 3;
        perSplit[i % 3]++;
        for (int m = first; m < first + 3; m++) {
          w.write("s" + i + ",2021-0" + m + "-01," + (i % 97 + m) + "\n");
        }
      }
    }
    String yaml = """
        name: tiny
        input:
          path: %s
          series_key: [id]
          timestamp: {column: date, format: yyyy-MM-dd}
          frequency: 1M
          columns:
            - {name: value, type: double, target: true}
        windowing: {past: 2, future: 1}
        split: {train_end: "2021-04-01", val_end: "2021-05-01"}
        shards: {batch_size: 1024, output: %s}
        """.formatted(csv, dir.resolve("out"));
    ShardManifest m = PrepareJob.run(ConfigLoader.loadYaml(yaml, List.of()), List.of());

    assertEquals(3L * SERIES, m.counts().get("rows_read"));
    assertEquals(3L * SERIES, m.counts().get("rows_windowed"));
    assertEquals(0L, m.counts().getOrDefault("rows_unused", 0L));
    assertEquals(0L, m.counts().getOrDefault("rows_quarantined", 0L));
    assertEquals((long) SERIES, m.counts().get("series"));
    assertEquals(0L, m.counts().getOrDefault("short_series", 0L));
    String[] splits = {"train", "val", "test"};
    for (int s = 0; s < 3; s++) {
      ShardManifest.Split split = m.splits().get(splits[s]);
      assertEquals(perSplit[s], split.windows(), splits[s]);
      assertEquals((perSplit[s] + 1023) / 1024, split.shardCount(), splits[s] + " shards");
    }
  }
}
