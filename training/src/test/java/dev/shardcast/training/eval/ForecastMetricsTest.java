package dev.shardcast.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ForecastMetricsTest {

  @Test
  void seasonalIndexPointsOneSeasonBack() {
    // past 24, season 12: forecast step h (0-based) is 24+h steps after the window start; one season
    // back is step 12+h, i.e. index 12+h in the past window, as long as h < 12.
    ForecastMetrics m = new ForecastMetrics(24, 0, 12);
    assertEquals(12, m.seasonalIndex(0));
    assertEquals(23, m.seasonalIndex(11));
    // h = 12 is two seasons after index 12.
    assertEquals(12, m.seasonalIndex(12));
    // With lead 2, the first forecast point is step 26: one season back is 14.
    assertEquals(14, new ForecastMetrics(24, 2, 12).seasonalIndex(0));
    // Season 1 is last-value.
    assertEquals(9, new ForecastMetrics(10, 0, 1).seasonalIndex(3));
  }

  @Test
  void maeRmseAndMaseByHand() {
    ForecastMetrics m = new ForecastMetrics(4, 0, 2);
    // past 1,2,3,4; future truth 5,6; forecast 5.5, 5
    m.add(new double[] {1, 2, 3, 4}, new double[] {5, 6}, new double[] {5.5, 5});
    // errors 0.5, -1 -> MAE 0.75, RMSE sqrt((0.25 + 1) / 2)
    assertEquals(0.75, m.mae(), 1e-12);
    assertEquals(Math.sqrt(0.625), m.rmse(), 1e-12);
    // seasonal naive (season 2): step 4 <- step 2 (value 3), step 5 <- step 3 (value 4): errors 2, 2
    assertEquals(2.0, m.maeSeasonalNaive(), 1e-12);
    assertEquals(0.375, m.maseSeasonalNaive(), 1e-12);
    // last value 4: errors 1, 2
    assertEquals(1.5, m.maeLastValue(), 1e-12);
    assertEquals(0.5, m.maseLastValue(), 1e-12);
    assertEquals(2L, m.points());
    assertTrue(m.toMap().containsKey("mase_seasonal_naive"));
  }

  @Test
  void filledPointsAreScoredByNobody() {
    ForecastMetrics m = new ForecastMetrics(4, 0, 2);
    // the second future point was filled (say ffill copied 4 into it): the model, seasonal-naive and
    // last-value are all scored on the first point only
    m.add(new double[] {1, 2, 3, 4}, new double[] {5, 4}, new double[] {5.5, 100}, new boolean[] {true, false});
    assertEquals(1L, m.points());
    assertEquals(1L, m.excluded());
    assertEquals(0.5, m.mae(), 1e-12);
    assertEquals(2.0, m.maeSeasonalNaive(), 1e-12); // step 4 <- step 2 (value 3)
    assertEquals(1.0, m.maeLastValue(), 1e-12);
    assertEquals(1L, m.toMap().get("points_excluded_filled"));
  }

  @Test
  void metricsWithoutAValueAreNullNeverNaN() {
    // No windows at all (an empty test split): every error metric is undefined.
    java.util.Map<String, Object> empty = new ForecastMetrics(4, 0, 2).toMap();
    assertEquals(0L, empty.get("points"));
    for (String k : java.util.List.of("mae", "rmse", "mase_seasonal_naive", "mase_last_value", "mae_seasonal_naive",
        "mae_last_value")) {
      assertTrue(empty.containsKey(k) && empty.get(k) == null, k + " = " + empty.get(k));
    }
    // A constant series: the naive forecasts are exact, so MASE (model error / naive error) has no value.
    ForecastMetrics flat = new ForecastMetrics(4, 0, 2);
    flat.add(new double[] {3, 3, 3, 3}, new double[] {3, 3}, new double[] {3.5, 3});
    assertEquals(0.25, (Double) flat.toMap().get("mae"), 1e-12);
    assertEquals(null, flat.toMap().get("mase_seasonal_naive"), "0.25 / 0 is no number");
    assertEquals(null, flat.toMap().get("mase_last_value"));
  }

  @Test
  void metricTextIsNeverNaN() {
    assertEquals("39.64", MetricText.of(39.6412, "%.4g"));
    assertEquals("n/a", MetricText.of(null, "%.4g"));
    assertEquals("n/a", MetricText.of(Double.NaN, "%.3f"));
    assertEquals("n/a", MetricText.of(Double.POSITIVE_INFINITY, "%.3f"));
  }

  @Test
  void seasonLongerThanThePastIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ForecastMetrics(6, 0, 12));
    assertTrue(e.getMessage().contains("train.season"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void ridgeAndPerStepByHand() {
    ForecastMetrics m = new ForecastMetrics(4, 0, 2);
    // past 1,2,3,4; truth 5,6; model 5.5,5; ridge 4,7; step 2 of a second window filled
    m.add(new double[] {1, 2, 3, 4}, new double[] {5, 6}, new double[] {5.5, 5}, new double[] {4, 7}, null);
    m.add(new double[] {0, 0, 0, 0}, new double[] {2, 9}, new double[] {1, 0}, new double[] {2, 0},
        new boolean[] {true, false});
    // model errors 0.5, 1, 1 -> 2.5 / 3; ridge errors 1, 1, 0 -> 2 / 3
    assertEquals(2.5 / 3, m.mae(), 1e-12);
    assertEquals(2.0 / 3, m.maeRidge(), 1e-12);
    java.util.Map<String, Object> map = m.toMap();
    assertEquals(1.25, (Double) map.get("mae_ratio_to_ridge"), 1e-12);
    // seasonal naive: 3, 4 vs 5, 6 -> 2, 2; second window 0 vs 2 -> 2: total 6
    assertEquals(2.0 / 6, (Double) map.get("mase_ridge"), 1e-12);
    java.util.List<java.util.Map<String, Object>> steps = (java.util.List<java.util.Map<String, Object>>) map.get("per_step");
    assertEquals(2, steps.size());
    assertEquals(2L, steps.get(0).get("points"));
    assertEquals(0.75, (Double) steps.get(0).get("mae"), 1e-12); // 0.5, 1
    assertEquals(0.5, (Double) steps.get(0).get("mae_ridge"), 1e-12); // 1, 0
    assertEquals(1.5, (Double) steps.get(0).get("mae_last_value"), 1e-12); // 1, 2
    assertEquals(1L, steps.get(1).get("points"));
    assertEquals(1.0, (Double) steps.get(1).get("mae_ridge"), 1e-12);
    assertEquals(2.0, (Double) steps.get(1).get("mae_seasonal_naive"), 1e-12);
  }
}
