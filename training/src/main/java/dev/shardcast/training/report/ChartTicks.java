package dev.shardcast.training.report;

import java.util.ArrayList;
import java.util.List;

/** Axis tick positions for {@link SvgCharts}: round numbers a reader can interpolate between. */
final class ChartTicks {
  private ChartTicks() {}

  /** Round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
  static List<Double> linear(double lo, double hi, int target, boolean integers) {
    double raw = (hi - lo) / Math.max(1, target);
    if (!(raw > 0) || !Double.isFinite(raw)) {
      return List.of(lo);
    }
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * mag;
      if (step >= raw) {
        break;
      }
    }
    if (integers) {
      step = Math.max(1, Math.round(step));
    }
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9 && out.size() < 50; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t); // no "-0" label
    }
    return out;
  }

  /** Powers of ten inside [r0, r1], with 2x and 5x when the range spans only a decade or two. */
  static List<Double> log(double[] r) {
    List<Double> out = new ArrayList<>();
    int lo = (int) Math.floor(Math.log10(r[0]));
    int hi = (int) Math.ceil(Math.log10(r[1]));
    // within one decade powers of ten alone would give at most one tick: add 2x and 5x
    double[] mults = hi - lo <= 2 ? new double[] {1, 2, 5} : new double[] {1};
    for (int e = lo; e <= hi; e++) {
      for (double m : mults) {
        double t = m * Math.pow(10, e);
        if (t >= r[0] && t <= r[1]) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
