package dev.shardcast.transforms.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import dev.shardcast.transforms.quality.UnitTable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks {@code input.sources} and the {@code quality:} section when the job loads, not on the first row. */
final class QualityValidator {
  static final Set<String> TYPES = Set.of("string", "long", "int", "double", "boolean", "timestamp");

  private QualityValidator() {}

  static void validate(JobConfig c) {
    JobConfig.Input in = c.input();
    Set<String> sourceNames = new HashSet<>();
    if (in.sources() != null) {
      for (int i = 0; i < in.sources().size(); i++) {
        JobConfig.Source s = in.sources().get(i);
        String key = "input.sources[" + i + "]";
        String name = need(s.name(), key + ".name");
        if (!name.matches("[A-Za-z0-9_-]+")) {
          throw new ConfigException("config key '" + key + ".name' must be letters, digits, _ or -, got '" + name + "'");
        }
        if (!sourceNames.add(name)) {
          throw new ConfigException("config key '" + key + ".name': source '" + name + "' is named twice");
        }
        need(s.path(), key + ".path");
        if (s.units() != null) {
          s.units().forEach((col, unit) -> {
            String declared = declaredUnit(c, col);
            if (declared == null) {
              throw new ConfigException("config key '" + key + ".units." + col + "': column '" + col
                  + "' declares no unit (quality.columns." + col + ".unit) to convert to");
            }
            convertible(unit, declared, key + ".units." + col);
          });
        }
      }
    }
    QualityConfig q = c.quality();
    if (q == null) {
      return;
    }
    if (q.unified() != null && q.unified().prefer() != null) {
      for (String name : q.unified().prefer()) {
        if (!sourceNames.contains(name)) {
          throw new ConfigException("config key 'quality.unified.prefer': '" + name + "' is not a source name "
              + (sourceNames.isEmpty() ? "(input.sources is not set)" : sourceNames.toString()));
        }
      }
    }
    if (q.thresholds() != null && q.thresholds().maxQuarantinedFraction() != null) {
      fraction(q.thresholds().maxQuarantinedFraction().value(), "quality.thresholds.max_quarantined_fraction");
    }
    if (q.columns() == null) {
      return;
    }
    List<String> valueColumns = in.columns() == null ? List.of() : in.columns().stream().map(JobConfig.Column::name).toList();
    for (Map.Entry<String, ColumnRules> e : q.columns().entrySet()) {
      column(e.getKey(), e.getValue(), valueColumns, "quality.columns." + e.getKey(), in.timestamp());
    }
  }

