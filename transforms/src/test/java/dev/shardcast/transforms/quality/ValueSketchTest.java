package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueSketchTest {
  private static final double[] RANKS = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
  private static final double[] EDGES = {-50, -10, -1, 0, 1, 5, 20, 100, 1000};

  /** Values with negatives, zeros, repeats and a long tail. */
  private static double[] values(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % 17 == 0 ? 0 : i % 5 == 0 ? -Math.exp(2 * r.nextGaussian()) : Math.exp(1 + 1.5 * r.nextGaussian());
    }
    return v;
  }

  private static ValueSketch sketch(double[] v, int from, int to) {
    ValueSketch s = new ValueSketch();
    for (int i = from; i < to; i++) {
      s.update(v[i]);
    }
    return s;
  }

  /** Quantiles at RANKS and fractions at EDGES: what the report and the drift check read. */
  private static String readings(ValueSketch s, double min, double max) {
    double[] q = new double[RANKS.length];
    for (int i = 0; i < RANKS.length; i++) {
      q[i] = s.quantile(RANKS[i], min, max);
    }
    return Arrays.toString(q) + " " + Arrays.toString(s.fractions(EDGES));
  }

  @Test
  void theSameValuesGiveTheSameReadingsWhateverTheSplitAndMergeOrder() {
    double[] v = values(200_000, 3);
    double min = Arrays.stream(v).min().orElseThrow();
    double max = Arrays.stream(v).max().orElseThrow();
    String whole = readings(sketch(v, 0, v.length), min, max);
    Random r = new Random(11);
    for (int trial = 0; trial < 5; trial++) {
      // Parts of random sizes (some below, some above the exact limit), merged in a random order.
      List<ValueSketch> parts = new ArrayList<>();
      int at = 0;
      while (at < v.length) {
        int len = Math.min(v.length - at, 1 + r.nextInt(3 * ValueSketch.EXACT_LIMIT));
        parts.add(sketch(v, at, at + len));
        at += len;
      }
      Collections.shuffle(parts, r);
      while (parts.size() > 1) { // pairwise, as a combine tree does
        ValueSketch a = parts.remove(r.nextInt(parts.size()));
        ValueSketch b = parts.remove(r.nextInt(parts.size()));
        a.merge(b);
        parts.add(a);
      }
      assertEquals(whole, readings(parts.get(0), min, max), "trial " + trial);
    }
  }

  @Test
  void exactUpToTheLimit() {
    double[] v = values(ValueSketch.EXACT_LIMIT, 5);
    ValueSketch s = sketch(v, 0, v.length / 3);
    s.merge(sketch(v, v.length / 3, v.length));
    assertTrue(s.isExact());
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    for (double q : RANKS) {
      // The smallest value whose rank is at least q.
      int i = Math.max(0, (int) Math.ceil(q * sorted.length) - 1);
      assertEquals(sorted[i], s.quantile(q, sorted[0], sorted[sorted.length - 1]), "q " + q);
    }
    assertArrayEquals(exactFractions(v), s.fractions(EDGES), 1e-12);
    s.update(1.0);
    assertFalse(s.isExact(), "one value more: binned");
  }

  @Test
  void binnedReadingsStayCloseToTheExactOnes() {
    double[] v = values(100_000, 7);
    ValueSketch s = sketch(v, 0, v.length);
    assertFalse(s.isExact());
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    for (double q : RANKS) {
      double exact = sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
      double got = s.quantile(q, sorted[0], sorted[sorted.length - 1]);
      // A value of the data, in the exact quantile's bin: within a factor of 10^(1/1000), 0.23 %.
      assertTrue(Arrays.binarySearch(sorted, got) >= 0, got + " is a value of the data");
      assertEquals(exact, got, Math.abs(exact) * 0.0024, "q " + q);
    }
    double[] exactFractions = exactFractions(v);
    double[] got = s.fractions(EDGES);
    assertEquals(1.0, Arrays.stream(got).sum(), 1e-9);
    for (int b = 0; b < got.length; b++) {
      // Only values within one bin (0.23 %) of an edge can land on its other side.
      assertEquals(exactFractions[b], got[b], 0.002, "bin " + b);
    }
  }

  @Test
  void survivesItsByteFormInBothModes() throws IOException {
    for (int n : new int[] {0, 100, 50_000}) {
      double[] v = values(n, 13);
      ValueSketch s = sketch(v, 0, n);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      s.writeTo(new DataOutputStream(bytes));
      ValueSketch back = ValueSketch.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(s.isExact(), back.isExact());
      assertEquals(readings(s, -1e9, 1e9), readings(back, -1e9, 1e9), "n " + n);
      double[] more = values(10_000, 17);
      s.merge(sketch(more, 0, more.length));
      back.merge(sketch(more, 0, more.length));
      assertEquals(readings(s, -1e9, 1e9), readings(back, -1e9, 1e9), "n " + n + ", merged");
    }
  }

  private static double[] exactFractions(double[] v) {
    double[] splits = Arrays.copyOfRange(EDGES, 1, EDGES.length - 1);
    double[] f = new double[EDGES.length - 1];
    for (double x : v) {
      int b = 0;
      while (b < splits.length && splits[b] <= x) {
        b++;
      }
      f[b] += 1.0 / v.length;
    }
    return f;
  }
}
