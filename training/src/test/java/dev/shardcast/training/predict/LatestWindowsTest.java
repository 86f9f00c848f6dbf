package dev.shardcast.training.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.quality.ScaleCheck;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** predict's latest windows follow prepare's rules: grid, duplicates, scale check, gap fill, event ties. */
class LatestWindowsTest {
  private static final ScaleLookup IDENTITY = new ScaleLookup(Map.of("v", new ColumnScale(0, 1, 1, null)), Map.of());

  private static JobPlan plan(String frequency, String... extra) {
    String yaml = """
        name: t
        input:
          path: unused.csv
          series_key: [id]
          timestamp: {column: ts}
          frequency: %s
          columns:
            - {name: v, type: double, target: true}
        windowing: {past: 3, future: 1}
        split: {train_end: "2021-01-10", val_end: "2021-01-20"}
        shards: {output: out}
        quality:
          columns:
            v: {scale_check: {value: 2, severity: error}}
        """.formatted(frequency);
    return new JobPlan(ConfigLoader.loadYaml(yaml, List.of(extra)));
  }

  private static long day(int i) {
    return LocalDate.parse("2021-01-01").plusDays(i).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private static LatestWindows latest(JobPlan plan) {
    // the training data's typical magnitude is 10: values beyond 10^(1±2) fail the scale check
    LatestWindows w = new LatestWindows(plan, ScaleCheck.of(plan, RuleSet.compile(plan), c -> 10.0));
    w.source("in.csv", JobPlan.DEFAULT_SOURCE);
    return w;
  }

  private static List<LatestWindows.Window> build(LatestWindows w, List<LatestWindows.Skipped> skipped) {
    List<LatestWindows.Window> out = new ArrayList<>();
    w.build(IDENTITY, out, skipped);
    return out;
  }

  @Test
  void onlyTheRowsTheLatestWindowNeedsAreHeld() {
    LatestWindows w = latest(plan("1d"));
    for (int i = 0; i < 100_000; i++) {
      w.row("s", day(i), i + 2, new double[] {10 + i % 7});
    }
    w.row("s", day(3), 100_002, new double[] {10}); // late and old: a duplicate no latest window needs
    List<LatestWindows.Window> windows = build(w, new ArrayList<>());
    assertEquals(1, windows.size());
    double[] expected = {10 + 99_997 % 7, 10 + 99_998 % 7, 10 + 99_999 % 7};
    assertArrayEquals(new float[] {(float) expected[0], (float) expected[1], (float) expected[2]}, windows.get(0).past());
    assertEquals(100_001 - 3, w.rowsNotNeeded(), "rows before the latest window are not held");
    assertTrue(w.quarantined().isEmpty(), "the old duplicate is outside every latest window");
    assertEquals(day(100_000), (long) windows.get(0).firstForecastTime());
  }

  @Test
  void offGridRowsAreQuarantinedAsInPrepare() {
    LatestWindows w = latest(plan("1d"));
    for (int i = 0; i < 5; i++) {
      w.row("s", day(i), i + 2, new double[] {10});
    }
    w.row("s", day(9) + 3_600_000L, 99, new double[] {11}); // 01:00, not on the daily grid
    List<LatestWindows.Window> windows = build(w, new ArrayList<>());
    assertEquals(List.of(QuarantineRecord.OFF_FREQUENCY), w.quarantined().stream().map(QuarantineRecord::reason).toList());
    assertEquals(day(5), (long) windows.get(0).firstForecastTime(), "the off-grid row does not extend the series");
  }

  @Test
  void duplicatesFollowTheJobsPolicy() {
    for (String policy : List.of("quarantine", "mean", "last")) {
      LatestWindows w = latest(plan("1d", "input.duplicates=" + policy));
      for (int i = 0; i < 5; i++) {
        w.row("s", day(i), i + 2, new double[] {10 + i});
      }
      w.row("s", day(4), 50, new double[] {20});
      List<LatestWindows.Skipped> skipped = new ArrayList<>();
      List<LatestWindows.Window> windows = build(w, skipped);
      switch (policy) {
        case "quarantine" -> {
          assertEquals(2, w.quarantined().size());
          assertEquals(QuarantineRecord.DUPLICATE_TIMESTAMP, w.quarantined().get(0).reason());
          assertEquals(1, skipped.size(), "the last day has no row left: " + skipped);
        }
        case "mean" -> assertArrayEquals(new float[] {12, 13, 17}, windows.get(0).past());
        default -> assertArrayEquals(new float[] {12, 13, 20}, windows.get(0).past());
      }
    }
  }

  @Test
  void theScaleCheckUsesTheTrainingDatasMagnitude() {
    LatestWindows w = latest(plan("1d", "gaps.policy=ffill", "gaps.max_fill=1"));
    for (int i = 0; i < 5; i++) {
      w.row("s", day(i), i + 2, new double[] {i == 4 ? 90_000 : 10 + i});
    }
    List<LatestWindows.Window> windows = build(w, new ArrayList<>());
    assertEquals(List.of("v.scale_check"), w.quarantined().stream().map(QuarantineRecord::reason).toList());
    assertArrayEquals(new float[] {12, 13, 13}, windows.get(0).past(), "the rejected point is filled like a gap");
  }

  @Test
  void eventsThatShareATimestampAreAllKeptInFileOrder() {
    LatestWindows w = latest(plan("none"));
    long t = Instant.parse("2021-01-05T10:00:00Z").toEpochMilli();
    w.row("s", t - 60_000, 2, new double[] {1});
    w.row("s", t, 5, new double[] {3});
    w.row("s", t, 4, new double[] {2});
    w.row("s", t - 120_000, 3, new double[] {9});
    List<LatestWindows.Window> windows = build(w, new ArrayList<>());
    assertArrayEquals(new float[] {1, 2, 3}, windows.get(0).past(), "time, then line");
    assertEquals(t, windows.get(0).lastTime());
    assertTrue(w.quarantined().isEmpty());
  }
}
