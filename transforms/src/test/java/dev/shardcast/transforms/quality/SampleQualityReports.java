package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.quality.QualityReport.ColumnStats;
import dev.shardcast.transforms.quality.QualityReport.DriftResult;
import dev.shardcast.transforms.quality.QualityReport.Histogram;
import dev.shardcast.transforms.quality.QualityReport.QuarantineFiles;
import dev.shardcast.transforms.quality.QualityReport.RuleResult;
import dev.shardcast.transforms.quality.QualityReport.Rows;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built reports for the HTML tests: realistic enough to look at, hostile enough to test escaping. */
final class SampleQualityReports {

  /** A column name that would run as script if the renderer forgot to escape it. */
  static final String EVIL_COLUMN = "dist<script>alert('x')</script>";
  static final int DELAY_BINS = 12;
  static final int EVIL_BINS = 8;

  private SampleQualityReports() {}

  static QualityReport failing() {
    return failing("runs/2024-05-31/quality-report.json");
  }

  static QualityReport failing(String baseline) {
    Map<String, Rows> sources = new LinkedHashMap<>();
    sources.put("flights-jan", new Rows(6_000, 5_790, 210, 0));
    sources.put("flights-feb", new Rows(4_500, 4_390, 110, 0));

    List<RuleResult> rules = List.of(
        new RuleResult("carrier_present", "valid", "carrier", "not_null", "error", "no nulls",
            10_500, 0, 0.0, "pass"),
        new RuleResult("dep_delay_range", "accurate", "dep_delay", "range", "error", "-60 <= x <= 1440",
            10_500, 320, 0.01, "fail"),
        new RuleResult("dist_positive", "uniform", EVIL_COLUMN, "expr", "warn", "x > 0 && x < \"1e5\"",
            10_180, 12, null, "warn"));

    Map<String, ColumnStats> columns = new LinkedHashMap<>();
    columns.put("dep_delay", new ColumnStats("double", 10_180, 0, -42.0, 1_339.0, 12.734, 38.21, 917,
        quantiles(-12.0, -8.0, -4.0, 0.0, 11.0, 64.0, 181.5),
        histogram(-60.0, 15.0, new long[] {120, 2_900, 3_800, 1_700, 800, 420, 210, 120, 60, 30, 15, 5}),
        9.0));
    columns.put(EVIL_COLUMN, new ColumnStats("double", 10_180, 37, 31.0, 4_983.0, 812.4567, 601.9, 1_498,
        quantiles(84.0, 150.0, 370.0, 650.0, 1_050.0, 2_100.0, 2_700.0),
        histogram(0.0, 625.0, new long[] {2_200, 3_100, 2_000, 1_400, 800, 400, 180, 63}),
        650.0));
    columns.put("carrier", new ColumnStats("string", 10_180, 0, null, null, null, null, 14, null, null, null));

    List<DriftResult> drift = List.of(
        new DriftResult("dep_delay", 0.41, 0.27, 1.02, "warn", "PSI 0.27 > 0.2: distribution shifted"),
        new DriftResult(EVIL_COLUMN, 0.01, 0.003, 0.001, "fail", "scale ratio 0.001: unit change? (m → km)"));

    Map<String, Long> byReason = new LinkedHashMap<>();
    byReason.put("dep_delay_range", 300L);
    byReason.put("parse: bad number <NA>", 20L);

    return new QualityReport(QualityReport.FORMAT_VERSION, "flights-prepare", "sha256:9f2c1e",
        "2024-06-30T10:00:00Z", "2024-06-30T10:04:12Z", QualityReport.FAIL,
        List.of("rule dep_delay_range failed 3.05% of rows > max_fail_fraction 1%",
            "drift: " + EVIL_COLUMN + " scale ratio 0.001 outside [0.5, 2]"),
        new Rows(10_500, 10_180, 320, 0), sources, rules, columns, baseline, baseline == null ? null : drift,
        new QuarantineFiles("quarantine.jsonl", "quarantine.parquet", 320, byReason));
  }

  private static Map<String, Double> quantiles(double... v) {
    Map<String, Double> q = new LinkedHashMap<>();
    String[] keys = {"p01", "p05", "p25", "p50", "p75", "p95", "p99"};
    for (int i = 0; i < keys.length; i++) {
      q.put(keys[i], v[i]);
    }
    return q;
  }

  private static Histogram histogram(double start, double width, long[] counts) {
    Double[] edges = new Double[counts.length + 1];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = start + i * width;
    }
    Long[] c = new Long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      c[i] = counts[i];
    }
    return new Histogram(List.of(edges), List.of(c));
  }
}
