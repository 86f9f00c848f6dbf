package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A calendar feature of {@code windowing.time_features}: a cyclic position in the calendar (UTC) that
 * every past and future point of a window has, known in advance, so the model may read the
 * forecast's own months or weekdays. The trainer computes each as a sin and a cos channel from the
 * window's start and the grid (training/.../data/CalendarFeatures); the shards do not change.
 */
public enum TimeFeature {
  MONTH,
  DAY_OF_WEEK,
  HOUR,
  DAY_OF_YEAR;

  private static final long DAY = 86_400_000L;

  @JsonValue
  public String yaml() {
    return name().toLowerCase();
  }

  /**
   * Refuses a list the grid cannot use: any feature with {@code input.frequency: none} (events have
   * no grid to place future points on), a feature listed twice, and a feature that is the same for
   * every point of the grid (hour on a daily grid, day_of_week on a weekly one, month or day_of_year
   * on a yearly one): a constant channel only costs parameters.
   */
  public static void check(List<TimeFeature> features, Frequency frequency) {
    if (features == null || features.isEmpty()) {
      return;
    }
    String key = "windowing.time_features";
    if (!frequency.isRegular()) {
      throw new ConfigException("config key '" + key + "' needs a regular input.frequency (1h, 1d, 1M, ...): with "
          + "frequency none the future points have no timestamps to compute calendar features from");
    }
    Set<TimeFeature> seen = EnumSet.noneOf(TimeFeature.class);
    for (TimeFeature f : features) {
      if (f == null) {
        throw new ConfigException("config key '" + key + "' must list month, day_of_week, hour or day_of_year");
      }
      if (!seen.add(f)) {
        throw new ConfigException("config key '" + key + "' lists " + f.yaml() + " twice");
      }
      if (constantOn(f, frequency)) {
        throw new ConfigException("config key '" + key + "': " + f.yaml() + " is the same for every point of the "
            + frequency + " grid; drop it (features finer than input.frequency carry nothing)");
      }
    }
  }

  /** Whether every point of the grid has the same value of {@code f}. */
  static boolean constantOn(TimeFeature f, Frequency frequency) {
    long fixed = frequency.fixedMillis();
    int months = frequency.months();
    return switch (f) {
      case HOUR -> months > 0 || fixed % DAY == 0;
      case DAY_OF_WEEK -> fixed > 0 && fixed % (7 * DAY) == 0;
      case MONTH, DAY_OF_YEAR -> months > 0 && months % 12 == 0;
    };
  }
}
