package dev.shardcast.transforms.config;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;

/**
 * Text timestamp to epoch milliseconds (UTC when the text has no offset). Formats: {@code iso}
 * (date, date-time, or date-time with offset), {@code epoch_millis}, {@code epoch_seconds}, or a
 * {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd HH:mm}.
 *
 * <p>A pattern may leave out fields: they default to the start of the period the text names. A
 * yearly {@code yyyy} ("1992") is 1992-01-01T00:00, a monthly {@code yyyy-MM} ("1992-01") the 1st of
 * the month, a quarterly {@code yyyy'Q'Q} ("1992Q3") or {@code yyyy-'Q'Q} ("1992-Q3") the first day
 * of the quarter (1992-07-01), and a missing time of day is midnight. Resolution stays STRICT, so a
 * date that does not exist (2021-02-30, 1992Q5, month 13) is an error, never clamped to a neighbour.
 */
public final class TimestampParser implements Serializable {
  private final String format;
  private transient DateTimeFormatter formatter;

  public TimestampParser(String format) {
    this.format = format;
    formatter(); // validates the pattern now, not on the first row
  }

  public static final String ALLOWED = "iso, epoch_millis, epoch_seconds, or a java.time pattern such as yyyy-MM-dd,"
      + " yyyy-MM (monthly), yyyy (yearly) or yyyy'Q'Q (quarterly, 1992Q1)";

  private DateTimeFormatter formatter() {
    if (formatter == null && !isBuiltIn()) {
      try {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().appendPattern(format);
        defaultMissingFields(b, patternLetters(format));
        formatter = b
            // STRICT: 2021-02-30 is an error, not 2021-02-28 (SMART's silent clamp). STRICT needs
            // an era to resolve yyyy (year-of-era); default it to CE.
            .parseDefaulting(ChronoField.ERA, 1)
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "config key 'input.timestamp.format' must be " + ALLOWED + "; '" + format + "' is not a valid pattern: "
                + e.getMessage());
      } catch (ClassCastException e) {
        // The JDK's builder fails this way on some pad-modifier patterns ("epKch": p before an
        // adjacent number field), not with its documented IllegalArgumentException (found by fuzzing).
        throw new ConfigException("config key 'input.timestamp.format' must be " + ALLOWED + "; '" + format
            + "' is not a valid pattern: a pad modifier (p) the JDK cannot apply here");
      }
    }
    return formatter;
  }

  /**
   * Defaults for the fields the pattern does not carry, so the text resolves to the start of its
   * period. A default applies only when the field was not parsed, but a defaulted field the text
   * fixes another way still conflicts in the resolver: month 1 against the parsed quarter 3, or hour
   * 0 against "01:00 PM". So each default is added only when no pattern letter provides that field,
   * and a quarter pattern gets day-of-quarter 1 (java.time resolves year + quarter + day-of-quarter
   * to a date) instead of month and day.
   */
  private static void defaultMissingFields(DateTimeFormatterBuilder b, String letters) {
    boolean quarter = has(letters, "Qq");
    boolean month = has(letters, "ML");
    // Day-of-year, week-based fields and the modified Julian day fix the date on their own: no defaults.
    boolean dateOtherwise = has(letters, "DwWYecFg");
    if (!dateOtherwise) {
      if (quarter && !month) {
        b.parseDefaulting(IsoFields.DAY_OF_QUARTER, 1);
      } else {
        b.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1);
        b.parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
      }
    }
    if (has(letters, "AN")) {
      return; // milli-of-day or nano-of-day carry the whole time of day
    }
    if (!has(letters, "HhKkaB")) {
      b.parseDefaulting(ChronoField.HOUR_OF_DAY, 0); // "hh:mm a" resolves its hour from the am/pm half
    }
    b.parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0);
    b.parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0);
  }

  /** The pattern letters outside quoted literals ('Q' in {@code yyyy'Q'Q} is text, the last Q a field). */
  static String patternLetters(String pattern) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '\'') {
        quoted = !quoted; // '' (a quote character) toggles twice
      } else if (!quoted && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
        out.append(ch);
      }
    }
    return out.toString();
  }

  private static boolean has(String letters, String any) {
    for (int i = 0; i < any.length(); i++) {
      if (letters.indexOf(any.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  private boolean isBuiltIn() {
    return format.equals("iso") || format.equals("epoch_millis") || format.equals("epoch_seconds");
  }

  /** True for a java.time pattern (not iso or an epoch format): a Parquet integer column is then read as its digits. */
  public boolean isPattern() {
    return !isBuiltIn();
  }

  /** @throws DateTimeParseException or NumberFormatException when the text is not a timestamp */
  public long parse(String text) {
    String t = text.trim();
    switch (format) {
      case "epoch_millis":
        return Long.parseLong(t);
      case "epoch_seconds":
        return Math.multiplyExact(Long.parseLong(t), 1000L);
      case "iso":
        return parseIso(t);
      default:
        TemporalAccessor parsed = formatter().parse(t);
        if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
          return Instant.from(parsed).toEpochMilli();
        }
        return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
  }

  public static long parseIso(String t) {
    if (t.length() <= 10) {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    char last = t.charAt(t.length() - 1);
    if (last == 'Z' || t.lastIndexOf('+') > 10 || t.lastIndexOf('-') > 10) {
      return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant().toEpochMilli();
    }
    return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  public String format() {
    return format;
  }
}
