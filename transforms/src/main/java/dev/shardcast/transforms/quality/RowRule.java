package dev.shardcast.transforms.quality;

import java.io.Serializable;

/** One compiled row-level rule on one column. */
public abstract class RowRule implements Serializable {
  private final RuleInfo info;

  protected RowRule(RuleInfo info) {
    this.info = info;
  }

  public RuleInfo info() {
    return info;
  }

  /** The rule as one input file's rows use it: rules that read a table bind it here, once per file. */
  public RowRule forFile() {
    return this;
  }

  /** A rule that does not look at nulls says so, and is neither checked nor failed on them. */
  public boolean checksNulls() {
    return false;
  }

  /** What {@link #test} returns for a row the rule does not apply to: neither checked nor failed. */
  public static final String NOT_APPLICABLE = "\u0000not applicable";

  /**
   * @param cell the column's value in this row
   * @param row the whole row, for rules that read other columns (reference keys)
   * @return null when the row passes, {@link #NOT_APPLICABLE}, else the message for the quarantine record
   */
  public abstract String test(Cell cell, Row row);

  /** One cell: its text (null when empty) and, for a numeric column, its number (NaN when null or not a number). */
  public record Cell(String text, double number) {}

  /** The row's cells by data-set column name. */
  public interface Row {
    Cell cell(String column);
  }
}
