package dev.shardcast.training.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores of a quantile forecast in original units, on the observed target points (as {@link
 * ForecastMetrics}):
 *
 * <ul>
 *   <li>weighted quantile loss per level, {@code wQL(tau) = 2 * sum pinball_tau(y, f_tau) / sum |y|}
 *       (the GluonTS / Amazon Forecast definition: the factor 2 makes wQL(0.5) the median's
 *       sum |error| / sum |y|), and its mean over the levels;
 *   <li>per central interval (lowest with highest level, second lowest with second highest, ...),
 *       the fraction of observed points inside it, against its nominal coverage (e.g. 0.1-0.9: 80 %);
 *   <li>the fraction of adjacent quantile pairs the model emitted out of order (crossed), counted on
 *       every forecast point before the quantiles are sorted; all the scores above use sorted ones.
 * </ul>
 */
public final class QuantileMetrics {
  private final double[] levels;
  private final double[] pinball;
  private final long[] inside;
  private double absTruth;
  private long points;
  private long crossed;
  private long pairs;

  public QuantileMetrics(List<Double> levels) {
    this.levels = levels.stream().mapToDouble(Double::doubleValue).toArray();
    this.pinball = new double[this.levels.length];
    this.inside = new long[this.levels.length / 2];
  }

  /** The pinball loss of forecast {@code f} at level {@code tau} for truth {@code y}. */
  public static double pinball(double tau, double y, double f) {
    double d = y - f;
    return d >= 0 ? tau * d : (tau - 1) * d;
  }

  /**
   * Adds one window's target series.
   *
   * @param quantiles [level][future step] as the model emitted them (not sorted), original units
   * @param truth the true future values
   * @param observed per future point, false where it was filled (not scored); null: all observed
   */
  public void add(double[][] quantiles, double[] truth, boolean[] observed) {
    int q = levels.length;
    double[] v = new double[q];
    for (int h = 0; h < truth.length; h++) {
      for (int i = 0; i < q; i++) {
        v[i] = quantiles[i][h];
        if (i > 0 && v[i] < v[i - 1]) {
          crossed++;
        }
      }
      pairs += q - 1;
      if (observed != null && !observed[h]) {
        continue;
      }
      Arrays.sort(v);
      double y = truth[h];
      for (int i = 0; i < q; i++) {
        pinball[i] += pinball(levels[i], y, v[i]);
      }
      for (int k = 0; k < inside.length; k++) {
        if (y >= v[k] && y <= v[q - 1 - k]) {
          inside[k]++;
        }
      }
      absTruth += Math.abs(y);
      points++;
    }
  }

  /** wQL of level {@code i}; NaN without points or when every truth is 0. */
  public double wql(int i) {
    return 2 * pinball[i] / absTruth;
  }

  public double meanWql() {
    return Arrays.stream(pinball).sum() * 2 / levels.length / absTruth;
  }

  /** Fraction of observed points inside central interval {@code k} (0: the widest). */
  public double coverage(int k) {
    return (double) inside[k] / points;
  }

  public double crossedFraction() {
    return (double) crossed / pairs;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("levels", Arrays.stream(levels).boxed().toList());
    m.put("points", points);
    m.put("wql_definition", "2 * sum(pinball loss) / sum(|y|), per level; wql: their mean");
    m.put("wql", finite(meanWql()));
    Map<String, Object> per = new LinkedHashMap<>();
    for (int i = 0; i < levels.length; i++) {
      per.put(label(levels[i]), finite(wql(i)));
    }
    m.put("wql_per_level", per);
    List<Map<String, Object>> intervals = new ArrayList<>();
    for (int k = 0; k < inside.length; k++) {
      Map<String, Object> iv = new LinkedHashMap<>();
      iv.put("lower", levels[k]);
      iv.put("upper", levels[levels.length - 1 - k]);
      iv.put("nominal", levels[levels.length - 1 - k] - levels[k]);
      iv.put("coverage", finite(coverage(k)));
      intervals.add(iv);
    }
    m.put("intervals", intervals);
    m.put("crossed_fraction", finite(crossedFraction()));
    m.put("crossing", "quantiles sorted per point before scoring and in predict's output");
    return m;
  }

  /** One summary line for a split's "all" metrics, or "" when they have no quantile section. */
  @SuppressWarnings("unchecked")
  public static String summary(Map<String, Object> all) {
    if (!(all.get("quantile") instanceof Map<?, ?> raw)) {
      return "";
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    StringBuilder sb = new StringBuilder("  quantiles: wQL ").append(MetricText.of(m.get("wql"), "%.4g"));
    for (Object o : (List<?>) m.get("intervals")) {
      Map<String, Object> iv = (Map<String, Object>) o;
      sb.append(String.format(Locale.ROOT, "   %s-%s interval covers %s (nominal %s)",
          label((Double) iv.get("lower")), label((Double) iv.get("upper")),
          percent(iv.get("coverage")), percent(iv.get("nominal"))));
    }
    sb.append("   crossed ").append(percent(m.get("crossed_fraction"))).append(" (sorted)");
    return sb.append('\n').toString();
  }

  private static String percent(Object v) {
    return v instanceof Number n ? MetricText.of(100 * n.doubleValue(), "%.1f") + "%" : MetricText.NONE;
  }

  /** 0.1 -> "p10", 0.025 -> "p2.5". */
  public static String label(double level) {
    return "p" + new java.math.BigDecimal(Double.toString(level * 100))
        .setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
