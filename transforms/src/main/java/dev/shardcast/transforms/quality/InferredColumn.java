package dev.shardcast.transforms.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.shardcast.transforms.config.Check;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import dev.shardcast.transforms.config.TimestampParser;
import dev.shardcast.transforms.core.NumberText;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What one CSV column held, seen one cell at a time, and the rules that describe it. Every type stays
 * a candidate until a value rules it out, so one pass decides the type and its range together.
 */
final class InferredColumn {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  /**
   * Period shapes statistics offices publish (1992-01, 1992Q1, 1992-Q1), as the patterns the job's
   * reader takes for them. Tried with the reader's own parser, so a pattern proposed here reads the
   * column. Not {@code yyyy}: a column of years is a long column, like any other integers.
   */
  static final List<String> PERIOD_PATTERNS = List.of("yyyy-MM", "yyyy'Q'Q", "yyyy-'Q'Q");
  private static final List<TimestampParser> PERIOD_PARSERS =
      PERIOD_PATTERNS.stream().map(TimestampParser::new).toList();

  private final int maxCategories;
  private boolean nullSeen;
  private long values;
  private boolean couldLong = true;
  private boolean couldDouble = true;
  private boolean couldBoolean = true;
  private boolean couldTimestamp = true;
  /** Index in PERIOD_PATTERNS of the one shape every value so far had; -1 before the first, -2 when none fits. */
  private int period = -1;
  private long minLong = Long.MAX_VALUE;
  private long maxLong = Long.MIN_VALUE;
  private double minDouble = Double.POSITIVE_INFINITY;
  private double maxDouble = Double.NEGATIVE_INFINITY;
  private long minMillis = Long.MAX_VALUE;
  private long maxMillis = Long.MIN_VALUE;
  private String minTimestamp;
  private String maxTimestamp;
  /** ISO shapes seen, as java.time patterns: a column mixing shapes is still one `iso` column. */
  private final Set<String> timestampPatterns = new TreeSet<>();
  /** Capped at maxCategories + 1: past that the column is not categorical, and memory stays bounded. */
  private final TreeSet<String> distinct = new TreeSet<>();
  private int maxLength;

  InferredColumn(int maxCategories) {
    this.maxCategories = maxCategories;
  }

  /** @param cell the trimmed cell text; empty or NA is a null, as CsvSource reads it */
  void add(String cell) {
    if (cell.isEmpty() || cell.equals("NA")) {
      nullSeen = true;
      return;
    }
    values++;
    if (distinct.size() <= maxCategories) {
      distinct.add(cell);
    }
    maxLength = Math.max(maxLength, cell.codePointCount(0, cell.length()));
    if (couldLong) {
      addLong(cell);
    }
    if (couldDouble) {
      addDouble(cell);
    }
    if (couldBoolean) {
      couldBoolean = cell.equalsIgnoreCase("true") || cell.equalsIgnoreCase("false");
    }
    if (couldTimestamp) {
      addTimestamp(cell);
    }
    if (period != -2) {
      addPeriod(cell);
    }
  }

  private void addPeriod(String cell) {
    for (int i = 0; i < PERIOD_PARSERS.size(); i++) {
      if (period == -1 || period == i) {
        try {
          PERIOD_PARSERS.get(i).parse(cell);
          period = i;
          return;
        } catch (RuntimeException e) {
          // not this shape
        }
      }
    }
    period = -2;
  }

  private void addLong(String cell) {
    if (!INTEGER.matcher(cell).matches()) {
      couldLong = false;
      return;
    }
    try {
      long v = Long.parseLong(cell);
      minLong = Math.min(minLong, v);
      maxLong = Math.max(maxLong, v);
    } catch (NumberFormatException e) {
      couldLong = false; // more digits than a long holds: still a double
    }
  }

  private void addDouble(String cell) {
    double v = NumberText.parse(cell); // the readers' rule, so a column inferred double is one they accept
    if (Double.isNaN(v)) {
      couldDouble = false;
      return;
    }
    minDouble = Math.min(minDouble, v);
    maxDouble = Math.max(maxDouble, v);
  }

