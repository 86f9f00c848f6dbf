package dev.shardcast.transforms.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The job's {@code quality:} section: declarative VACUUM checks (see docs/quality.md). Rules may also
 * live in a shared file named by {@code rules_file}; {@link ConfigLoader} merges it in, so the
 * manifest (and {@code predict}) always see the full rule set.
 */
public record QualityConfig(
    String rulesFile,
    Severity severity,
    Map<String, ColumnRules> columns,
    Unified unified,
    Thresholds thresholds,
    Drift drift,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    Boolean quarantineParquet)
    implements Serializable {

  /** Without {@code quarantine_parquet} (the default: the quarantine is written once, as JSONL). */
  public QualityConfig(String rulesFile, Severity severity, Map<String, ColumnRules> columns, Unified unified,
      Thresholds thresholds, Drift drift) {
    this(rulesFile, severity, columns, unified, thresholds, drift, null);
  }

  /**
   * Whether {@code quarantine/rows.parquet} is written besides {@code rows.jsonl}: a second full
   * copy of every rejected row, so only when asked. The JSONL is grep-able and DuckDB reads it
   * ({@code read_json('quarantine/rows.jsonl')}).
   */
  public static boolean parquetQuarantine(QualityConfig q) {
    return q != null && Boolean.TRUE.equals(q.quarantineParquet());
  }

  /**
   * Rules of one column. Valid: type, nullable, allowed, min, max, regex, max_length. Accurate:
   * reference (key exists), matches_reference (value within tolerance). Uniform: unit (declared),
   * unit_column (each row's unit, converted to the declared one), scale_check (max orders of
   * magnitude from the column's robust centre).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ColumnRules(
      Severity severity,
      Check type,
      Check nullable,
      Check allowed,
      Check min,
      Check max,
      Check regex,
      Check maxLength,
      Check reference,
      Check matchesReference,
      String unit,
      String unitColumn,
      Check scaleCheck)
      implements Serializable {}

  /** Several sources of one data set: what to do when two sources hold the same (series, timestamp). */
  public record Unified(ConflictPolicy onConflict, List<String> prefer) implements Serializable {}

  public record Thresholds(Check maxQuarantinedFraction) implements Serializable {}

  /** Comparison with the last successful run's report (or an explicit baseline report). */
  public record Drift(String baseline, Limits meanShift, Limits psi, List<String> columns) implements Serializable {}

  public record Limits(Double warn, Double error) implements Serializable {}

  public enum ConflictPolicy {
    QUARANTINE,
    PREFER;

    @com.fasterxml.jackson.annotation.JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }
}
