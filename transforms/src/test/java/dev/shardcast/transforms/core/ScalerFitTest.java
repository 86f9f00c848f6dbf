package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobConfig.ScalerKind;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalerFitTest {
  private static final double EPS = 1e-12;

  @Test
  void standardUsesMeanAndPopulationStd() {
    // Mean 5; squared deviations 9,1,1,1,0,0,4,16 sum to 32; 32 / 8 = 4; std 2 (the sample std would be 2.138).
    ColumnScale s = ScalerFit.fit(ScalerKind.STANDARD, new double[] {2, 4, 4, 4, 5, 5, 7, 9});
    assertEquals(5.0, s.center(), EPS);
    assertEquals(2.0, s.scale(), EPS);
    assertEquals(8, s.sampled());
    assertNull(s.unscaledReason());
    assertEquals(1.5, s.apply(8), EPS);
    assertEquals(-2.5, s.apply(0), EPS);
  }

  @Test
  void minmaxMapsTheRangeToZeroOne() {
    ColumnScale s = ScalerFit.fit(ScalerKind.MINMAX, new double[] {3, -1, 7, 0});
    assertEquals(-1.0, s.center(), EPS);
    assertEquals(8.0, s.scale(), EPS);
    assertEquals(0.0, s.apply(-1), EPS);
    assertEquals(1.0, s.apply(7), EPS);
    assertEquals(0.5, s.apply(3), EPS);
  }

  @Test
  void robustUsesMedianAndIqrWithLinearQuantiles() {
    // numpy.percentile([1..10], [25, 50, 75]) = 3.25, 5.5, 7.75 (positions 2.25, 4.5, 6.75).
    double[] tenShuffled = {7, 1, 10, 3, 5, 2, 9, 4, 8, 6};
    double[] copy = tenShuffled.clone();
    ColumnScale s = ScalerFit.fit(ScalerKind.ROBUST, tenShuffled);
    assertArrayEquals(copy, tenShuffled, "the sample is not reordered in place");
    assertEquals(5.5, s.center(), EPS);
    assertEquals(4.5, s.scale(), EPS);
    // [1, 2, 4, 10]: median at 1.5 -> 3; q25 at 0.75 -> 1.75; q75 at 2.25 -> 4 + 0.25 * 6 = 5.5.
    ColumnScale t = ScalerFit.fit(ScalerKind.ROBUST, new double[] {10, 4, 2, 1});
    assertEquals(3.0, t.center(), EPS);
    assertEquals(3.75, t.scale(), EPS);
    // Odd count: [1, 3, 5, 100, 200]: median 5, q25 3, q75 100.
    ColumnScale u = ScalerFit.fit(ScalerKind.ROBUST, new double[] {200, 1, 100, 5, 3});
    assertEquals(5.0, u.center(), EPS);
    assertEquals(97.0, u.scale(), EPS);
  }

  @Test
  void quantileMatchesNumpyLinear() {
    double[] sorted = {0, 10, 20, 30, 40};
    assertEquals(0.0, ScalerFit.quantile(sorted, 0.0), EPS);
    assertEquals(40.0, ScalerFit.quantile(sorted, 1.0), EPS);
    assertEquals(4.0, ScalerFit.quantile(sorted, 0.1), EPS); // position 0.4
    assertEquals(36.0, ScalerFit.quantile(sorted, 0.9), EPS); // position 3.6
    assertEquals(7.0, ScalerFit.quantile(new double[] {7}, 0.25), EPS);
  }

  @Test
  void applyAndInvertRoundTrip() {
    Random rnd = new Random(3);
    double[] sample = new double[500];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = rnd.nextGaussian() * 40 + 1000;
    }
    for (ScalerKind kind : new ScalerKind[] {ScalerKind.STANDARD, ScalerKind.MINMAX, ScalerKind.ROBUST}) {
      ColumnScale s = ScalerFit.fit(kind, sample);
      assertNull(s.unscaledReason(), kind.toString());
      for (double v : new double[] {-5, 0, 999.25, 1e6}) {
        assertEquals(v, s.invert(s.apply(v)), 1e-9 * Math.max(1, Math.abs(v)), kind + " " + v);
      }
    }
    double mean = 0;
    for (double v : sample) {
      mean += v;
    }
    mean /= sample.length;
    double scaledMean = 0;
    double scaledSq = 0;
    ColumnScale st = ScalerFit.fit(ScalerKind.STANDARD, sample);
    for (double v : sample) {
      scaledMean += st.apply(v) / sample.length;
      scaledSq += st.apply(v) * st.apply(v) / sample.length;
    }
    assertEquals(mean, st.center(), 1e-9);
    assertEquals(0.0, scaledMean, 1e-9);
    assertEquals(1.0, scaledSq, 1e-9); // population variance of the scaled sample is 1
  }

  @Test
  void zeroSpreadEmptySampleAndNoneAreIdentity() {
    for (ScalerKind kind : new ScalerKind[] {ScalerKind.STANDARD, ScalerKind.MINMAX, ScalerKind.ROBUST}) {
      ColumnScale flat = ScalerFit.fit(kind, new double[] {3, 3, 3, 3});
      assertEquals(0.0, flat.center(), kind.toString());
      assertEquals(1.0, flat.scale(), kind.toString());
      assertEquals(4, flat.sampled());
      assertNotNull(flat.unscaledReason(), kind.toString());
      assertEquals(3.0, flat.apply(3.0));

      ColumnScale empty = ScalerFit.fit(kind, new double[0]);
      assertEquals(0.0, empty.center());
      assertEquals(1.0, empty.scale());
      assertEquals(0, empty.sampled());
      assertNotNull(empty.unscaledReason());
    }
    // The IQR can be zero while the std is not.
    ColumnScale robust = ScalerFit.fit(ScalerKind.ROBUST, new double[] {1, 5, 5, 5, 9});
    assertEquals(1.0, robust.scale());
    assertNotNull(robust.unscaledReason());
    ColumnScale none = ScalerFit.fit(ScalerKind.NONE, new double[] {1, 2, 3});
    assertEquals(0.0, none.center());
    assertEquals(1.0, none.scale());
    assertNotNull(none.unscaledReason());
    // A small but real spread is scaled.
    ColumnScale small = ScalerFit.fit(ScalerKind.STANDARD, new double[] {0.001, 0.002});
    assertNull(small.unscaledReason());
    assertEquals(0.0005, small.scale(), 1e-15);
  }

  @Test
  void fitColumnsSkipsEmptyCells() {
    JobPlan plan = TestJobs.plan();
    double nan = Double.NaN;
    // Rows (x, y, z): x = 1, 3, NaN -> mean 2, std 1; y all NaN -> identity; z = 4, 4, 4 -> zero spread.
    SampleBlock sample = new SampleBlock(3, 3, new long[] {1, 2, 3}, new double[] {1, nan, 4, 3, nan, 4, nan, nan, 4});
    Map<String, ColumnScale> scales = ScalerParams.fitColumns(plan, sample);
    assertEquals(java.util.List.of("x", "y", "z"), java.util.List.copyOf(scales.keySet()));
    assertEquals(new ColumnScale(2.0, 1.0, 2, null), scales.get("x"));
    assertEquals(0, scales.get("y").sampled());
    assertNotNull(scales.get("y").unscaledReason());
    assertEquals(3, scales.get("z").sampled());
    assertNotNull(scales.get("z").unscaledReason());
  }

  @Test
  void aSeriesThatCannotBeFittedUsesTheGlobalScaleAndSaysWhy() {
    JobPlan plan = TestJobs.plan("scaler.scope=per_series");
    Map<String, ColumnScale> global = new LinkedHashMap<>();
    global.put("x", new ColumnScale(10, 2, 50, null));
    global.put("y", new ColumnScale(100, 10, 50, null));
    global.put("z", new ColumnScale(-1, 0.5, 50, null));
    double nan = Double.NaN;
    // x = 1, 3 -> its own fit; y never observed; z constant
    SampleBlock sample = new SampleBlock(3, 2, new long[] {1, 2}, new double[] {1, nan, 4, 3, nan, 4});
    Map<String, ColumnScale> own = ScalerParams.fitSeries(plan, global, sample);
    assertEquals(new ColumnScale(2.0, 1.0, 2, null), own.get("x"));
    assertEquals(100, own.get("y").center());
    assertEquals(10, own.get("y").scale());
    assertEquals("global scaler: no training values of this column in this series", own.get("y").fallback());
    assertEquals(-1, own.get("z").center());
    assertEquals(0.5, own.get("z").scale());
    assertEquals(2, own.get("z").sampled(), "the series' own sample size");
    assertEquals("global scaler: zero spread in this series' training sample", own.get("z").fallback());

    Map<String, ColumnScale> late = ScalerParams.fitSeries(plan, global, null); // starts after train_end
    for (String c : List.of("x", "y", "z")) {
      assertEquals(global.get(c).center(), late.get(c).center());
      assertEquals(global.get(c).scale(), late.get(c).scale());
      assertEquals("global scaler: no training rows in this series", late.get(c).fallback());
    }
    ScalerParams params = new ScalerParams(global, new java.util.TreeMap<>(Map.of("a", own, "b", late,
        "c", Map.of("x", global.get("x")))));
    String summary = params.fallbackSummary(1);
    assertTrue(summary.startsWith("2 of 3 series use the global scaler"), summary);
    assertTrue(summary.contains("a [y, z]"), summary);
    assertNull(new ScalerParams(global, Map.of("c", Map.of("x", global.get("x")))).fallbackSummary(3));
  }

  @Test
  void applyScalesACopyByColumnAndSeries() {
    JobPlan plan = TestJobs.plan(); // inputs x, y; targets x, z
    Map<String, ColumnScale> global = new LinkedHashMap<>();
    global.put("x", new ColumnScale(10, 2, 5, null));
    global.put("y", new ColumnScale(100, 10, 5, null));
    global.put("z", new ColumnScale(-1, 0.5, 5, null));
    Map<String, ColumnScale> special = new LinkedHashMap<>(global);
    special.put("x", new ColumnScale(0, 4, 5, null));
    ScalerParams params = new ScalerParams(global, Map.of("b", special));
    assertSame(global, params.forSeries("a"));
    assertSame(special, params.forSeries("b"));

    WindowBlock raw = WindowBlock.empty(2, 2, 2, 2, 1, false);
    raw.series[0] = "a";
    raw.series[1] = "b";
    // past: window, input (x, y), t; future: window, target (x, z)
    float[] past = {12, 14, 110, 120, 12, 16, 110, 90};
    float[] future = {20, 0, 8, 1};
    System.arraycopy(past, 0, raw.past, 0, past.length);
    System.arraycopy(future, 0, raw.future, 0, future.length);
    WindowBlock scaled = params.apply(plan, raw);

    assertNotSame(raw, scaled);
    assertArrayEquals(past, raw.past, "input block unchanged");
    assertArrayEquals(future, raw.future, "input block unchanged");
    assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 1, -1}, scaled.past);
    assertArrayEquals(new float[] {5, 2, 2, 4}, scaled.future);
    assertEquals("b", scaled.series[1]);
    assertEquals(2, scaled.size);
  }

  @Test
  void valuesNearTheDoubleLimitGetAFiniteScale() {
    // Squares and sums of 1e308 overflow: the fit must not end in an infinite scale (every value
    // would scale to 0 or NaN, and the manifest would hold Infinity, which is no JSON).
    double[] sample = {1e308, -1e308, 1e308, -1e308};
    ColumnScale standard = ScalerFit.fit(ScalerKind.STANDARD, sample);
    assertEquals(0.0, standard.center(), 0.0);
    assertEquals(1e308, standard.scale(), 1e308 * EPS);
    assertEquals(1.0, standard.apply(1e308), EPS);
    assertEquals(-1.0, standard.apply(-1e308), EPS);
    for (ScalerKind kind : new ScalerKind[] {ScalerKind.MINMAX, ScalerKind.ROBUST}) {
      // A range of 2e308 is itself beyond a double: the standard fit stands in.
      ColumnScale s = ScalerFit.fit(kind, sample);
      assertTrue(Double.isFinite(s.center()) && Double.isFinite(s.scale()), kind + " " + s);
      for (double v : sample) {
        assertTrue(Double.isFinite(s.apply(v)) && Math.abs(s.apply(v)) <= 2, kind + " " + v + " -> " + s.apply(v));
      }
    }
    // Minmax of [-1e308, 1e308] with a centre at the minimum: raw - center overflows, apply must not.
    ColumnScale wide = new ColumnScale(-1e308, 1e308, 2, null);
    assertEquals(2.0, wide.apply(1e308), EPS);
  }
}