  private void addTimestamp(String cell) {
    long millis;
    try {
      millis = isoMillis(cell);
    } catch (DateTimeParseException e) {
      couldTimestamp = false;
      return;
    }
    timestampPatterns.add(isoPattern(cell));
    if (millis < minMillis) {
      minMillis = millis;
      minTimestamp = cell;
    }
    if (millis > maxMillis) {
      maxMillis = millis;
      maxTimestamp = cell;
    }
  }

  /**
   * The job's {@code timestamp.format: iso} parser itself (TimestampParser.parseIso), on the shapes
   * {@link #isoPattern} can name: a date, or a date and time with T or one space between them.
   */
  static long isoMillis(String t) {
    if (t.length() != 10 && (t.length() < 16 || (t.charAt(10) != 'T' && t.charAt(10) != ' '))) {
      throw new DateTimeParseException("not an ISO date or date-time", t, 0);
    }
    return TimestampParser.parseIso(t);
  }

  /** A valid ISO text's shape as a java.time pattern, e.g. 1975-06-27T00:00 is yyyy-MM-dd'T'HH:mm. */
  static String isoPattern(String t) {
    if (t.length() == 10) {
      return "yyyy-MM-dd";
    }
    StringBuilder p = new StringBuilder(t.charAt(10) == 'T' ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd HH:mm");
    String rest = t.substring(16);
    if (rest.startsWith(":")) {
      p.append(":ss");
      rest = rest.substring(3);
    }
    if (rest.startsWith(".")) {
      int digits = 1;
      while (digits < rest.length() && Character.isDigit(rest.charAt(digits))) {
        digits++;
      }
      p.append('.').append("S".repeat(digits - 1));
      rest = rest.substring(digits);
    }
    if (!rest.isEmpty()) {
      p.append("XXX");
    }
    return p.toString();
  }

  String type() {
    if (values == 0) {
      return "string"; // nothing to go on; the header comment says so
    }
    if (couldLong) {
      return "long";
    }
    if (couldDouble) {
      return "double";
    }
    if (couldBoolean) {
      return "boolean";
    }
    return couldTimestamp ? "timestamp" : "string";
  }

  boolean nullSeen() {
    return nullSeen;
  }

  boolean noValues() {
    return values == 0;
  }

  /**
   * @return the period pattern (yyyy-MM, yyyy'Q'Q, yyyy-'Q'Q) all of a text column's values have, or
   *     null. Such a column stays type string: a {@code type: timestamp} rule reads ISO text on any
   *     column but the job's time column, so it would reject every value there.
   */
  String periodPattern() {
    return period >= 0 && type().equals("string") ? PERIOD_PATTERNS.get(period) : null;
  }

  /** @return the ISO shapes of a timestamp column, empty for other types */
  Set<String> timestampPatterns() {
    return type().equals("timestamp") ? timestampPatterns : Set.of();
  }

  ColumnRules rules() {
    String type = type();
    JsonNode min = null;
    JsonNode max = null;
    JsonNode allowed = null;
    Integer length = null;
    switch (type) {
      case "long" -> {
        min = NODES.numberNode(minLong);
        max = NODES.numberNode(maxLong);
      }
      case "double" -> {
        min = NODES.numberNode(minDouble);
        max = NODES.numberNode(maxDouble);
      }
      case "timestamp" -> {
        min = NODES.textNode(minTimestamp);
        max = NODES.textNode(maxTimestamp);
      }
      case "string" -> {
        if (values > 0 && distinct.size() <= maxCategories) {
          ArrayNode list = NODES.arrayNode();
          distinct.forEach(list::add);
          allowed = list;
        }
        length = values > 0 ? maxLength : null;
      }
      default -> { }
    }
    return new ColumnRules(null, check(NODES.textNode(type)), check(NODES.booleanNode(nullSeen)),
        check(allowed), check(min), check(max), null, length == null ? null : check(NODES.numberNode(length)),
        null, null, null, null, null);
  }

  private static Check check(JsonNode value) {
    return value == null ? null : new Check(value, null, null);
  }
}
