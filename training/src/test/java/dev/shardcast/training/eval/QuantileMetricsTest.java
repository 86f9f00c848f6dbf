package dev.shardcast.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantileMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void weightedQuantileLossCoverageAndCrossingsByHand() {
    QuantileMetrics m = new QuantileMetrics(List.of(0.1, 0.5, 0.9));
    // [level][step]; step 2's levels 0.1 and 0.5 crossed (6 > 4), step 3 reversed but filled
    double[][] q = {{1, 6, 3}, {2, 4, 2}, {3, 5, 1}};
    m.add(q, new double[] {2.5, 7, 100}, new boolean[] {true, true, false});
    // sorted: step 1 [1, 2, 3], y 2.5; step 2 [4, 5, 6], y 7
    // pinball: 0.1: 0.1*1.5 + 0.1*3 = 0.45; 0.5: 0.5*0.5 + 0.5*2 = 1.25; 0.9: 0.1*0.5 + 0.9*1 = 0.95
    double absY = 9.5;
    assertEquals(2 * 0.45 / absY, m.wql(0), EPS);
    assertEquals(2 * 1.25 / absY, m.wql(1), EPS);
    assertEquals(2 * 0.95 / absY, m.wql(2), EPS);
    assertEquals(2 * (0.45 + 1.25 + 0.95) / 3 / absY, m.meanWql(), EPS);
    // wQL at the median is sum |y - median| / sum |y|
    assertEquals((0.5 + 2) / absY, m.wql(1), EPS);
    // 2.5 in [1, 3], 7 not in [4, 6]
    assertEquals(0.5, m.coverage(0), EPS);
    // crossed pairs among every forecast point's 2 adjacent pairs: 1 at step 2, 2 at step 3 (filled, still a forecast)
    assertEquals(3.0 / 6, m.crossedFraction(), EPS);
    Map<String, Object> map = m.toMap();
    assertEquals(2L, map.get("points"));
    @SuppressWarnings("unchecked")
    Map<String, Object> interval = ((List<Map<String, Object>>) map.get("intervals")).get(0);
    assertEquals(0.1, interval.get("lower"));
    assertEquals(0.9, interval.get("upper"));
    assertEquals(0.8, (Double) interval.get("nominal"), EPS);
    assertEquals(0.5, interval.get("coverage"));
    assertEquals(Map.of("p10", 2 * 0.45 / absY, "p50", 2 * 1.25 / absY, "p90", 2 * 0.95 / absY).keySet(),
        ((Map<?, ?>) map.get("wql_per_level")).keySet());
  }

  @Test
  void centralIntervalsPairTheOuterLevelsFirst() {
    QuantileMetrics m = new QuantileMetrics(List.of(0.05, 0.25, 0.5, 0.75, 0.95));
    m.add(new double[][] {{0}, {4}, {5}, {6}, {10}}, new double[] {3}, null);
    assertEquals(1.0, m.coverage(0), EPS); // 3 in [0, 10]
    assertEquals(0.0, m.coverage(1), EPS); // 3 not in [4, 6]
    String line = QuantileMetrics.summary(Map.of("quantile", m.toMap()));
    assertTrue(line.contains("p5-p95 interval covers 100.0% (nominal 90.0%)"), line);
    assertTrue(line.contains("p25-p75 interval covers 0.0% (nominal 50.0%)"), line);
    assertEquals("", QuantileMetrics.summary(Map.of("mae", 1.0)));
  }

  @Test
  void labels() {
    assertEquals("p10", QuantileMetrics.label(0.1));
    assertEquals("p2.5", QuantileMetrics.label(0.025));
    assertEquals("p50", QuantileMetrics.label(0.5));
    assertEquals("p99.9", QuantileMetrics.label(0.999));
  }
}
