package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig.ScalerKind;
import java.util.Arrays;

/** Fits one column's {@link ColumnScale} on a sample of its training values. */
public final class ScalerFit {
  private ScalerFit() {}

  public static ColumnScale fit(ScalerKind kind, double[] sample) {
    int n = sample.length;
    if (kind == ScalerKind.NONE) {
      return ColumnScale.identity(n, "scaler type none");
    }
    if (n == 0) {
      return ColumnScale.identity(0, "no training values in the sample");
    }
    double[] cs = centerScale(kind, sample);
    if (!Double.isFinite(cs[0]) || !Double.isFinite(cs[1])) {
      // Values near the limit of a double (1e308): their sums, squares or range overflow. Fit on the
      // sample divided by its largest magnitude and scale the result back (only here, so every other
      // fit stays bit for bit what it was).
      double m = 0;
      for (double v : sample) {
        m = Math.max(m, Math.abs(v));
      }
      double[] shrunk = new double[n];
      for (int i = 0; i < n; i++) {
        shrunk[i] = sample[i] / m;
      }
      cs = centerScale(kind, shrunk);
      cs[0] *= m;
      cs[1] *= m;
      if (!Double.isFinite(cs[0]) || !Double.isFinite(cs[1])) {
        // A min-max or quartile range wider than the largest double: the standard deviation of the
        // shrunk sample is at most 1, so scaled back it is finite, and so is every scaled value.
        cs = centerScale(ScalerKind.STANDARD, shrunk);
        cs[0] *= m;
        cs[1] *= m;
      }
    }
    double center = cs[0];
    double scale = cs[1];
    // Relative test: a spread that is rounding noise next to the values is no spread.
    if (!(scale > 1e-12 * Math.max(1.0, Math.abs(center)))) {
      return ColumnScale.identity(n, "zero spread in the training sample (" + kind.yaml() + ")");
    }
    return new ColumnScale(center, scale, n, null);
  }

  private static double[] centerScale(ScalerKind kind, double[] sample) {
    int n = sample.length;
    double center;
    double scale;
    switch (kind) {
      case STANDARD -> {
        double mean = 0;
        for (double v : sample) {
          mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : sample) {
          ss += (v - mean) * (v - mean);
        }
        center = mean;
        scale = Math.sqrt(ss / n);
      }
      case MINMAX -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : sample) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        center = min;
        scale = max - min;
      }
      case ROBUST -> {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        center = quantile(sorted, 0.5);
        scale = quantile(sorted, 0.75) - quantile(sorted, 0.25);
      }
      default -> throw new IllegalArgumentException(kind.toString());
    }
    return new double[] {center, scale};
  }

  /** Linear interpolation between closest ranks (numpy's default), on sorted values. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
