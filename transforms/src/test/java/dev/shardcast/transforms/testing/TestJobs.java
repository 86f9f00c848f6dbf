package dev.shardcast.transforms.testing;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Small job configs for tests: a valid base job, changed with {@code key.path=value} overrides. */
public final class TestJobs {
  private TestJobs() {}

  public static final long DAY = 86_400_000L;

  /**
   * Daily grid, key {@code id}, timestamp {@code ts}; value columns {@code x} (input and target),
   * {@code y} (input only) and {@code z} (target only). Splits: train before 2020-01-15, val before
   * 2020-01-25, no test end. The window layout (one materialised window each), which the windowing
   * tests check; the compact layout has its own cases ({@code ChunkWindowerPropertyTest}). No calendar
   * features (a 3-day window would get day_of_week and day_of_year by default; TimeFeatureTest checks that).
   */
  public static final String BASE_YAML =
      String.join(
          "\n",
          "name: unit",
          "input:",
          "  path: data.csv",
          "  series_key: [id]",
          "  timestamp: {column: ts}",
          "  frequency: 1d",
          "  columns:",
          "    - {name: x, type: double, target: true}",
          "    - {name: y, type: double}",
          "    - {name: z, type: double, input: false, target: true}",
          "windowing: {past: 3, future: 2, time_features: []}",
          "split: {train_end: '2020-01-15', val_end: '2020-01-25'}",
          "shards: {output: out/unit, layout: windows}",
          "");

  public static JobConfig config(String... overrides) {
    return ConfigLoader.loadYaml(BASE_YAML, List.of(overrides));
  }

  public static JobPlan plan(String... overrides) {
    return new JobPlan(config(overrides));
  }

  /** Epoch millis of midnight UTC on an ISO date. */
  public static long millis(String isoDate) {
    return LocalDate.parse(isoDate).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** Daily grid step (days since the epoch) of an ISO date. */
  public static long day(String isoDate) {
    return LocalDate.parse(isoDate).toEpochDay();
  }
}
