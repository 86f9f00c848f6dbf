package dev.shardcast.training.model;

import java.util.List;

/**
 * The layout of a quantile model's output and the point forecast taken from it. The block emits
 * [B, Q * targets, future], quantile q of target t at row {@code q * targets + t}: each quantile is
 * then one more "target" to the window block, which adds back the same level (and scale) to every
 * quantile of a target.
 *
 * <p>The point forecast (what MAE, MASE, the ridge comparison and predict's {@code <target>} column
 * report) is the quantile closest to 0.5, the lower one on a tie; quantiles are sorted per point
 * before that (monotone rearrangement: a forecast whose quantiles cross is reported with them in
 * order, which never raises the pinball loss).
 */
public final class QuantileOutput {
  private QuantileOutput() {}

  /** {@code perTarget} repeated once per quantile (the window block's per-row channel); null stays null. */
  static int[] perOutput(ModelSpec spec, int[] perTarget) {
    if (perTarget == null || spec.quantiles() == null) {
      return perTarget;
    }
    int q = spec.quantileCount();
    int[] out = new int[perTarget.length * q];
    for (int i = 0; i < q; i++) {
      System.arraycopy(perTarget, 0, out, i * perTarget.length, perTarget.length);
    }
    return out;
  }

  /** The position in {@code levels} of the point forecast: the level closest to 0.5 (the lower on a tie). */
  public static int pointIndex(List<Double> levels) {
    int best = 0;
    for (int i = 1; i < levels.size(); i++) {
      if (Math.abs(levels.get(i) - 0.5) < Math.abs(levels.get(best) - 0.5)) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Sorts the quantiles of each (window, target, step) of {@code raw} [B, Q, T, F] in place;
   * returns how many adjacent pairs were out of order before (crossed quantiles).
   */
  public static long sortInPlace(float[] raw, int quantiles, int targets, int future) {
    int per = targets * future;
    int windows = raw.length / (quantiles * per);
    float[] v = new float[quantiles];
    long crossed = 0;
    for (int b = 0; b < windows; b++) {
      int base = b * quantiles * per;
      for (int j = 0; j < per; j++) {
        for (int q = 0; q < quantiles; q++) {
          v[q] = raw[base + q * per + j];
          if (q > 0 && v[q] < v[q - 1]) {
            crossed++;
          }
        }
        java.util.Arrays.sort(v);
        for (int q = 0; q < quantiles; q++) {
          raw[base + q * per + j] = v[q];
        }
      }
    }
    return crossed;
  }

  /** The [B, T, F] slice of quantile {@code q} from {@code raw} [B, Q, T, F]. */
  public static float[] slice(float[] raw, int quantiles, int q, int targets, int future) {
    int per = targets * future;
    int windows = raw.length / (quantiles * per);
    float[] out = new float[windows * per];
    for (int b = 0; b < windows; b++) {
      System.arraycopy(raw, (b * quantiles + q) * per, out, b * per, per);
    }
    return out;
  }

  /** A column name for quantile {@code level} of {@code target}: sales_p10, sales_p50, sales_p2.5. */
  public static String columnName(String target, double level) {
    return target + "_" + dev.shardcast.training.eval.QuantileMetrics.label(level);
  }
}