  private static void column(String col, ColumnRules r, List<String> valueColumns, String key,
      JobConfig.Timestamp ts) {
    if (r == null) {
      throw new ConfigException("config key '" + key + "' is empty: give it rules or remove it");
    }
    for (Map.Entry<String, Check> e : checks(r).entrySet()) {
      if (e.getValue() != null && e.getValue().maxFailFraction() != null) {
        fraction(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(e.getValue().maxFailFraction()),
            key + "." + e.getKey() + ".max_fail_fraction");
      }
    }
    if (r.type() != null && !TYPES.contains(r.type().value().asText())) {
      throw new ConfigException("config key '" + key + ".type' must be one of " + new java.util.TreeSet<>(TYPES)
          + ", got '" + r.type().value().asText() + "'");
    }
    // As RuleSet reads bounds: the timestamp column's in the job's format, a timestamp-typed column's in ISO.
    boolean timeColumn = ts != null && col.equals(ts.column()) && ts.format() != null;
    boolean time = timeColumn || (r.type() != null && r.type().value().asText().equals("timestamp"));
    String format = timeColumn ? ts.format() : "iso";
    for (String bound : List.of("min", "max")) {
      Check b = bound.equals("min") ? r.min() : r.max();
      if (b != null && !time && !b.value().isNumber() && !b.value().isTextual()) {
        throw new ConfigException("config key '" + key + "." + bound + "' must be a number (or a timestamp)");
      }
      if (b != null && time) {
        try {
          new TimestampParser(format).parse(b.value().asText());
        } catch (ConfigException ex) {
          throw ex;
        } catch (RuntimeException ex) {
          throw new ConfigException("config key '" + key + "." + bound + "': '" + b.value().asText()
              + "' is not a timestamp in format '" + format + "'");
        }
      } else if (b != null && b.value().isTextual() && !valueColumns.contains(col)) {
        try {
          new TimestampParser("iso").parse(b.value().asText());
        } catch (RuntimeException ex) {
          throw new ConfigException("config key '" + key + "." + bound + "': '" + b.value().asText()
              + "' is neither a number nor an ISO timestamp");
        }
      }
    }
    if (r.regex() != null) {
      try {
        Pattern.compile(r.regex().value().asText());
      } catch (PatternSyntaxException ex) {
        throw new ConfigException("config key '" + key + ".regex' is not a valid regular expression: " + ex.getDescription());
      }
    }
    if (r.maxLength() != null && (!r.maxLength().value().canConvertToInt() || r.maxLength().value().asInt() < 0)) {
      throw new ConfigException("config key '" + key + ".max_length' must be a non-negative integer");
    }
    if (r.allowed() != null && !r.allowed().value().isArray()) {
      throw new ConfigException("config key '" + key + ".allowed' must be a list of values");
    }
    if (r.reference() != null) {
      need(text(r.reference().value(), "path"), key + ".reference.path");
    }
    if (r.matchesReference() != null) {
      JsonNode m = r.matchesReference().value();
      need(text(m, "path"), key + ".matches_reference.path");
      if (!m.path("key").isArray() || m.path("key").isEmpty()) {
        throw new ConfigException("config key '" + key + ".matches_reference.key' must list the columns that join "
            + "a row to the reference, e.g. [series_id, date]");
      }
    }
    if (r.unit() != null) {
      try {
        UnitTable.unit(r.unit());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key '" + key + ".unit': " + e.getMessage());
      }
    }
    if ((r.unitColumn() != null || r.scaleCheck() != null) && !valueColumns.contains(col)) {
      throw new ConfigException("config key '" + key + "': unit_column and scale_check apply to value columns "
          + "(input.columns); '" + col + "' is not one");
    }
    if (r.unitColumn() != null && r.unit() == null) {
      throw new ConfigException("config key '" + key + ".unit_column' needs '" + key + ".unit', the unit to convert to");
    }
    if (r.scaleCheck() != null) {
      JsonNode v = r.scaleCheck().value();
      double orders = v.isNumber() ? v.asDouble() : v.path("max_orders").asDouble(2.0);
      if (!(orders > 0)) {
        throw new ConfigException("config key '" + key + ".scale_check' must be a positive number of orders of ten");
      }
    }
  }

  private static Map<String, Check> checks(ColumnRules r) {
    Map<String, Check> m = new java.util.LinkedHashMap<>();
    m.put("type", r.type());
    m.put("nullable", r.nullable());
    m.put("allowed", r.allowed());
    m.put("min", r.min());
    m.put("max", r.max());
    m.put("regex", r.regex());
    m.put("max_length", r.maxLength());
    m.put("reference", r.reference());
    m.put("matches_reference", r.matchesReference());
    m.put("scale_check", r.scaleCheck());
    return m;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void fraction(JsonNode v, String key) {
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
      throw new ConfigException("config key '" + key + "' must be a fraction between 0 and 1, got " + v);
    }
  }

  private static String declaredUnit(JobConfig c, String col) {
    QualityConfig q = c.quality();
    return q == null || q.columns() == null || q.columns().get(col) == null ? null : q.columns().get(col).unit();
  }

  private static void convertible(String from, String to, String key) {
    try {
      UnitTable.converter(from, to);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "': " + e.getMessage());
    }
  }

  private static <T> T need(T value, String key) {
    if (value == null) {
      throw new ConfigException("missing required config key '" + key + "'");
    }
    return value;
  }
}
