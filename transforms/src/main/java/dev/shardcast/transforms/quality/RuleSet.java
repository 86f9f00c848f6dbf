package dev.shardcast.transforms.quality;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.Check;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.QualityConfig;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import dev.shardcast.transforms.config.Severity;
import dev.shardcast.transforms.config.TimestampParser;
import dev.shardcast.transforms.core.NumberText;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The job's {@code quality.columns} compiled into row rules (checked by the readers, so prepare and
 * predict reject the same rows) and scale checks (checked after a first pass, see {@link ScaleCheck}).
 * Also lists the built-in structural rules, so the report shows every reason a row can be rejected.
 */
public final class RuleSet implements Serializable {
  private final List<RowRule> rowRules = new ArrayList<>();
  private final List<RuleInfo> scaleRules = new ArrayList<>();
  private final List<RuleInfo> unitRules = new ArrayList<>();
  private final List<Double> scaleOrders = new ArrayList<>();
  private final Set<String> columns = new LinkedHashSet<>();
  private final Map<String, String> columnTypes = new java.util.LinkedHashMap<>();

  public static RuleSet compile(JobPlan plan) {
    RuleSet set = new RuleSet();
    QualityConfig q = plan.config().quality();
    if (q == null || q.columns() == null) {
      return set;
    }
    Severity fallback = q.severity() == null ? Severity.ERROR : q.severity();
    for (Map.Entry<String, ColumnRules> e : q.columns().entrySet()) {
      set.compileColumn(plan, e.getKey(), e.getValue(), e.getValue().severity() == null ? fallback : e.getValue().severity());
    }
    return set;
  }

  private void compileColumn(JobPlan plan, String col, ColumnRules r, Severity sev) {
    columns.add(col);
    boolean isTime = col.equals(plan.config().input().timestamp().column());
    String type = r.type() == null ? null : r.type().value().asText();
    // A column is numeric by its type, or by rules that compare numbers (min: 900 on an untyped column).
    boolean numeric = plan.valueColumns().contains(col) || "double".equals(type) || "long".equals(type)
        || "int".equals(type) || (r.min() != null && r.min().value().isNumber())
        || (r.max() != null && r.max().value().isNumber()) || r.matchesReference() != null;
    columnTypes.put(col, isTime || "timestamp".equals(type) ? "timestamp" : numeric ? "number" : "text");
    TimestampParser times = isTime ? plan.timestampParser() : new TimestampParser("iso");
    if (r.type() != null) {
      rowRules.add(typeRule(info(col, "type", "valid", r.type(), sev), type, times, plan.valueColumns().contains(col)));
    }
    if (r.nullable() != null && !r.nullable().value().asBoolean(true)) {
      rowRules.add(new RowRule(info(col, "nullable", "valid", r.nullable(), sev)) {
        @Override
        public boolean checksNulls() {
          return true;
        }

        @Override
        public String test(Cell c, Row row) {
          return c.text() == null ? "value is empty" : null;
        }
      });
    }
    if (r.allowed() != null) {
      Set<String> allowed = new java.util.TreeSet<>();
      r.allowed().value().forEach(v -> allowed.add(v.asText()));
      rowRules.add(new RowRule(info(col, "allowed", "valid", r.allowed(), sev)) {
        @Override
        public String test(Cell c, Row row) {
          return allowed.contains(c.text()) ? null : "not one of " + allowed;
        }
      });
    }
    if (r.min() != null) {
      rowRules.add(boundRule(info(col, "min", "valid", r.min(), sev), r.min().value(), true, isTime || "timestamp".equals(type), times));
    }
    if (r.max() != null) {
      rowRules.add(boundRule(info(col, "max", "valid", r.max(), sev), r.max().value(), false, isTime || "timestamp".equals(type), times));
    }
    if (r.regex() != null) {
      Pattern p = Pattern.compile(r.regex().value().asText());
      rowRules.add(new RowRule(info(col, "regex", "valid", r.regex(), sev)) {
        @Override
        public String test(Cell c, Row row) {
          return p.matcher(c.text()).matches() ? null : "does not match /" + p.pattern() + "/";
        }
      });
    }
    if (r.maxLength() != null) {
      int max = r.maxLength().value().asInt();
      rowRules.add(new RowRule(info(col, "max_length", "valid", r.maxLength(), sev)) {
        @Override
        public String test(Cell c, Row row) {
          return c.text().length() > max ? "longer than " + max + " characters (" + c.text().length() + ")" : null;
        }
      });
    }
    if (r.reference() != null) {
      JsonNode ref = r.reference().value();
      String path = ref.path("path").asText();
      String refColumn = ref.path("column").asText(col);
      rowRules.add(new ReferenceRule<>(info(col, "reference", "accurate", r.reference(), sev),
          () -> ReferenceData.keys(path, refColumn),
          (keys, c, row) -> keys.contains(c.text()) ? null : "not a known " + refColumn + " in reference " + path));
    }
    if (r.matchesReference() != null) {
      rowRules.add(matchRule(col, r.matchesReference(), sev));
    }
    if (r.unitColumn() != null) {
      unitRules.add(new RuleInfo(col + ".unit", "uniform", col, "unit", sev,
          "unit in column " + r.unitColumn() + ", converted to " + r.unit(), null));
      columns.add(r.unitColumn());
      columnTypes.putIfAbsent(r.unitColumn(), "text");
    }
    if (r.scaleCheck() != null) {
      JsonNode v = r.scaleCheck().value();
      double orders = v.isNumber() ? v.asDouble() : v.path("max_orders").asDouble(2.0);
      scaleRules.add(info(col, "scale_check", "uniform", r.scaleCheck(), sev));
      scaleOrders.add(orders);
    }
  }

