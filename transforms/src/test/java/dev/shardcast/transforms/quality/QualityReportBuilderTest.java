package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.quality.QualityReport.DriftResult;
import dev.shardcast.transforms.quality.QualityReport.RuleResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verdicts, rule rows, drift and per-source rows from counts and a profile built by hand. */
class QualityReportBuilderTest {
  private static QualityReport build(JobPlan plan, Map<String, Long> counts, DatasetProfile profile, QualityReport baseline) {
    return QualityReportBuilder.build(new QualityReportBuilder.Input(plan, counts, profile, baseline,
        baseline == null ? null : "base.json", "2024-01-01T00:00:00Z"));
  }

  private static Map<String, Long> counts(Object... kv) {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }

  private static RuleResult rule(QualityReport r, String id) {
    return r.rules().stream().filter(x -> x.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule " + id + " in " + r.rules()));
  }

  private static JobPlan plan(String quality) {
    return QualityJobs.plan(quality);
  }

  private static final String X_MIN = "quality:\n  columns:\n    x: {min: 0}\n";

  @Test
  void passWhenNothingFailed() {
    QualityReport r = build(plan(X_MIN), counts("rows_read", 10, "rows_used", 10, "rows_quarantined", 0,
        "rule.x.min.checked", 10, "rule.x.min.failed", 0), new DatasetProfile(), null);
    assertEquals(QualityReport.PASS, r.verdict());
    assertEquals(List.of(), r.reasons());
    assertEquals(new QualityReport.Rows(10, 10, 0, 0), r.rows());
    assertEquals(new RuleResult("x.min", "valid", "x", "min", "error", "0", 10, 0, null, QualityReport.PASS),
        rule(r, "x.min"));
    assertNull(r.drift());
  }

  @Test
  void usedFallsBackToWindowedPlusUnused() {
    QualityReport r = build(plan(X_MIN), counts("rows_read", 10, "rows_windowed", 6, "rows_unused", 3,
        "rows_quarantined", 1, "quarantined.x.min", 1), new DatasetProfile(), null);
    assertEquals(new QualityReport.Rows(10, 9, 1, 0), r.rows());
  }

  @Test
  void warnWhenRowsWereQuarantined() {
    QualityReport r = build(plan(X_MIN), counts("rows_read", 10, "rows_used", 8, "rows_quarantined", 2,
        "quarantined.x.min", 2, "rule.x.min.checked", 10, "rule.x.min.failed", 2), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, r.verdict());
    assertEquals(QualityReport.WARN, rule(r, "x.min").status());
    assertEquals(2, rule(r, "x.min").failed());
    assertEquals(Map.of("x.min", 2L), r.quarantine().byReason());
    assertEquals(2, r.quarantine().rows());
  }

  @Test
  void maxQuarantinedFractionErrorFails() {
    String yaml = X_MIN + "  thresholds: {max_quarantined_fraction: 0.1}\n";
    QualityReport r = build(plan(yaml), counts("rows_read", 10, "rows_used", 8, "rows_quarantined", 2,
        "quarantined.x.min", 2), new DatasetProfile(), null);
    assertEquals(QualityReport.FAIL, r.verdict());
    assertEquals(1, r.reasons().size(), r.reasons().toString());
    assertTrue(r.reasons().get(0).contains("2 of 10 rows quarantined") && r.reasons().get(0).contains("max_quarantined_fraction"),
        r.reasons().get(0));
    // 1 of 10 is not above 0.1: only the quarantine itself makes it warn.
    QualityReport atLimit = build(plan(yaml), counts("rows_read", 10, "rows_used", 9, "rows_quarantined", 1,
        "quarantined.x.min", 1), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, atLimit.verdict());
    assertEquals(List.of("1 of 10 rows quarantined (0.1000), within the thresholds"), atLimit.reasons());
  }

  @Test
  void withoutAThresholdMoreThanHalfTheRowsQuarantinedFails() {
    // No quality: section at all: the default limit 0.5 applies.
    Map<String, Long> six = counts("rows_read", 10, "rows_used", 4, "rows_quarantined", 6, "quarantined.bad_timestamp", 6);
    QualityReport r = build(plan(""), six, new DatasetProfile(), null);
    assertEquals(QualityReport.FAIL, r.verdict());
    assertEquals(List.of("6 of 10 rows quarantined (0.6000) > max_quarantined_fraction 0.5 (error)"), r.reasons());
    QualityReport half = build(plan(""), counts("rows_read", 10, "rows_used", 5, "rows_quarantined", 5,
        "quarantined.bad_timestamp", 5), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, half.verdict(), "exactly half is not more than half");
    // The job's own limit replaces the default, and null or 1.0 turns it off.
    assertEquals(QualityReport.WARN, build(plan("quality:\n  thresholds: {max_quarantined_fraction: 0.7}\n"), six,
        new DatasetProfile(), null).verdict());
    assertEquals(QualityReport.WARN, build(plan("quality:\n  thresholds: {max_quarantined_fraction: null}\n"), six,
        new DatasetProfile(), null).verdict());
    Map<String, Long> all = counts("rows_read", 10, "rows_used", 0, "rows_quarantined", 10, "quarantined.bad_timestamp", 10);
    assertEquals(QualityReport.WARN, build(plan("quality:\n  thresholds: {max_quarantined_fraction: {value: 1.0}}\n"),
        all, new DatasetProfile(), null).verdict());
  }

  @Test
  void maxQuarantinedFractionWarnOnlyWarns() {
    String yaml = X_MIN + "  thresholds: {max_quarantined_fraction: {value: 0.1, severity: warn}}\n";
    QualityReport r = build(plan(yaml), counts("rows_read", 10, "rows_used", 5, "rows_quarantined", 5,
        "quarantined.x.min", 5), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, r.verdict());
    assertEquals(1, r.reasons().size());
    assertTrue(r.reasons().get(0).contains("(warn)"), r.reasons().get(0));
  }

  @Test
  void ruleMaxFailFraction() {
    String error = "quality:\n  columns:\n    x: {min: {value: 0, max_fail_fraction: 0.1}}\n";
    Map<String, Long> twoOfTen = counts("rows_read", 10, "rows_used", 8, "rows_quarantined", 2,
        "quarantined.x.min", 2, "rule.x.min.checked", 10, "rule.x.min.failed", 2);
    QualityReport r = build(plan(error), twoOfTen, new DatasetProfile(), null);
    assertEquals(QualityReport.FAIL, rule(r, "x.min").status());
    assertEquals(0.1, rule(r, "x.min").maxFailFraction());
    assertEquals(QualityReport.FAIL, r.verdict());
    assertTrue(r.reasons().get(0).startsWith("rule x.min failed on 2 of 10 rows"), r.reasons().get(0));

    String warn = "quality:\n  columns:\n    x: {min: {value: 0, max_fail_fraction: 0.1, severity: warn}}\n";
    QualityReport w = build(plan(warn), counts("rows_read", 10, "rows_used", 10, "rule.x.min.checked", 10,
        "rule.x.min.failed", 2), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, rule(w, "x.min").status());
    assertEquals("warn", rule(w, "x.min").severity());
    assertEquals(QualityReport.WARN, w.verdict());
    assertEquals(1, w.reasons().size());

    // 1 of 10 is within the fraction: the rule warns for its failure but does not fail the job.
    QualityReport within = build(plan(error), counts("rows_read", 10, "rows_used", 9, "rows_quarantined", 1,
        "quarantined.x.min", 1, "rule.x.min.checked", 10, "rule.x.min.failed", 1), new DatasetProfile(), null);
    assertEquals(QualityReport.WARN, rule(within, "x.min").status());
    assertEquals(QualityReport.WARN, within.verdict());
  }

  @Test
  void builtinRulesUseQuarantineCountsAndRowsRead() {
    QualityReport r = build(plan(X_MIN), counts("rows_read", 50, "rows_used", 47, "rows_quarantined", 3,
        "quarantined.bad_number", 3), new DatasetProfile(), null);
    RuleResult bad = rule(r, "bad_number");
    assertEquals(50, bad.checked());
    assertEquals(3, bad.failed());
    assertEquals("error", bad.severity());
    assertEquals(QualityReport.WARN, bad.status());
    RuleResult off = rule(r, "off_frequency"); // the base job is daily: a regular frequency
    assertEquals(50, off.checked());
    assertEquals(0, off.failed());
    assertEquals(QualityReport.PASS, off.status());
    assertFalse(r.rules().stream().anyMatch(x -> x.id().equals(BuiltinRules.UNIFIED_CONFLICT)), "one source: no unified rules");
    // Built-ins come first, then the configured rules.
    assertEquals("wrong_field_count", r.rules().get(0).id());
    assertEquals("x.min", r.rules().get(r.rules().size() - 1).id());
  }

  /** A profile of x = factor * (1..1000). */
  private static DatasetProfile profile(double factor) {
    DatasetProfile p = new DatasetProfile();
    for (int i = 1; i <= 1000; i++) {
      p.addNumber("x", factor * i);
    }
    return p;
  }

  private static QualityReport baseline(JobPlan plan) {
    QualityReport b = build(plan, counts("rows_read", 1000, "rows_used", 1000), profile(1), null);
    assertEquals(QualityReport.PASS, b.verdict());
    assertNotNull(b.columns().get("x").histogram());
    return b;
  }

  private static DriftResult drift(QualityReport r, String column) {
    return r.drift().stream().filter(d -> d.column().equals(column)).findFirst().orElseThrow();
  }

  @Test
  void sameDataAgainstItsBaselineHasNoDrift() {
    JobPlan plan = plan(X_MIN);
    QualityReport r = build(plan, counts("rows_read", 1000, "rows_used", 1000), profile(1), baseline(plan));
    DriftResult d = drift(r, "x");
    assertEquals(QualityReport.PASS, d.status());
    assertEquals(1.0, d.scaleRatio(), 1e-9);
    assertEquals(0.0, d.meanShiftStd(), 1e-9);
    assertEquals(QualityReport.PASS, r.verdict());
    assertEquals("base.json", r.baseline());
  }

  @Test
  void aThousandfoldColumnIsAProbableUnitChange() {
    JobPlan plan = plan(X_MIN);
    QualityReport r = build(plan, counts("rows_read", 1000, "rows_used", 1000), profile(1000), baseline(plan));
    DriftResult d = drift(r, "x");
    assertEquals(1000, d.scaleRatio(), 1000 * 1e-6);
    assertEquals(QualityReport.WARN, d.status());
    assertTrue(d.message().contains("scale check"), d.message());
    assertEquals(QualityReport.WARN, r.verdict());
    assertTrue(r.reasons().stream().anyMatch(s -> s.startsWith("drift on x (warn)") && s.contains("scale check")),
        r.reasons().toString());
  }

  @Test
  void aFiftyfoldColumnIsWithinTheDefaultTwoOrders() {
    JobPlan plan = plan(X_MIN);
    QualityReport r = build(plan, counts("rows_read", 1000, "rows_used", 1000), profile(50), baseline(plan));
    DriftResult d = drift(r, "x");
    assertEquals(50, d.scaleRatio(), 50 * 0.0024, "two medians, each to the 1/1000-order bins");
    assertFalse(d.message().contains("scale check"), d.message());
    assertEquals(QualityReport.WARN, d.status(), "the mean still moved: " + d.message());
  }

  @Test
  void scaleCheckRuleSetsOrdersAndSeverityAgainstTheBaseline() {
    JobPlan error = plan("quality:\n  columns:\n    x: {scale_check: {max_orders: 2, severity: error}}\n");
    QualityReport r = build(error, counts("rows_read", 1000, "rows_used", 1000), profile(1000), baseline(error));
    assertEquals(QualityReport.FAIL, drift(r, "x").status());
    assertEquals(QualityReport.FAIL, r.verdict());

    JobPlan loose = plan("quality:\n  columns:\n    x: {scale_check: {max_orders: 4, severity: error}}\n");
    QualityReport l = build(loose, counts("rows_read", 1000, "rows_used", 1000), profile(1000), baseline(loose));
    assertFalse(drift(l, "x").message().contains("scale check"), drift(l, "x").message());
    assertEquals(QualityReport.WARN, l.verdict(), "mean shift and PSI still warn");
  }

  @Test
  void perSourceRows() {
    JobPlan plan = QualityJobs.sourcesPlan("    - {name: a, path: a.csv}\n    - {name: b, path: b.csv}\n", X_MIN);
    QualityReport r = build(plan, counts("rows_read", 10, "rows_used", 9, "rows_quarantined", 1,
        "quarantined.unified_conflict", 1,
        "source.a.rows_read", 6, "source.a.rows_used", 5, "source.a.rows_quarantined", 1,
        "source.b.rows_read", 4, "source.b.rows_used", 4, "source.b.rows_not_sampled", 0), new DatasetProfile(), null);
    assertEquals(List.of("a", "b"), List.copyOf(r.sources().keySet()));
    assertEquals(new QualityReport.Rows(6, 5, 1, 0), r.sources().get("a"));
    assertEquals(new QualityReport.Rows(4, 4, 0, 0), r.sources().get("b"));
    RuleResult conflict = rule(r, BuiltinRules.UNIFIED_CONFLICT);
    assertEquals("unified", conflict.kind());
    assertEquals(10, conflict.checked());
    assertEquals(1, conflict.failed());
    assertEquals(0, rule(r, BuiltinRules.UNIFIED_REDUNDANT).failed());
  }
}
