package dev.shardcast.training.report;

import static dev.shardcast.transforms.quality.HtmlText.NONE;
import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.num;

/**
 * The page shell and table cells shared by {@link TrainingReport} and {@link SweepReport}: inline CSS,
 * no script, no external resource, the same look as the quality report. Every text goes through
 * {@code esc}; every number cell carries its full value in {@code title} (shown on hover, and what a
 * test compares with metrics.json) while the cell shows 4 significant digits.
 */
final class ReportPage {

  private static final String CSS = """
      *{box-sizing:border-box}
      body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff}
      h1{font-size:22px;margin:0 0 4px}
      h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
      h3{font-size:14px;margin:16px 0 6px}
      .meta{color:#57606a;margin:0 0 16px;font-size:12px}
      .headline{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 12px}
      .headline div{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:6px 12px;min-width:120px}
      .headline dt{font-size:11px;text-transform:uppercase;color:#57606a}
      .headline dd{margin:0;font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}
      table{border-collapse:collapse;font-size:13px;margin:4px 0}
      th,td{border-bottom:1px solid #e1e4e8;padding:4px 7px;text-align:left;vertical-align:middle}
      th{background:#f6f8fa;font-weight:600;white-space:nowrap}
      td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      td.best{font-weight:700;color:#1a7f37}
      tr.chosen td{background:#dafbe1}
      table.facts th{text-align:left;background:none;color:#57606a;font-weight:500}
      .charts{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:flex-start}
      svg.chart{display:block;max-width:100%;height:auto;border:1px solid #eaeef2;border-radius:6px}
      .note{color:#57606a;font-style:italic}
      .choice{background:#f6f8fa;border-left:4px solid #1f6feb;padding:8px 12px;margin:8px 0}
      a{color:#0969da}
      .wide{overflow-x:auto;max-width:100%}
      code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
      """;

  private ReportPage() {}

  static StringBuilder open(String title) {
    StringBuilder h = new StringBuilder(65_536);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    return h;
  }

  static String close(StringBuilder h) {
    return h.append("</body>\n</html>\n").toString();
  }

  static void section(StringBuilder h, String id, String title) {
    h.append("<h2 id=\"").append(esc(id)).append("\">").append(esc(title)).append("</h2>\n");
  }

  static void note(StringBuilder h, String text) {
    h.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
  }

  /** A header cell; {@code numeric} right-aligns it over a number column. */
  static String th(String text, boolean numeric) {
    return (numeric ? "<th class=\"n\">" : "<th>") + esc(text) + "</th>";
  }

  static String td(String text) {
    return "<td>" + esc(text == null ? NONE : text) + "</td>";
  }

  static String tdCode(String text) {
    return "<td><code>" + esc(text == null ? NONE : text) + "</code></td>";
  }

  /** A number cell: 4 significant digits shown, the exact value in {@code title}; "—" for null or NaN. */
  static String tdNum(Object value) {
    return tdNum(value, false);
  }

  static String tdNum(Object value, boolean best) {
    String cls = best ? "n best" : "n";
    Double d = value instanceof Number n ? n.doubleValue() : null;
    if (d == null || !Double.isFinite(d)) {
      return "<td class=\"" + cls + "\">" + NONE + "</td>";
    }
    if (value instanceof Long || value instanceof Integer) {
      return "<td class=\"" + cls + "\">" + value + "</td>";
    }
    return "<td class=\"" + cls + "\" title=\"" + esc(Double.toString(d)) + "\">" + esc(num(d)) + "</td>";
  }

  /** One headline box (label over a big number). */
  static void box(StringBuilder h, String label, Object value) {
    Double d = value instanceof Number n ? n.doubleValue() : null;
    h.append("<div><dt>").append(esc(label)).append("</dt><dd");
    if (d != null && Double.isFinite(d)) {
      h.append(" title=\"").append(esc(Double.toString(d))).append("\">").append(esc(num(d)));
    } else {
      h.append(">").append(NONE);
    }
    h.append("</dd></div>");
  }

  /** A number as a double, NaN when it is not one (a null metric in metrics.json). */
  static double d(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
