package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.Severity;
import dev.shardcast.transforms.core.NumberText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Applies the row rules to the rows of one source file, after the reader parsed them: converts value
 * columns to their declared units (per source, or per row from a unit column), runs every rule,
 * counts passes and failures per rule, and profiles the rows it accepts. One instance per file.
 */
public final class RowChecks {
  /** Why a row is rejected: the first {@code error} rule it failed. */
  public record Failure(String ruleId, String column, String value, String message) {}

  /** The reader's row: the original text of a data-set column (null when empty). */
  public interface TextRow {
    String text(String column);
  }

  private final List<RowRule> rules;
  private final List<String> valueColumns;
  private final Map<String, Integer> valueIndex = new HashMap<>();
  private final Map<String, String> columnTypes = new HashMap<>();
  private final List<String> profiled = new ArrayList<>();
  private final long[] checked;
  private final long[] failed;
  /** Per value column: fixed converter from this source's unit, a unit column, or nothing. */
  private final javax.measure.UnitConverter[] fixedConverter;
  private final String[] unitColumn;
  private final String[] declaredUnit;
  private final long[] unitChecked;
  private final long[] unitFailed;
  private final DatasetProfile profile = new DatasetProfile();
  /** Per profiled column, its profile, looked up on its first value (not once per row). */
  private ColumnProfile[] profiles;
  /** Per profiled column, whether its type is number: read per row, so not a map lookup each time. */
  private final boolean[] profiledNumeric;
  /**
   * One row's cells, built when a rule or the profile first asks and kept for the row: indexed by
   * column (cellIndex), valid while cellRow[i] is the current row's number.
   */
  private final Map<String, Integer> cellIndex = new HashMap<>();
  private RowRule.Cell[] cellCache;
  private long[] cellRow;
  private long rowNumber;
  private TextRow rowText;
  private double[] rowValues;
  private final RowRule.Row row = this::cellOf;
  private final java.util.Set<String> textColumns;
  private final String timeColumn;
  private long time = Long.MIN_VALUE;

  public RowChecks(JobPlan plan, RuleSet ruleSet, JobConfig.Source source) {
    this.rules = ruleSet.rowRules().stream().map(RowRule::forFile).toList();
    this.valueColumns = plan.valueColumns();
    this.checked = new long[rules.size()];
    this.failed = new long[rules.size()];
    int w = valueColumns.size();
    fixedConverter = new javax.measure.UnitConverter[w];
    unitColumn = new String[w];
    declaredUnit = new String[w];
    unitChecked = new long[w];
    unitFailed = new long[w];
    for (int i = 0; i < w; i++) {
      String col = valueColumns.get(i);
      valueIndex.put(col, i);
      profiled.add(col);
      columnTypes.put(col, "number");
      declaredUnit[i] = RuleSet.declaredUnit(plan.config(), col);
      var columnRules = plan.config().quality() == null || plan.config().quality().columns() == null ? null
          : plan.config().quality().columns().get(col);
      unitColumn[i] = columnRules == null ? null : columnRules.unitColumn();
      String from = source.units() == null ? null : source.units().get(col);
      if (from != null && declaredUnit[i] != null) {
        fixedConverter[i] = UnitTable.converter(from, declaredUnit[i]);
      }
    }
    this.textColumns = ruleSet.columns();
    this.timeColumn = plan.config().input().timestamp().column();
    for (String col : ruleSet.columns()) {
      if (!valueIndex.containsKey(col)) {
        profiled.add(col);
        columnTypes.put(col, ruleSet.columnType(col));
      }
    }
    profiles = new ColumnProfile[profiled.size()];
    profiledNumeric = new boolean[profiled.size()];
    for (int p = 0; p < profiled.size(); p++) {
      profiledNumeric[p] = "number".equals(columnTypes.get(profiled.get(p)));
    }
    for (RowRule rule : rules) {
      cellIndex.putIfAbsent(rule.info().column(), cellIndex.size());
    }
    for (String col : profiled) {
      cellIndex.putIfAbsent(col, cellIndex.size());
    }
    cellCache = new RowRule.Cell[cellIndex.size()];
    cellRow = new long[cellIndex.size()];
    java.util.Arrays.fill(cellRow, -1);
  }

  private RowRule.Cell cellOf(String col) {
    Integer i = cellIndex.get(col);
    if (i == null) {
      return cell(col, rowText, rowValues); // a column only a cross-column rule reads: not kept
    }
    if (cellRow[i] != rowNumber) {
      cellCache[i] = cell(col, rowText, rowValues);
      cellRow[i] = rowNumber;
    }
    return cellCache[i];
  }

