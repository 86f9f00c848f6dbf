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

  /**
   * The features a job gets when it does not list any ({@code windowing.time_features} absent; an
   * explicit {@code []} means none): each calendar cycle the grid can see that is <b>longer than the
   * past window</b>, so the window alone cannot tell the model where in that cycle the forecast
   * falls. A cycle the window spans is already in the window's values (a 28-day daily window shows
   * the week; a 24-month window shows the year), and there the feature only added parameters: on the
   * demo's 24 months, month made every model worse on test, while on weather's 28 days, day_of_year
   * made every model better (docs/forecast-quality.md, "Calendar features"). Finest cycle first;
   * on a monthly grid month stands for the year, on finer grids day_of_year does.
   */
  public static List<TimeFeature> defaults(Frequency frequency, int past) {
    List<TimeFeature> out = new java.util.ArrayList<>();
    if (!frequency.isRegular() || past <= 0) {
      return out;
    }
    int months = frequency.months();
    if (months > 0) {
      if (!constantOn(MONTH, frequency) && (long) past * months < 12) {
        out.add(MONTH);
      }
      return out;
    }
    double span = (double) past * frequency.fixedMillis();
    if (!constantOn(HOUR, frequency) && span < DAY) {
      out.add(HOUR);
    }
    if (!constantOn(DAY_OF_WEEK, frequency) && span < 7.0 * DAY) {
      out.add(DAY_OF_WEEK);
    }
    if (span < 365.0 * DAY) {
      out.add(DAY_OF_YEAR);
    }
    return out;
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
