package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.TrainJob;
import dev.shardcast.training.eval.ForecastMetrics;
import dev.shardcast.training.train.TrainResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary train and run print: a metric without a value says so, it is never printed as NaN. */
class TrainSummaryTest {
  private static String summary(ForecastMetrics all, long windows) {
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("split", "test");
    test.put("windows", windows);
    test.put("points_excluded_filled", all.excluded());
    test.put("all", all.toMap());
    TrainResult result = new TrainResult(Path.of("m/best"), Path.of("m/final"), List.of(), 10, 0.5, 2, false, false,
        Path.of("m/ckpt"), "cpu()");
    return TrainCommand.summary(new TrainJob.Outcome(Path.of("m"), Path.of("m/best"), Path.of("m/run.jsonl"),
        Map.of("test", test), result));
  }

  @Test
  void noTestWindowsIsNotAMetric() {
    String s = summary(new ForecastMetrics(4, 0, 2), 0);
    assertTrue(s.contains("  test: n/a (no test windows)\n"), s);
    assertFalse(s.contains("NaN"), s);
    assertFalse(s.contains("MASE"), s);
  }

  @Test
  void anExactNaiveForecastLeavesMaseWithoutAValue() {
    ForecastMetrics flat = new ForecastMetrics(4, 0, 2);
    flat.add(new double[] {3, 3, 3, 3}, new double[] {3, 3}, new double[] {3.5, 3});
    String s = summary(flat, 1);
    assertTrue(s.contains("test (1 windows, original units): MAE 0.2500  RMSE 0.3536"), s);
    assertTrue(s.contains("MASE vs seasonal-naive (season 2): n/a   MASE vs last-value: n/a"), s);
    assertFalse(s.contains("NaN") || s.contains("Infinity"), s);
  }

  @Test
  void filledTargetPointsLeftOutAreCounted() {
    ForecastMetrics m = new ForecastMetrics(4, 0, 2);
    m.add(new double[] {1, 2, 3, 4}, new double[] {5, 4}, new double[] {5.5, 100}, new boolean[] {true, false});
    String s = summary(m, 1);
    assertTrue(s.contains("test (1 windows, 1 observed points; 1 filled ones not scored, original units): MAE 0.5000"), s);
  }
}
