package dev.shardcast.training.eval;

import java.util.Locale;

/** A metric as printed for a person: a number, or "n/a" where it has no value, never NaN or Infinity. */
public final class MetricText {
  public static final String NONE = "n/a";

  private MetricText() {}

  /**
   * @param value a number, or null (a metric without a value in metrics.json)
   * @param format a {@link String#format} pattern for one double, e.g. {@code %.4g}
   */
  public static String of(Object value, String format) {
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return String.format(Locale.ROOT, format, n.doubleValue());
    }
    return NONE;
  }
}
