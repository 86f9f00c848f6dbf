package dev.shardcast.transforms.quality;

import static dev.shardcast.transforms.quality.HtmlText.NONE;
import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.href;
import static dev.shardcast.transforms.quality.HtmlText.num;

import dev.shardcast.transforms.quality.QualityReport.ColumnStats;
import dev.shardcast.transforms.quality.QualityReport.DriftResult;
import dev.shardcast.transforms.quality.QualityReport.QuarantineFiles;
import dev.shardcast.transforms.quality.QualityReport.RuleResult;
import dev.shardcast.transforms.quality.QualityReport.Rows;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code quality-report.html}: the {@link QualityReport} as one self-contained page (inline CSS and SVG,
 * no script, no external resource) so it can be attached to a ticket or opened from a bucket as is.
 * The output depends on the report only, so re-rendering an unchanged report gives identical bytes.
 */
public final class QualityReportHtml {

  /** Banner colours, package-private so the screenshot test can look for the verdict's pixels. */
  static final String PASS_COLOR = "#2e7d32";
  static final String WARN_COLOR = "#f5a623";
  static final String FAIL_COLOR = "#c62828";
  static final String OTHER_COLOR = "#616161";

  private static final List<String> QUANTILES = List.of("p01", "p05", "p25", "p50", "p75", "p95", "p99");

  private static final String CSS = """
      *{box-sizing:border-box}
      body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff}
      h1{font-size:22px;margin:0 0 4px}
      h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
      .meta{color:#57606a;margin:0 0 16px;font-size:12px}
      .banner{display:flex;flex-wrap:wrap;gap:16px 32px;align-items:flex-start;padding:16px 20px;border-radius:8px;color:#fff}
      .banner.v-warn{color:#2b1d00}
      .verdict{font-size:28px;font-weight:700;letter-spacing:.04em;min-width:150px}
      .reasons{flex:1 1 380px;margin:0;padding-left:18px}
      .reasons li{margin:2px 0}
      .rows{display:flex;gap:10px;margin:0}
      .rows div{background:rgba(255,255,255,.18);border-radius:6px;padding:6px 12px;text-align:right;min-width:96px}
      .rows dt{font-size:11px;text-transform:uppercase;opacity:.9}
      .rows dd{margin:0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
      table{border-collapse:collapse;font-size:13px;margin:4px 0}
      th,td{border-bottom:1px solid #e1e4e8;padding:4px 7px;text-align:left;vertical-align:middle}
      th{background:#f6f8fa;font-weight:600;white-space:nowrap}
      td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      td.code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all;max-width:320px}
      .st{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
      .st-pass{background:#dafbe1;color:#1a7f37}.st-warn{background:#fff1c2;color:#7a5200}
      .st-fail{background:#ffebe9;color:#b3261e}.st-other{background:#eaeef2;color:#424a53}
      .hist .bar{fill:#4a7fc1}.hist .bar:hover{fill:#1f4f8f}
      .hist .axis{stroke:#8c959f;stroke-width:1}
      .hist .lbl{font-size:10px;fill:#57606a}
      .note{color:#57606a;font-style:italic}
      a{color:#0969da}
      .wide{overflow-x:auto;max-width:100%}
      """;

  private QualityReportHtml() {}

  /**
   * The whole page as a string. Missing parts (null lists, maps, numbers, a null baseline) show as "—" or a
   * short note rather than failing, so a report from a run that stopped early still renders.
   */
  public static String render(QualityReport report) {
    QualityReport r = report.redacted();
    String job = r.job() == null ? "(unnamed job)" : r.job();
    String verdict = verdictKey(r.verdict());
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Data quality — ").append(esc(job)).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Data quality: ").append(esc(job)).append("</h1>\n<p class=\"meta\">started ")
        .append(esc(orNone(r.startedAt()))).append(" · finished ").append(esc(orNone(r.finishedAt())))
        .append(" · config hash <code>").append(esc(orNone(r.configHash()))).append("</code> · format v")
        .append(r.formatVersion()).append("</p>\n");

    h.append("<section class=\"banner v-").append(verdict).append("\" style=\"background:")
        .append(verdictColor(r.verdict())).append("\">\n<div class=\"verdict\">")
        .append(esc(r.verdict() == null ? "NO VERDICT" : r.verdict().toUpperCase(Locale.ROOT))).append("</div>\n");
    List<String> reasons = list(r.reasons());
    if (reasons.isEmpty()) {
      h.append("<ul class=\"reasons\"><li>No threshold or drift limit exceeded.</li></ul>\n");
    } else {
      h.append("<ul class=\"reasons\">");
      reasons.forEach(reason -> h.append("<li>").append(esc(reason)).append("</li>"));
      h.append("</ul>\n");
    }
    Rows rows = r.rows();
    h.append("<dl class=\"rows\">");
    rowBox(h, "read", rows == null ? null : rows.read());
    rowBox(h, "used", rows == null ? null : rows.used());
    rowBox(h, "quarantined", rows == null ? null : rows.quarantined());
    rowBox(h, "not sampled", rows == null ? null : rows.notSampled());
    if (rows != null && rows.merged() != null) {
      rowBox(h, "merged (duplicates: " + esc(rows.duplicates()) + ")", rows.merged());
    }
    h.append("</dl>\n</section>\n");

