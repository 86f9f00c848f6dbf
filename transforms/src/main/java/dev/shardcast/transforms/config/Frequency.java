package dev.shardcast.transforms.config;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time grid of a series: {@code 15min}, {@code 1h}, {@code 1d}, {@code 1w}, {@code 1M}, {@code 1y},
 * or {@code none} for irregular event sequences. A regular frequency turns a timestamp into a step
 * index (its position on the grid); windows are built over consecutive steps.
 */
public final class Frequency implements Serializable {
  private static final Pattern SPEC = Pattern.compile("(\\d+)\\s*(ms|s|min|h|d|w|M|y)");
  /** Weeks start on Monday; 1970-01-05 is the first Monday after the epoch. */
  private static final long WEEK_ANCHOR_MILLIS = 4L * 86_400_000L;

  private final String spec;
  private final long fixedMillis; // > 0 for fixed-length units
  private final int months; // > 0 for calendar units (M, y)
  private final long anchorMillis;

  private Frequency(String spec, long fixedMillis, int months, long anchorMillis) {
    this.spec = spec;
    this.fixedMillis = fixedMillis;
    this.months = months;
    this.anchorMillis = anchorMillis;
  }

  public static final String ALLOWED = "none, or a count and a unit (ms, s, min, h, d, w, M, y), e.g. 1h, 15min, 1d, 1M";

  public static Frequency parse(String spec) {
    return parse(spec, "input.frequency");
  }

  /** @param key the config key named in the error message */
  public static Frequency parse(String spec, String key) {
    String s = spec == null ? "" : spec.trim();
    if (s.equals("none")) {
      return new Frequency("none", 0, 0, 0);
    }
    Matcher m = SPEC.matcher(s);
    if (!m.matches()) {
      throw new ConfigException("config key '" + key + "' must be " + ALLOWED + "; got '" + spec + "'");
    }
    try {
      long n = Long.parseLong(m.group(1));
      if (n <= 0) {
        throw new ConfigException("config key '" + key + "' must be " + ALLOWED + "; got '" + spec + "'");
      }
      return switch (m.group(2)) {
        case "ms" -> new Frequency(s, n, 0, 0);
        case "s" -> new Frequency(s, Math.multiplyExact(n, 1000L), 0, 0);
        case "min" -> new Frequency(s, Math.multiplyExact(n, 60_000L), 0, 0);
        case "h" -> new Frequency(s, Math.multiplyExact(n, 3_600_000L), 0, 0);
        case "d" -> new Frequency(s, Math.multiplyExact(n, 86_400_000L), 0, 0);
        case "w" -> new Frequency(s, Math.multiplyExact(n, 7 * 86_400_000L), 0, WEEK_ANCHOR_MILLIS);
        case "M" -> new Frequency(s, 0, Math.toIntExact(n), 0);
        case "y" -> new Frequency(s, 0, Math.toIntExact(Math.multiplyExact(12L, n)), 0);
        default -> throw new IllegalStateException(s);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      // A count too large for a long, or a step length that overflows: a bad value, not a crash.
      throw new ConfigException("config key '" + key + "' must be " + ALLOWED + "; got '" + spec
          + "' (the count is too large)");
    }
  }

  /** Length of a fixed-length grid step (0 for calendar units and none). */
  public long fixedMillis() {
    return fixedMillis;
  }

  /** Months per grid step for calendar units (M, y); 0 otherwise. */
  public int months() {
    return months;
  }

  public boolean isRegular() {
    return fixedMillis > 0 || months > 0;
  }

  /** Grid step of a timestamp, or {@link Long#MIN_VALUE} when it is not on the grid. */
  public long step(long epochMillis) {
    if (fixedMillis > 0) {
      long rel = epochMillis - anchorMillis;
      return Math.floorMod(rel, fixedMillis) == 0 ? Math.floorDiv(rel, fixedMillis) : Long.MIN_VALUE;
    }
    if (months > 0) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
      boolean midnightFirst =
          Math.floorMod(epochMillis, 86_400_000L) == 0 && t.getDayOfMonth() == 1;
      long monthIndex = (t.getYear() - 1970L) * 12 + (t.getMonthValue() - 1);
      return midnightFirst && Math.floorMod(monthIndex, months) == 0
          ? Math.floorDiv(monthIndex, months)
          : Long.MIN_VALUE;
    }
    throw new IllegalStateException("frequency 'none' has no grid");
  }

  /** The grid step at or before a timestamp (on the grid or not). */
  public long floorStep(long epochMillis) {
    if (fixedMillis > 0) {
      return Math.floorDiv(epochMillis - anchorMillis, fixedMillis);
    }
    if (months > 0) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
      return Math.floorDiv((t.getYear() - 1970L) * 12 + (t.getMonthValue() - 1), months);
    }
    throw new IllegalStateException("frequency 'none' has no grid");
  }

  /** Inverse of {@link #step}. */
  public long timeOf(long step) {
    if (fixedMillis > 0) {
      return anchorMillis + step * fixedMillis;
    }
    long monthIndex = step * months;
    LocalDateTime t =
        LocalDateTime.of((int) (1970 + Math.floorDiv(monthIndex, 12)), (int) Math.floorMod(monthIndex, 12) + 1, 1, 0, 0);
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  public String describeOffGrid(long epochMillis) {
    return "timestamp " + Instant.ofEpochMilli(epochMillis) + " is not on the " + spec + " grid"
        + (months > 0 ? " (expected midnight UTC on the first day of a month)" : "");
  }

  @Override
  public String toString() {
    return spec.toLowerCase(Locale.ROOT).equals("none") ? "none" : spec;
  }
}
