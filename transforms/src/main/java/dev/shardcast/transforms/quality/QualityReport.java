package dev.shardcast.transforms.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/**
 * {@code quality-report.json}: the data-quality verdict of one prepare (or predict) run. Documented
 * field by field in docs/quality.md; the HTML page is rendered from this record only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QualityReport(
    int formatVersion,
    String job,
    String configHash,
    String startedAt,
    String finishedAt,
    /** pass | warn | fail */
    String verdict,
    /** one line per threshold or drift limit that made the verdict warn or fail */
    List<String> reasons,
    Rows rows,
    /** per named input source */
    Map<String, Rows> sources,
    List<RuleResult> rules,
    Map<String, ColumnStats> columns,
    /** path or URI of the baseline report drift was measured against; null when there was none */
    String baseline,
    List<DriftResult> drift,
    QuarantineFiles quarantine) {

  public static final int FORMAT_VERSION = 1;
  public static final String FILE_NAME = "quality-report.json";
  public static final String HTML_FILE_NAME = "quality-report.html";
  public static final String PASS = "pass";
  public static final String WARN = "warn";
  public static final String FAIL = "fail";

  /** Row accounting: read = used + quarantined (+ not_sampled in smoke mode). */
  /**
   * @param used rows the run used, {@code merged} included
   * @param merged rows folded into another row of their (series, timestamp) by {@code input.duplicates}; null when none
   * @param duplicates the {@code input.duplicates} policy that merged them; null when none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rows(long read, long used, long quarantined, long notSampled, Long merged, String duplicates) {
    public Rows(long read, long used, long quarantined, long notSampled) {
      this(read, used, quarantined, notSampled, null, null);
    }
  }

  /**
   * One rule's outcome. {@code kind} is the VACUUM letter it belongs to (valid, accurate, consistent,
   * uniform, unified); {@code status} is pass, warn (a warn rule failed some rows, or its threshold) or
   * fail (an error rule's {@code max_fail_fraction} was exceeded).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RuleResult(String id, String kind, String column, String rule, String severity, String expected,
      long checked, long failed, Double maxFailFraction, String status) {}

  /**
   * Statistics of one column over the rows the run used. Numbers are null for a text column.
   * Quantiles (keys p01, p05, p25, p50, p75, p95, p99) and the histogram come from a {@link ValueSketch}
   * (exact up to 16,384 values, then within one log bin), the distinct count from an HLL sketch (Apache
   * DataSketches): approximate with known error bounds, and the same on every run of the same data.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ColumnStats(String type, long count, long nulls, Double min, Double max, Double mean, Double std,
      long approxDistinct, Map<String, Double> quantiles, Histogram histogram, Double medianAbs) {}

  /** {@code counts.size() == edges.size() - 1}; bin i is [edges[i], edges[i+1]), the last bin closed. */
  public record Histogram(List<Double> edges, List<Long> counts) {}

  /**
   * Drift of one column against the baseline: mean shift in baseline standard deviations, population
   * stability index on the baseline's histogram bins, and the ratio of median absolute values (a
   * unit change such as m → km shows as 1000 or 0.001).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DriftResult(String column, Double meanShiftStd, Double psi, Double scaleRatio, String status,
      String message) {}

  public record QuarantineFiles(String jsonl, String parquet, long rows, Map<String, Long> byReason) {}

  /** The same report naming other quarantine files (predict's, beside its forecasts). */
  public QualityReport withQuarantine(QuarantineFiles files) {
    return new QualityReport(formatVersion, job, configHash, startedAt, finishedAt, verdict, reasons, rows, sources,
        rules, columns, baseline, drift, files);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** As JSON, secrets in paths and messages masked ({@link dev.shardcast.transforms.config.Redaction}). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(dev.shardcast.transforms.config.Redaction.tree(JSON.valueToTree(this))) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This report with secrets in its paths and messages masked, for the HTML page. */
  public QualityReport redacted() {
    return fromJson(toJson());
  }

  public static QualityReport fromJson(String json) {
    try {
      return JSON.readValue(json, QualityReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a quality report: " + e.getOriginalMessage(), e);
    }
  }
}