  private RowRule matchRule(String col, Check check, Severity sev) {
    JsonNode m = check.value();
    String path = m.path("path").asText();
    List<String> keys = new ArrayList<>();
    m.path("key").forEach(k -> keys.add(k.asText()));
    String refColumn = m.path("column").asText(col);
    double tolerance = m.path("tolerance").asDouble(0);
    double relative = m.path("relative_tolerance").asDouble(0);
    columns.addAll(keys);
    keys.forEach(k -> columnTypes.putIfAbsent(k, "text"));
    return new ReferenceRule<>(info(col, "matches_reference", "accurate", check, sev),
        () -> ReferenceData.values(path, keys, refColumn), (table, c, row) -> {
          StringBuilder key = new StringBuilder();
          for (int i = 0; i < keys.size(); i++) {
            RowRule.Cell k = row.cell(keys.get(i));
            key.append(i == 0 ? "" : "\u0000").append(k.text() == null ? "" : k.text());
          }
          Double ref = table.get(key.toString());
          if (ref == null) {
            return RowRule.NOT_APPLICABLE; // only rows the reference also holds are compared (and counted as checked)
          }
          if (Double.isNaN(c.number())) {
            return "not a number";
          }
          double allowed = tolerance + relative * Math.abs(ref);
          return Math.abs(c.number() - ref) <= allowed ? null
              : "differs from reference " + path + " (" + ref + ") by more than " + allowed;
        });
  }

  /** Loads a reference table (in the form a rule needs). */
  interface TableLoader<T> extends Serializable {
    T load();
  }

  /** Tests a cell against a loaded reference table. */
  interface TableTest<T> extends Serializable {
    String test(T table, RowRule.Cell cell, RowRule.Row row);
  }

  /**
   * A rule that reads a reference table. {@link #forFile} looks the table up once per input file (its
   * current version: see ReferenceData), not once per row.
   */
  static final class ReferenceRule<T> extends RowRule {
    private final TableLoader<T> loader;
    private final TableTest<T> test;
    private final transient T table;

    ReferenceRule(RuleInfo info, TableLoader<T> loader, TableTest<T> test) {
      this(info, loader, test, null);
    }

