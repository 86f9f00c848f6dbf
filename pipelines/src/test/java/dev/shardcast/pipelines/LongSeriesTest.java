package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One series of 10 million points (one per minute for 19 years) through the whole pipeline on the
 * default runner (auto: the embedded Flink at this size), in a test JVM of 3 GB heap (issue #14 point
 * 7: within 4 GiB): the series is windowed in chunks, never as one element.
 * The window count per split is computed here from the grid arithmetic alone.
 */
@Tag("slow")
class LongSeriesTest {
  private static final long POINTS = 10_000_000L;
  private static final long START = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
  private static final int PAST = 60;
  private static final int FUTURE = 10;
  private static final int STRIDE = 10;

  static {
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink.metrics.MetricGroup", "error");
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void tenMillionPointSeries(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("one-series.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("id,ts,value\n");
      StringBuilder sb = new StringBuilder(64);
      for (long i = 0; i < POINTS; i++) {
        sb.setLength(0);
        sb.append("s1,").append(START + 60 * i).append(',').append(i % 1440).append('\n');
        w.write(sb.toString());
      }
    }
    String yaml = """
        name: long
        input:
          path: %s
          series_key: [id]
          timestamp: {column: ts, format: epoch_seconds}
          frequency: 1min
          columns:
            - {name: value, type: double, target: true}
        windowing: {past: %d, future: %d, stride: %d}
        split: {train_end: "2013-01-01", val_end: "2016-01-01"}
        shards: {batch_size: 4096, output: %s}
        """.formatted(csv, PAST, FUTURE, STRIDE, dir.resolve("out"));
    JobConfig config = ConfigLoader.loadYaml(yaml, List.of());
    ShardManifest m = PrepareJob.run(config, List.of());

    long span = PAST + FUTURE;
    long[] expected = new long[3];
    long straddling = 0;
    long trainEnd = Instant.parse("2013-01-01T00:00:00Z").getEpochSecond();
    long valEnd = Instant.parse("2016-01-01T00:00:00Z").getEpochSecond();
    for (long s = 0; s + span <= POINTS; s += STRIDE) {
      long first = START + 60 * (s + PAST);
      long last = first + 60 * (FUTURE - 1);
      if (last < trainEnd) {
        expected[0]++;
      } else if (first >= trainEnd && last < valEnd) {
        expected[1]++;
      } else if (first >= valEnd) {
        expected[2]++;
      } else {
        straddling++;
      }
    }
    assertEquals(straddling, m.counts().get("windows_straddling"));
    assertEquals(POINTS, m.counts().get("rows_read"));
    assertEquals(POINTS, m.counts().get("rows_windowed"));
    assertEquals(expected[0], m.splits().get("train").windows());
    assertEquals(expected[1], m.splits().get("val").windows());
    assertEquals(expected[2], m.splits().get("test").windows());
    assertEquals(1L, m.counts().get("series"));
  }
}