    sources(h, r.sources());
    rules(h, list(r.rules()));
    columns(h, r.columns());
    drift(h, r.baseline(), list(r.drift()));
    quarantine(h, r.quarantine());
    return h.append("</body>\n</html>\n").toString();
  }

  private static void rowBox(StringBuilder h, String label, Long value) {
    h.append("<div><dt>").append(label).append("</dt><dd>").append(value == null ? NONE : value).append("</dd></div>");
  }

  private static void sources(StringBuilder h, Map<String, Rows> sources) {
    h.append("<h2>Rows by source</h2>\n");
    if (sources == null || sources.isEmpty()) {
      h.append("<p class=\"note\">No per-source row counts in this report.</p>\n");
      return;
    }
    h.append("<table class=\"sources\"><thead><tr><th>source</th><th class=\"n\">read</th><th class=\"n\">used</th>")
        .append("<th class=\"n\">quarantined</th><th class=\"n\">not sampled</th></tr></thead><tbody>\n");
    sources.forEach((name, s) -> {
      h.append("<tr>").append(td(name));
      if (s == null) {
        h.append(tdNum(NONE)).append(tdNum(NONE)).append(tdNum(NONE)).append(tdNum(NONE));
      } else {
        h.append(tdNum(s.read())).append(tdNum(s.used())).append(tdNum(s.quarantined())).append(tdNum(s.notSampled()));
      }
      h.append("</tr>\n");
    });
    h.append("</tbody></table>\n");
  }

  private static void rules(StringBuilder h, List<RuleResult> rules) {
    h.append("<h2>Rules</h2>\n");
    if (rules.isEmpty()) {
      h.append("<p class=\"note\">No rules were configured.</p>\n");
      return;
    }
    h.append("<div class=\"wide\"><table class=\"rules\"><thead><tr><th>id</th><th>kind</th><th>column</th><th>rule</th>")
        .append("<th>expected</th><th>severity</th><th class=\"n\">checked</th><th class=\"n\">failed</th>")
        .append("<th class=\"n\">fail %</th><th class=\"n\">max fail fraction</th><th>status</th></tr></thead><tbody>\n");
    for (RuleResult rule : rules) {
      if (rule == null) {
        continue;
      }
      String failPct = rule.checked() == 0 ? NONE : num(100.0 * rule.failed() / rule.checked()) + "%";
      h.append("<tr>").append(td(rule.id())).append(td(rule.kind())).append(td(rule.column()))
          .append(tdCode(rule.rule())).append(tdCode(rule.expected())).append(td(rule.severity()))
          .append(tdNum(rule.checked())).append(tdNum(rule.failed())).append(tdNum(failPct))
          .append(tdNum(num(rule.maxFailFraction()))).append(status(rule.status())).append("</tr>\n");
    }
    h.append("</tbody></table></div>\n");
  }

  private static void columns(StringBuilder h, Map<String, ColumnStats> columns) {
    h.append("<h2>Columns</h2>\n");
    if (columns == null || columns.isEmpty()) {
      h.append("<p class=\"note\">No column statistics in this report.</p>\n");
      return;
    }
    // The histogram comes right after the name: the wide table scrolls, and the chart is what a reader looks at first.
    h.append("<div class=\"wide\"><table class=\"columns\"><thead><tr><th>column</th><th>histogram</th><th>type</th><th class=\"n\">count</th>")
        .append("<th class=\"n\">nulls</th><th class=\"n\">min</th><th class=\"n\">max</th><th class=\"n\">mean</th>")
        .append("<th class=\"n\">std</th><th class=\"n\">≈ distinct</th>");
    QUANTILES.forEach(q -> h.append("<th class=\"n\">").append(q).append("</th>"));
    h.append("<th class=\"n\">median |x|</th></tr></thead><tbody>\n");
    columns.forEach((name, c) -> {
      h.append("<tr>").append(td(name));
      if (c == null) {
        h.append("<td colspan=\"").append(QUANTILES.size() + 10).append("\">").append(NONE).append("</td></tr>\n");
        return;
      }
      String svg = SvgHistogram.render(name, c.histogram());
      h.append("<td>").append(svg == null ? NONE : svg).append("</td>");
      h.append(td(c.type())).append(tdNum(c.count())).append(tdNum(c.nulls())).append(tdNum(num(c.min())))
          .append(tdNum(num(c.max()))).append(tdNum(num(c.mean()))).append(tdNum(num(c.std())))
          .append(tdNum(c.approxDistinct()));
      Map<String, Double> q = c.quantiles() == null ? Map.of() : c.quantiles();
      QUANTILES.forEach(key -> h.append(tdNum(num(q.get(key)))));
      h.append(tdNum(num(c.medianAbs()))).append("</tr>\n");
    });
    h.append("</tbody></table></div>\n");
  }

  private static void drift(StringBuilder h, String baseline, List<DriftResult> drift) {
    h.append("<h2>Drift</h2>\n");
    if (baseline == null) {
      h.append("<p class=\"note\">No baseline: drift was not measured for this run.</p>\n");
      return;
    }
    h.append("<p>Against baseline <code>").append(esc(baseline)).append("</code></p>\n");
    if (drift.isEmpty()) {
      h.append("<p class=\"note\">No column was compared with the baseline.</p>\n");
      return;
    }
    h.append("<table class=\"drift\"><thead><tr><th>column</th><th class=\"n\">mean shift (std)</th>")
        .append("<th class=\"n\">PSI</th><th class=\"n\">scale ratio</th><th>status</th><th>message</th>")
        .append("</tr></thead><tbody>\n");
    for (DriftResult d : drift) {
      if (d == null) {
        continue;
      }
      h.append("<tr>").append(td(d.column())).append(tdNum(num(d.meanShiftStd()))).append(tdNum(num(d.psi())))
          .append(tdNum(num(d.scaleRatio()))).append(status(d.status())).append(td(d.message())).append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void quarantine(StringBuilder h, QuarantineFiles q) {
    h.append("<h2>Quarantine</h2>\n");
    if (q == null) {
      h.append("<p class=\"note\">No quarantine files were written.</p>\n");
      return;
    }
    h.append("<p>").append(q.rows()).append(" row").append(q.rows() == 1 ? "" : "s").append(" quarantined");
    if (q.jsonl() != null || q.parquet() != null) {
      h.append(": ");
      link(h, q.jsonl());
      if (q.jsonl() != null && q.parquet() != null) {
        h.append(" · ");
      }
      link(h, q.parquet());
    }
    h.append("</p>\n");
    Map<String, Long> byReason = q.byReason();
    if (byReason != null && !byReason.isEmpty()) {
      h.append("<table class=\"reasons-table\"><thead><tr><th>reason</th><th class=\"n\">rows</th></tr></thead><tbody>\n");
      byReason.forEach((reason, n) -> h.append("<tr>").append(td(reason)).append(tdNum(n == null ? NONE : n.toString()))
          .append("</tr>\n"));
      h.append("</tbody></table>\n");
    }
  }

  private static void link(StringBuilder h, String path) {
    if (path == null) {
      return;
    }
    String href = href(path);
    if (href == null) {
      h.append("<code>").append(esc(path)).append("</code>");
    } else {
      h.append("<a href=\"").append(esc(href)).append("\">").append(esc(path)).append("</a>");
    }
  }

  private static String td(String text) {
    return "<td>" + esc(orNone(text)) + "</td>";
  }

  private static String tdCode(String text) {
    return text == null ? "<td>" + NONE + "</td>" : "<td class=\"code\">" + esc(text) + "</td>";
  }

  private static String tdNum(long value) {
    return "<td class=\"n\">" + value + "</td>";
  }

  private static String tdNum(String formatted) {
    return "<td class=\"n\">" + esc(formatted) + "</td>";
  }

  private static String status(String status) {
    String key = status == null ? "other" : verdictKey(status);
    return "<td><span class=\"st st-" + key + "\">" + esc(orNone(status)) + "</span></td>";
  }

  /** A fixed class-name suffix, never the raw value, so report text cannot reach a class attribute. */
  private static String verdictKey(String verdict) {
    if (verdict == null) {
      return "other";
    }
    return switch (verdict.toLowerCase(Locale.ROOT)) {
      case QualityReport.PASS -> "pass";
      case QualityReport.WARN -> "warn";
      case QualityReport.FAIL -> "fail";
      default -> "other";
    };
  }

  static String verdictColor(String verdict) {
    return switch (verdictKey(verdict)) {
      case "pass" -> PASS_COLOR;
      case "warn" -> WARN_COLOR;
      case "fail" -> FAIL_COLOR;
      default -> OTHER_COLOR;
    };
  }

  private static String orNone(String s) {
    return s == null ? NONE : s;
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