    private ReferenceRule(RuleInfo info, TableLoader<T> loader, TableTest<T> test, T table) {
      super(info);
      this.loader = loader;
      this.test = test;
      this.table = table;
    }

    @Override
    public RowRule forFile() {
      return new ReferenceRule<>(info(), loader, test, loader.load());
    }

    @Override
    public String test(Cell c, Row row) {
      return test.test(table != null ? table : loader.load(), c, row);
    }
  }

  /**
   * @param valueColumn a value column's number comes from the reader (already checked as a number);
   *     another column's text must itself be a number ({@link NumberText}: not Infinity, NaN, 1f or 0x1p3)
   */
  private static RowRule typeRule(RuleInfo info, String type, TimestampParser times, boolean valueColumn) {
    return new RowRule(info) {
      @Override
      public String test(Cell c, Row row) {
        String t = c.text();
        boolean ok = switch (type) {
          case "string" -> true;
          case "long", "int" -> t.matches("[+-]?\\d{1,18}")
              && ("long".equals(type) || Long.parseLong(t) == (int) Long.parseLong(t));
          case "double" -> valueColumn ? !Double.isNaN(c.number()) : NumberText.isNumber(t);
          case "boolean" -> t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false");
          case "timestamp" -> !Double.isNaN(c.number()) || parsesTime(times, t); // the time column arrives parsed
          default -> throw new IllegalArgumentException("unknown type " + type);
        };
        return ok ? null : "not a " + type;
      }
    };
  }

  private static boolean parsesTime(TimestampParser times, String t) {
    try {
      times.parse(t);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static RowRule boundRule(RuleInfo info, JsonNode bound, boolean lower, boolean time, TimestampParser times) {
    double limit = time ? times.parse(bound.asText()) : bound.asDouble();
    String word = lower ? "below the minimum " : "above the maximum ";
    return new RowRule(info) {
      @Override
      public String test(Cell c, Row row) {
        double v;
        if (time && !Double.isNaN(c.number())) {
          v = c.number(); // the job's timestamp column, as the reader parsed it (any Parquet time type)
        } else if (time) {
          try {
            v = times.parse(c.text());
          } catch (RuntimeException e) {
            return null; // the type rule reports it
          }
        } else {
          v = c.number();
          if (Double.isNaN(v)) {
            return "not a number"; // a null cell never gets here: rules skip nulls
          }
        }
        boolean bad = lower ? v < limit : v > limit;
        return bad ? word + bound.asText() : null;
      }
    };
  }

  static RuleInfo info(String col, String rule, String kind, Check check, Severity columnSeverity) {
    return new RuleInfo(col + "." + rule, kind, col, rule, check.severityOr(columnSeverity), check.value().toString(),
        check.maxFailFraction());
  }

  public List<RowRule> rowRules() {
    return rowRules;
  }

  public List<RuleInfo> scaleRules() {
    return scaleRules;
  }

  public double scaleOrders(int i) {
    return scaleOrders.get(i);
  }

  /** Every column a row rule reads, in declaration order (rule columns, unit columns, reference keys). */
  public Set<String> columns() {
    return columns;
  }

  /** number, timestamp or text: how a rule column is profiled. */
  public String columnType(String column) {
    return columnTypes.getOrDefault(column, "text");
  }

  public boolean isEmpty() {
    return rowRules.isEmpty() && scaleRules.isEmpty();
  }

  /** All rules the report lists: built-in structure rules first, then the configured ones. */
  public List<RuleInfo> allRules(JobPlan plan) {
    List<RuleInfo> out = new ArrayList<>(BuiltinRules.of(plan));
    out.addAll(unitRules);
    rowRules.forEach(r -> out.add(r.info()));
    out.addAll(scaleRules);
    return out;
  }

  /** For a value column with a declared unit: the unit its numbers end up in. */
  public static String declaredUnit(JobConfig config, String column) {
    QualityConfig q = config.quality();
    if (q == null || q.columns() == null || q.columns().get(column) == null) {
      return null;
    }
    return q.columns().get(column).unit();
  }
}
