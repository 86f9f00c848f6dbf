package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.QualityConfig;
import dev.shardcast.transforms.config.Severity;
import dev.shardcast.transforms.quality.QualityReport.ColumnStats;
import dev.shardcast.transforms.quality.QualityReport.DriftResult;
import dev.shardcast.transforms.quality.QualityReport.RuleResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a run's counts and profile into its {@link QualityReport} and verdict: per-rule results with
 * their thresholds, the overall quarantine threshold, drift against the baseline report, and the
 * baseline half of the Uniform scale check (a whole column that changed unit between runs).
 */
public final class QualityReportBuilder {
  public static final int HISTOGRAM_BINS = 20;
  /** A column whose typical magnitude moved this many orders of ten from the baseline is flagged even without a scale_check rule. */
  static final double DEFAULT_SCALE_ORDERS = 2.0;

  private QualityReportBuilder() {}

  public record Input(JobPlan plan, Map<String, Long> counts, DatasetProfile profile, QualityReport baseline,
      String baselinePath, String startedAt) {}

  public static QualityReport build(Input in) {
    JobPlan plan = in.plan();
    JobConfig cfg = plan.config();
    Map<String, Long> counts = in.counts();
    RuleSet rules = RuleSet.compile(plan);
    List<String> reasons = new ArrayList<>();
    long read = counts.getOrDefault("rows_read", 0L);
    long quarantined = counts.getOrDefault("rows_quarantined", 0L);
    long used = counts.containsKey("rows_used") ? counts.get("rows_used")
        : counts.getOrDefault("rows_windowed", 0L) + counts.getOrDefault("rows_unused", 0L)
            + counts.getOrDefault("rows_merged", 0L);
    long notSampled = counts.getOrDefault("rows_not_sampled", 0L);
    boolean fail = false;
    boolean warn = quarantined > 0;

    List<RuleResult> results = new ArrayList<>();
    List<String> notes = new ArrayList<>(); // why a verdict is warn without any limit exceeded
    for (RuleInfo r : rules.allRules(plan)) {
      boolean builtin = !r.id().contains(".");
      long checked = builtin ? read : counts.getOrDefault("rule." + r.id() + ".checked", 0L);
      long failed = builtin ? counts.getOrDefault("quarantined." + r.id(), 0L)
          : counts.getOrDefault("rule." + r.id() + ".failed", 0L);
      String status = failed == 0 ? QualityReport.PASS : QualityReport.WARN;
      if (r.maxFailFraction() != null && checked > 0 && (double) failed / checked > r.maxFailFraction()) {
        status = r.severity() == Severity.ERROR ? QualityReport.FAIL : QualityReport.WARN;
        reasons.add(String.format(Locale.ROOT, "rule %s failed on %d of %d rows (%.4f) > max_fail_fraction %s (%s)",
            r.id(), failed, checked, (double) failed / checked, r.maxFailFraction(), r.severity().yaml()));
      }
      fail |= status.equals(QualityReport.FAIL);
      warn |= status.equals(QualityReport.WARN);
      if (failed > 0 && r.severity() == Severity.WARN && r.maxFailFraction() == null) {
        notes.add(String.format(Locale.ROOT, "warn rule %s flagged %d of %d rows", r.id(), failed, checked));
      }
      results.add(new RuleResult(r.id(), r.kind(), r.column(), r.rule(), r.severity().yaml(), r.expected(), checked,
          failed, r.maxFailFraction(), status));
    }

    QualityConfig q = cfg.quality();
    var limit = q == null || q.thresholds() == null ? null : q.thresholds().maxQuarantinedFraction();
    if (limit != null && !limit.value().isNull() && read > 0) {
      double fraction = (double) quarantined / read;
      if (fraction > limit.value().asDouble()) {
        Severity sev = limit.severityOr(Severity.ERROR);
        reasons.add(String.format(Locale.ROOT, "%d of %d rows quarantined (%.4f) > max_quarantined_fraction %s (%s)",
            quarantined, read, fraction, limit.value().asText(), sev.yaml()));
        fail |= sev == Severity.ERROR;
        warn = true;
      }
    }

    if (quarantined > 0 && reasons.stream().noneMatch(x -> x.contains("max_quarantined_fraction"))) {
      notes.add(0, String.format(Locale.ROOT, "%d of %d rows quarantined (%.4f), within the thresholds", quarantined,
          read, read == 0 ? 0.0 : (double) quarantined / read));
    }
    Map<String, ColumnStats> stats = in.profile().summary(HISTOGRAM_BINS);
    List<DriftResult> drift = null;
    if (in.baseline() != null) {
      drift = new ArrayList<>();
      QualityConfig.Drift d = q == null ? null : q.drift();
      for (String column : stats.keySet()) {
        ColumnStats base = in.baseline().columns() == null ? null : in.baseline().columns().get(column);
        if (base == null || (d != null && d.columns() != null && !d.columns().contains(column))) {
          continue;
        }
        DriftResult r = DriftCalculator.compare(column, base, in.profile().column(column),
            d == null ? null : d.meanShift(), d == null ? null : d.psi());
        r = scaleAgainstBaseline(r, rules, column);
        drift.add(r);
        if (QualityReport.FAIL.equals(r.status())) {
          fail = true;
          reasons.add("drift on " + column + ": " + r.message());
        } else if (QualityReport.WARN.equals(r.status())) {
          warn = true;
          reasons.add("drift on " + column + " (warn): " + r.message());
        }
      }
    }

    Map<String, QualityReport.Rows> sources = new LinkedHashMap<>();
    for (JobConfig.Source s : plan.sources()) {
      String k = "source." + s.name() + ".";
      sources.put(s.name(), new QualityReport.Rows(counts.getOrDefault(k + "rows_read", 0L),
          counts.getOrDefault(k + "rows_used", 0L), counts.getOrDefault(k + "rows_quarantined", 0L),
          counts.getOrDefault(k + "rows_not_sampled", 0L)));
    }
    Map<String, Long> byReason = new TreeMap<>();
    counts.forEach((k, v) -> {
      if (k.startsWith("quarantined.")) {
        byReason.put(k.substring("quarantined.".length()), v);
      }
    });
    String verdict = fail ? QualityReport.FAIL : warn ? QualityReport.WARN : QualityReport.PASS;
    reasons.addAll(notes);
    return new QualityReport(QualityReport.FORMAT_VERSION, cfg.name(), ConfigLoader.hash(cfg), in.startedAt(),
        Instant.now().toString(), verdict, reasons, new QualityReport.Rows(read, used, quarantined, notSampled,
            counts.get("rows_merged"), counts.containsKey("rows_merged") ? cfg.input().duplicates().yaml() : null),
        sources, results, stats, in.baselinePath(), drift,
        new QualityReport.QuarantineFiles("quarantine/rows.jsonl",
            dev.shardcast.transforms.config.QualityConfig.parquetQuarantine(cfg.quality()) ? QuarantineParquet.PATH : null,
            quarantined, byReason));
  }

