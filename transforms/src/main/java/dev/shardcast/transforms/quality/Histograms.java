package dev.shardcast.transforms.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Histogram bins read off a {@link ValueSketch}. */
final class Histograms {
  private Histograms() {}

  /**
   * {@code bins} equal-width bins between min and max, counts from the sketch's fractions times count,
   * rounded so they sum to count. min == max (or edges that floating point cannot tell apart) gives
   * one bin.
   */
  static QualityReport.Histogram equalWidth(ValueSketch sketch, double min, double max, long count,
      int bins) {
    double[] edges = new double[bins + 1];
    // max/bins - min/bins rather than (max - min)/bins: the difference of two huge values can overflow.
    double step = max / bins - min / bins;
    for (int i = 0; i < bins; i++) {
      edges[i] = min + step * i;
    }
    edges[bins] = max;
    if (!strictlyIncreasing(edges)) {
      edges = new double[] {min, max};
    }
    List<Long> counts = new ArrayList<>();
    for (long c : roundToTotal(sketch.fractions(edges), count)) {
      counts.add(c);
    }
    List<Double> edgeList = new ArrayList<>();
    for (double e : edges) {
      edgeList.add(e);
    }
    return new QualityReport.Histogram(edgeList, counts);
  }

  /** Validates report edges: at least two, finite, strictly increasing. */
  static double[] checkedEdges(List<Double> edges) {
    if (edges == null || edges.size() < 2) {
      throw new IllegalArgumentException("a histogram needs at least 2 edges, got " + edges);
    }
    double[] a = new double[edges.size()];
    for (int i = 0; i < a.length; i++) {
      Double e = edges.get(i);
      if (e == null || !Double.isFinite(e)) {
        throw new IllegalArgumentException("histogram edge " + i + " is not a finite number: " + e);
      }
      a[i] = e;
    }
    // A one-bin histogram of a constant column has edges [c, c]: allowed, nothing to split.
    if (a.length > 2 && !strictlyIncreasing(a)) {
      throw new IllegalArgumentException("histogram edges must increase strictly: " + edges);
    }
    return a;
  }

  private static boolean strictlyIncreasing(double[] a) {
    for (int i = 1; i < a.length; i++) {
      if (!(a[i] > a[i - 1])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Largest-remainder rounding of fractions × total to whole counts that sum to total exactly (the
   * report promises the histogram accounts for every value).
   */
  static long[] roundToTotal(double[] fractions, long total) {
    int n = fractions.length;
    long[] counts = new long[n];
    double[] remainders = new double[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      double exact = Math.max(0, fractions[i]) * total;
      counts[i] = (long) Math.floor(exact);
      remainders[i] = exact - counts[i];
      sum += counts[i];
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -remainders[i]));
    // The PMF sums to 1 up to floating point, so the shortfall is below n; cycling covers the rest.
    for (int k = 0; sum < total; k++) {
      counts[order[k % n]]++;
      sum++;
    }
    for (int k = n - 1; sum > total; k = (k + n - 1) % n) {
      int i = order[k];
      if (counts[i] > 0) {
        counts[i]--;
        sum--;
      }
    }
    return counts;
  }
}
