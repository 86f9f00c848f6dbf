package dev.shardcast.transforms.quality;

import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.num;

import java.util.List;
import java.util.Locale;

/** A small inline SVG bar chart of one column's {@link QualityReport.Histogram}, for the HTML report. */
final class SvgHistogram {

  static final int WIDTH = 168;
  static final int HEIGHT = 64;
  private static final int PLOT_HEIGHT = 48; // the rest is the min/max axis labels under the bars
  private static final double GAP = 0.5;

  private SvgHistogram() {}

  /** One {@code <rect class="bar">} per bin; null when there is nothing drawable, so the caller shows "—". */
  static String render(String column, QualityReport.Histogram h) {
    if (h == null || h.counts() == null || h.edges() == null || h.counts().isEmpty()
        || h.edges().size() != h.counts().size() + 1) {
      return null;
    }
    List<Double> edges = h.edges();
    List<Long> counts = h.counts();
    int bins = counts.size();
    long maxCount = 1;
    for (Long c : counts) {
      maxCount = Math.max(maxCount, c == null ? 0 : c);
    }
    double lo = value(edges.get(0));
    double hi = value(edges.get(bins));
    // Bins are normally equal-width, but drift bins reused from a baseline need not be; bars follow the
    // edges when they are usable and fall back to equal widths (e.g. a constant column, lo == hi).
    boolean byEdges = Double.isFinite(lo) && Double.isFinite(hi) && hi > lo && monotone(edges);

    StringBuilder s = new StringBuilder(256 + 160 * bins);
    s.append("<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(HEIGHT).append("\" role=\"img\" aria-label=\"histogram of ").append(esc(column)).append("\">");
    s.append("<line class=\"axis\" x1=\"0\" y1=\"").append(PLOT_HEIGHT).append("\" x2=\"").append(WIDTH)
        .append("\" y2=\"").append(PLOT_HEIGHT).append("\"/>");
    for (int i = 0; i < bins; i++) {
      double x0 = byEdges ? (value(edges.get(i)) - lo) / (hi - lo) * WIDTH : (double) i * WIDTH / bins;
      double x1 = byEdges ? (value(edges.get(i + 1)) - lo) / (hi - lo) * WIDTH : (double) (i + 1) * WIDTH / bins;
      long c = counts.get(i) == null ? 0 : counts.get(i);
      double barHeight = (double) c / maxCount * (PLOT_HEIGHT - 2);
      String range = "[" + num(edges.get(i)) + ", " + num(edges.get(i + 1)) + (i == bins - 1 ? "]" : ")");
      s.append("<rect class=\"bar\" x=\"").append(fmt(x0)).append("\" y=\"").append(fmt(PLOT_HEIGHT - barHeight))
          .append("\" width=\"").append(fmt(Math.max(x1 - x0 - GAP, 0.5))).append("\" height=\"")
          .append(fmt(barHeight)).append("\"><title>").append(esc(range)).append(": ").append(c)
          .append("</title></rect>");
    }
    s.append("<text class=\"lbl\" x=\"0\" y=\"").append(HEIGHT - 3).append("\">").append(esc(num(edges.get(0))))
        .append("</text>");
    s.append("<text class=\"lbl\" x=\"").append(WIDTH).append("\" y=\"").append(HEIGHT - 3)
        .append("\" text-anchor=\"end\">").append(esc(num(edges.get(bins)))).append("</text>");
    return s.append("</svg>").toString();
  }

  private static double value(Double d) {
    return d == null ? Double.NaN : d;
  }

  private static boolean monotone(List<Double> edges) {
    for (int i = 1; i < edges.size(); i++) {
      if (!(value(edges.get(i)) >= value(edges.get(i - 1)))) {
        return false;
      }
    }
    return true;
  }

  // Two decimals keep the markup short and are finer than a pixel; ROOT so a German locale writes no commas.
  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
