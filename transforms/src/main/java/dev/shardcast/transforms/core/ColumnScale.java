package dev.shardcast.transforms.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * {@code scaled = (raw - center) / scale}. A column the fit cannot scale (zero spread, no sample)
 * keeps center 0 and scale 1 and says why in {@code unscaledReason}. A per-series scale that could
 * not be fitted is the global one, and {@code fallback} says why the series' own fit was not used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnScale(double center, double scale, long sampled, String unscaledReason, String fallback)
    implements Serializable {

  public ColumnScale(double center, double scale, long sampled, String unscaledReason) {
    this(center, scale, sampled, unscaledReason, null);
  }

  public static ColumnScale identity(long sampled, String reason) {
    return new ColumnScale(0.0, 1.0, sampled, reason);
  }

  /** The global scale standing in for a series whose own fit failed for {@code why}. */
  public ColumnScale asFallback(long seriesSampled, String why) {
    return new ColumnScale(center, scale, seriesSampled, unscaledReason, "global scaler: " + why);
  }

  public double apply(double raw) {
    double scaled = (raw - center) / scale;
    // raw - center overflows only for values near the double limit of opposite signs (1e308, -1e308).
    return Double.isInfinite(scaled) && Double.isFinite(raw) ? raw / scale - center / scale : scaled;
  }

  public double invert(double scaled) {
    return scaled * scale + center;
  }
}