  /**
   * The Uniform check across runs: a whole column that moved by orders of magnitude (m → km) has the
   * same spread as before and passes the in-run scale check, but its typical magnitude jumped.
   */
  static DriftResult scaleAgainstBaseline(DriftResult r, RuleSet rules, String column) {
    if (r.scaleRatio() == null || r.scaleRatio() <= 0) {
      return r;
    }
    double orders = DEFAULT_SCALE_ORDERS;
    Severity severity = Severity.WARN;
    for (int i = 0; i < rules.scaleRules().size(); i++) {
      if (rules.scaleRules().get(i).column().equals(column)) {
        orders = rules.scaleOrders(i);
        severity = rules.scaleRules().get(i).severity();
      }
    }
    double off = Math.abs(Math.log10(r.scaleRatio()));
    if (off <= orders) {
      return r;
    }
    String message = String.format(Locale.ROOT,
        "scale check: typical magnitude is %.4g times the baseline's (more than %s orders of ten; a unit change?)",
        r.scaleRatio(), orders);
    String status = severity == Severity.ERROR ? QualityReport.FAIL
        : QualityReport.FAIL.equals(r.status()) ? QualityReport.FAIL : QualityReport.WARN;
    String combined = r.message() == null || r.message().isEmpty() ? message : r.message() + "; " + message;
    return new DriftResult(r.column(), r.meanShiftStd(), r.psi(), r.scaleRatio(), status, combined);
  }
}
