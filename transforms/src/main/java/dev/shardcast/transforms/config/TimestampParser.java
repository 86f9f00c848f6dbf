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
import java.time.temporal.TemporalAccessor;

/**
 * Text timestamp to epoch milliseconds (UTC when the text has no offset). Formats: {@code iso}
 * (date, date-time, or date-time with offset), {@code epoch_millis}, {@code epoch_seconds}, or a
 * {@link DateTimeFormatter} pattern such as {@code yyyy-MM-dd HH:mm}.
 */
public final class TimestampParser implements Serializable {
  private final String format;
  private transient DateTimeFormatter formatter;

  public TimestampParser(String format) {
    this.format = format;
    formatter(); // validates the pattern now, not on the first row
  }

  public static final String ALLOWED = "iso, epoch_millis, epoch_seconds, or a java.time pattern such as yyyy-MM-dd";

  private DateTimeFormatter formatter() {
    if (formatter == null && !isBuiltIn()) {
      try {
        formatter =
            new DateTimeFormatterBuilder()
                .appendPattern(format)
                .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
                .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
                .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
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
      }
    }
    return formatter;
  }

  private boolean isBuiltIn() {
    return format.equals("iso") || format.equals("epoch_millis") || format.equals("epoch_seconds");
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
