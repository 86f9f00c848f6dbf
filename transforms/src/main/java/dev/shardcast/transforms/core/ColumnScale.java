package dev.shardcast.transforms.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;

/**
 * {@code scaled = (raw - center) / scale}. A column the fit cannot scale (zero spread, no sample)
 * keeps center 0 and scale 1 and says why in {@code unscaledReason}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnScale(double center, double scale, long sampled, String unscaledReason) implements Serializable {

  public static ColumnScale identity(long sampled, String reason) {
    return new ColumnScale(0.0, 1.0, sampled, reason);
  }

  public double apply(double raw) {
    return (raw - center) / scale;
  }

  public double invert(double scaled) {
    return scaled * scale + center;
  }
}