  /**
   * Checks one parsed row; converts {@code values} in place to the declared units.
   *
   * @return null when the row is accepted (and profiled), else the first error rule it failed
   */
  public Failure check(TextRow text, double[] values) {
    return check(text, Long.MIN_VALUE, values);
  }

  /**
   * @param epochMillis the row's timestamp as the reader parsed it (Long.MIN_VALUE: unknown); rules on
   *     the timestamp column use it, so a Parquet DATE or TIMESTAMP needs no text format
   */
  public Failure check(TextRow text, long epochMillis, double[] values) {
    this.time = epochMillis;
    Failure first = null;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue;
      }
      if (fixedConverter[i] != null) {
        values[i] = fixedConverter[i].convert(values[i]);
      } else if (unitColumn[i] != null && declaredUnit[i] != null) {
        unitChecked[i]++;
        String unit = text.text(unitColumn[i]);
        try {
          values[i] = unit == null ? values[i] : UnitTable.convert(values[i], unit, declaredUnit[i]);
          if (unit == null) {
            throw new IllegalArgumentException("unit column '" + unitColumn[i] + "' is empty");
          }
        } catch (IllegalArgumentException e) {
          unitFailed[i]++;
          if (first == null) {
            first = new Failure(valueColumns.get(i) + ".unit", unitColumn[i], unit, e.getMessage());
          }
        }
      }
    }
    rowNumber++;
    rowText = text;
    rowValues = values;
    for (int r = 0; r < rules.size(); r++) {
      RowRule rule = rules.get(r);
      RowRule.Cell cell = row.cell(rule.info().column());
      if (cell.text() == null && !rule.checksNulls()) {
        continue;
      }
      String message = rule.test(cell, row);
      if (message == RowRule.NOT_APPLICABLE) {
        continue;
      }
      checked[r]++;
      if (message != null) {
        failed[r]++;
        if (first == null && rule.info().severity() == Severity.ERROR) {
          first = new Failure(rule.info().id(), rule.info().column(), cell.text(), message);
        }
      }
    }
    if (first == null) {
      for (int p = 0; p < profiled.size(); p++) {
        String col = profiled.get(p);
        boolean numeric = profiledNumeric[p];
        if (profiles[p] == null) {
          profiles[p] = numeric ? profile.numericColumn(col) : profile.textColumn(col);
        }
        if (p < values.length) {
          profiles[p].addNumber(values[p]); // a value column: its cell's number, without building the cell
        } else if (numeric) {
          profiles[p].addNumber(row.cell(col).number());
        } else {
          profiles[p].addText(row.cell(col).text());
        }
      }
    }
    rowText = null;
    rowValues = null;
    return first;
  }

  private RowRule.Cell cell(String col, TextRow text, double[] values) {
    if (col.equals(timeColumn) && time != Long.MIN_VALUE) {
      return new RowRule.Cell(text.text(col), time);
    }
    Integer vi = valueIndex.get(col);
    if (vi != null) {
      double v = values[vi];
      return new RowRule.Cell(Double.isNaN(v) ? null : text.text(col) == null ? Double.toString(v) : text.text(col), v);
    }
    String t = text.text(col);
    boolean numeric = "number".equals(columnTypes.get(col));
    if (t != null && (t.isEmpty() || (numeric && t.equals("NA")))) {
      t = null; // as for value columns, "NA" is empty in a numeric column (in a text column it is text)
    }
    return new RowRule.Cell(t, t != null && numeric ? NumberText.parse(t) : Double.NaN);
  }

  /** Passes the per-rule counts on as {@code rule.<id>.checked} / {@code rule.<id>.failed}. */
  public void counts(BiConsumer<String, Long> out) {
    for (int r = 0; r < rules.size(); r++) {
      out.accept("rule." + rules.get(r).info().id() + ".checked", checked[r]);
      out.accept("rule." + rules.get(r).info().id() + ".failed", failed[r]);
    }
    for (int i = 0; i < unitColumn.length; i++) {
      if (unitColumn[i] != null && declaredUnit[i] != null) {
        out.accept("rule." + valueColumns.get(i) + ".unit.checked", unitChecked[i]);
        out.accept("rule." + valueColumns.get(i) + ".unit.failed", unitFailed[i]);
      }
    }
  }

  /** The data-set columns whose text the rules read: the reader supplies them through {@link TextRow}. */
  public java.util.Set<String> columns() {
    return textColumns;
  }

  public DatasetProfile profile() {
    return profile;
  }
}
