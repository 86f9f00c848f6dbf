package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ColumnProfileTest {
  /**
   * The value sketch keeps every value up to 16,384 of them, as these 10,000: a quantile's rank is
   * off by at most one value, and histogram counts are exact. ValueSketchTest checks the binned mode.
   */
  static final double RANK_ERROR = 1.0 / 10_000;

  /** 10,000 values: two different normal distributions (mean 100 and 160), so halves differ. */
  static double[] values(long seed) {
    Random r = new Random(seed);
    double[] v = new double[10_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i < v.length / 2 ? 100 : 160) + 15 * r.nextGaussian();
    }
    return v;
  }

  static ColumnProfile profile(double[] v, int from, int to) {
    ColumnProfile p = ColumnProfile.numeric();
    for (int i = from; i < to; i++) {
      p.addNumber(v[i]);
    }
    return p;
  }

  /** Fraction of values <= x in sorted data: the rank a quantile answer really has. */
  static double exactRank(double[] sorted, double x) {
    int i = Arrays.binarySearch(sorted, x);
    if (i < 0) {
      return (double) (-i - 1) / sorted.length;
    }
    while (i + 1 < sorted.length && sorted[i + 1] == x) {
      i++;
    }
    return (double) (i + 1) / sorted.length;
  }

  @Test
  void momentsAreExact() {
    double[] v = values(42);
    ColumnProfile p = profile(v, 0, v.length);
    p.addNumber(Double.NaN);
    p.addNumber(Double.POSITIVE_INFINITY);

    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double x : v) {
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    double mean = sum / v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(ss / v.length);

    assertEquals(10_000, p.count());
    assertEquals(2, p.nulls()); // NaN and +Infinity
    assertEquals(min, p.min());
    assertEquals(max, p.max());
    assertEquals(mean, p.mean(), 1e-9 * Math.abs(mean));
    assertEquals(std, p.std(), 1e-9 * std);
    // Sanity of the generator itself: mean ~130, std ~sqrt(15^2 + 30^2) ~ 33.5.
    assertEquals(130, mean, 1.0);
    assertEquals(33.5, std, 0.5);
  }

  @Test
  void mergeOfHalvesEqualsOneProfile() {
    double[] v = values(7);
    ColumnProfile whole = profile(v, 0, v.length);
    ColumnProfile merged = profile(v, 0, v.length / 2).merge(profile(v, v.length / 2, v.length));

    assertEquals(whole.count(), merged.count());
    assertEquals(whole.min(), merged.min());
    assertEquals(whole.max(), merged.max());
    assertEquals(whole.mean(), merged.mean(), 1e-9);
    assertEquals(whole.std(), merged.std(), 1e-9);
    // All 10,000 values are distinct. The union's estimate differs a little from one sketch's (a
    // union cannot use the HIP estimator), but both stay within 3%.
    assertEquals(10_000, whole.approxDistinct(), 300);
    assertEquals(10_000, merged.approxDistinct(), 300);

    double[] sorted = v.clone();
    Arrays.sort(sorted);
    Map<String, Double> q = merged.summary(10).quantiles();
    assertEquals(List.of("p01", "p05", "p25", "p50", "p75", "p95", "p99"), List.copyOf(q.keySet()));
    double[] ranks = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
    int i = 0;
    for (double quantile : q.values()) {
      double rank = ranks[i++];
      assertEquals(rank, exactRank(sorted, quantile), RANK_ERROR, "rank of " + quantile);
    }
  }

  @Test
  void mergeIntoEmptyAndOfEmpty() {
    double[] v = values(3);
    ColumnProfile part = profile(v, 0, 100);
    ColumnProfile copy = ColumnProfile.numeric().merge(part).merge(ColumnProfile.numeric());
    assertEquals(part.mean(), copy.mean(), 0);
    assertEquals(part.std(), copy.std(), 0);
    assertEquals(part.min(), copy.min());
    assertEquals(100, copy.count());
  }

  @Test
  void approxDistinctWithinThreePercent() {
    ColumnProfile numbers = ColumnProfile.numeric();
    ColumnProfile text = ColumnProfile.text();
    for (int rep = 0; rep < 3; rep++) { // repeats must not count again
      for (int i = 0; i < 5000; i++) {
        numbers.addNumber(i * 0.5);
        text.addText("id-" + i);
      }
    }
    assertEquals(15_000, numbers.count());
    assertEquals(5000, numbers.approxDistinct(), 150);
    assertEquals(5000, text.approxDistinct(), 150);
  }

  @Test
  void histogramCountsSumToCountAndFollowTheData() {
    double[] v = values(11);
    ColumnProfile p = profile(v, 0, v.length);
    QualityReport.Histogram h = p.summary(20).histogram();
    assertEquals(21, h.edges().size());
    assertEquals(20, h.counts().size());
    assertEquals(p.min(), h.edges().get(0));
    assertEquals(p.max(), h.edges().get(20));
    assertEquals(10_000L, h.counts().stream().mapToLong(Long::longValue).sum());
    for (int b = 0; b < 20; b++) {
      double lo = h.edges().get(b);
      double hi = h.edges().get(b + 1);
      long exact = Arrays.stream(v).filter(x -> x >= lo && (x < hi || hi == p.max())).count();
      assertEquals(exact, h.counts().get(b), "bin " + b);
    }
  }

  @Test
  void constantColumnHasOneBin() {
    ColumnProfile p = ColumnProfile.numeric();
    for (int i = 0; i < 500; i++) {
      p.addNumber(4.5);
    }
    QualityReport.ColumnStats s = p.summary(10);
    assertEquals(List.of(4.5, 4.5), s.histogram().edges());
    assertEquals(List.of(500L), s.histogram().counts());
    assertEquals(0.0, s.std());
    assertEquals(4.5, s.medianAbs(), 4.5 * 0.0012, "to the 1/1000-order magnitude bins");
  }

  @Test
  void binFractionsPutOutOfRangeValuesInTheOuterBins() {
    ColumnProfile p = ColumnProfile.numeric();
    for (int i = 0; i < 100; i++) { // fewer than k values: the sketch is exact
      p.addNumber(i);
    }
    // [10, 20) gets 0..19 (below 10 included), [20, 30] gets 20..99 (above 30 included).
    assertArrayEquals(new double[] {0.2, 0.8}, p.binFractions(List.of(10.0, 20.0, 30.0)), 1e-12);
    assertArrayEquals(new double[] {0.25, 0.25, 0.5}, p.binFractions(List.of(0.0, 25.0, 50.0, 75.0)), 1e-12);
    assertArrayEquals(new double[] {1.0}, p.binFractions(List.of(3.0, 3.0)), 0);
    assertArrayEquals(new double[] {0, 0}, ColumnProfile.numeric().binFractions(List.of(0.0, 1.0, 2.0)), 0);
    assertThrows(IllegalArgumentException.class, () -> p.binFractions(List.of(1.0, 1.0, 2.0)));
  }

  @Test
  void medianAbsIsTheMedianMagnitudeOfNonZeroValues() {
    ColumnProfile p = ColumnProfile.numeric();
    for (double x : new double[] {-1, 10, 100, 0, 0, 0}) {
      p.addNumber(x);
    }
    // log10|x| over non-zero values = {0, 1, 2}: median 1, so 10^1.
    assertEquals(10, p.medianAbs(), 1e-12);
    assertEquals(2, p.logMagnitudeQuantile(1.0), 1e-12);
    assertEquals(10, p.summary(5).medianAbs(), 1e-12);

    ColumnProfile zeros = ColumnProfile.numeric();
    zeros.addNumber(0);
    assertTrue(Double.isNaN(zeros.medianAbs()));
    assertNull(zeros.summary(5).medianAbs());
  }

  @Test
  void textColumn() {
    ColumnProfile p = ColumnProfile.text();
    p.addText("héllo");
    p.addText("a\uD83D\uDE00"); // 2 code points, 3 UTF-16 units
    p.addText(""); // a value, and a distinct one
    p.addText(null);
    p.addText("héllo");
    QualityReport.ColumnStats s = p.summary(10);
    assertEquals("text", s.type());
    assertEquals(4, s.count());
    assertEquals(1, s.nulls());
    assertEquals(3, s.approxDistinct());
    assertEquals(5, p.maxLength());
    assertNull(s.mean());
    assertNull(s.histogram());
    assertNull(s.quantiles());
    assertThrows(IllegalArgumentException.class, () -> p.addNumber(1));
    assertThrows(IllegalArgumentException.class, () -> ColumnProfile.numeric().merge(p));
  }

  @Test
  void emptyNumericColumnHasNoNumbers() {
    ColumnProfile p = ColumnProfile.numeric();
    p.addNumber(Double.NaN);
    QualityReport.ColumnStats s = p.summary(10);
    assertEquals(0, s.count());
    assertEquals(1, s.nulls());
    assertNull(s.min());
    assertNull(s.std());
    assertNull(s.histogram());
  }
}
