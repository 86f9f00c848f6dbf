package dev.shardcast.training.report;

import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG line charts for the training and sweep reports: lines (broken at NaN), an optional
 * shaded band, dashed reference lines, axes with round ticks and a legend, all in one
 * {@code <svg>} element with its colours inline, so a chart needs no stylesheet, script or font file.
 * Output depends on the inputs only (fixed decimals, {@link Locale#ROOT}).
 */
public final class SvgCharts {

  /** Line colours, in the order series are usually added (model first, then the baselines). */
  public static final List<String> PALETTE =
      List.of("#1f6feb", "#d1242f", "#2da44e", "#9a6700", "#8250df", "#e16f24", "#0a7c86", "#bf3989");
  public static final String GREY = "#8c959f";
  public static final String BLACK = "#24292f";

  /** How a series is drawn. */
  public enum Style { SOLID, DASHED, MARKERS }

  private record Series(String name, double[] x, double[] y, String color, Style style, double width,
      boolean inLegend) {}

  private record Band(String name, double[] x, double[] lo, double[] hi, String color) {}

  private record Rule(boolean vertical, double at, String label) {}

  private static final int LEFT = 62;
  private static final int RIGHT = 14;
  private static final int BOTTOM = 42;
  private static final int LEGEND_ROW = 16;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private boolean logY;
  private boolean integerX;
  private Double yMin;
  private Double yMax;

  public SvgCharts(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** Adds a line; a NaN y (or x) breaks it, so a missing value is never drawn as a value. */
  public SvgCharts line(String name, double[] x, double[] y, String color, Style style) {
    return line(name, x, y, color, style, 2);
  }

  public SvgCharts line(String name, double[] x, double[] y, String color, Style style, double width) {
    return add(name, x, y, color, style, width, true);
  }

  /** A line left out of the legend (named only on hover), e.g. one of a sweep's many lower-ranked trials. */
  public SvgCharts quietLine(String name, double[] x, double[] y, String color, double width) {
    return add(name, x, y, color, Style.SOLID, width, false);
  }

  private SvgCharts add(String name, double[] x, double[] y, String color, Style style, double width, boolean legend) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x has " + x.length + " values, y " + y.length);
    }
    series.add(new Series(name, x.clone(), y.clone(), color, style, width, legend));
    return this;
  }

  /** A shaded area between {@code lo} and {@code hi} (e.g. a quantile interval), drawn under the lines. */
  public SvgCharts band(String name, double[] x, double[] lo, double[] hi, String color) {
    bands.add(new Band(name, x.clone(), lo.clone(), hi.clone(), color));
    return this;
  }

  /** A dashed horizontal reference line at {@code y} (e.g. the starting point's val loss). */
  public SvgCharts horizontal(double y, String label) {
    rules.add(new Rule(false, y, label));
    return this;
  }

  /** A dashed vertical line at {@code x} (e.g. the best epoch, or the forecast origin). */
  public SvgCharts vertical(double x, String label) {
    rules.add(new Rule(true, x, label));
    return this;
  }

  /** Log y axis, applied only when every value is positive (else the chart stays linear). */
  public SvgCharts logY(boolean on) {
    this.logY = on;
    return this;
  }

  /** Ticks on whole numbers only (epochs, steps). */
  public SvgCharts integerX() {
    this.integerX = true;
    return this;
  }

  /** Fixes the y range (e.g. 0..1 for a fraction) instead of fitting it to the data. */
  public SvgCharts yRange(double min, double max) {
    this.yMin = min;
    this.yMax = max;
    return this;
  }

  /** The chart as one {@code <svg>} element, or a short note when there is not a single finite point. */
  public String render(int width, int height) {
    double[] xr = range(true);
    double[] yr = range(false);
    if (xr == null || yr == null) {
      return "<p class=\"note\">" + esc(title) + ": no values to plot.</p>";
    }
    boolean log = logY && yr[0] > 0;
    if (yMin != null) {
      yr = new double[] {yMin, yMax};
    } else {
      yr = pad(yr, log);
    }
    if (xr[1] == xr[0]) {
      xr = new double[] {xr[0] - 1, xr[1] + 1};
    }
    List<String> legend = legendItems();
    int legendRows = legendRows(legend, width);
    int top = 24 + legendRows * LEGEND_ROW;
    Frame f = new Frame(xr, yr, log, LEFT, top, width - LEFT - RIGHT, height - top - BOTTOM);

    StringBuilder s = new StringBuilder(4096);
    s.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
    s.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" fill=\"#ffffff\"/>");
    // a long title (a series name can be anything) is cut to the width; the whole one is the tooltip
    int fits = (width - LEFT - RIGHT) * 10 / 75;
    String shown = title.length() <= fits ? title : title.substring(0, Math.max(1, fits - 1)) + "…";
    s.append("<text x=\"").append(LEFT).append("\" y=\"15\" font-size=\"13\" font-weight=\"600\" fill=\"").append(BLACK)
        .append("\"><title>").append(esc(title)).append("</title>").append(esc(shown)).append("</text>");
    axes(s, f, width, height);
    for (Band b : bands) {
      band(s, f, b);
    }
    for (Rule r : rules) {
      rule(s, f, r);
    }
    for (Series sr : series) {
      line(s, f, sr);
    }
    legend(s, width);
    return s.append("</svg>").toString();
  }

  /** Maps data to pixels. */
  private record Frame(double[] xr, double[] yr, boolean log, int left, int top, int w, int h) {
    double px(double x) {
      return left + (x - xr[0]) / (xr[1] - xr[0]) * w;
    }

    double py(double y) {
      double lo = log ? Math.log10(yr[0]) : yr[0];
      double hi = log ? Math.log10(yr[1]) : yr[1];
      double v = log ? Math.log10(y) : y;
      return top + h - (v - lo) / (hi - lo) * h;
    }
  }

  private double[] range(boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<double[]> arrays = new ArrayList<>();
    for (Series sr : series) {
      arrays.add(x ? sr.x() : sr.y());
    }
    for (Band b : bands) {
      arrays.add(x ? b.x() : b.lo());
      arrays.add(x ? b.x() : b.hi());
    }
    for (double[] a : arrays) {
      for (double v : a) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    for (Rule r : rules) {
      if (r.vertical() == x && Double.isFinite(r.at()) && lo <= hi) {
        lo = Math.min(lo, r.at());
        hi = Math.max(hi, r.at());
      }
    }
    return lo <= hi ? new double[] {lo, hi} : null;
  }

  private static double[] pad(double[] r, boolean log) {
    if (log) {
      return r[0] == r[1] ? new double[] {r[0] / 2, r[1] * 2} : new double[] {r[0] / 1.1, r[1] * 1.1};
    }
    double span = r[1] - r[0];
    if (span == 0) {
      double d = r[0] == 0 ? 1 : Math.abs(r[0]) * 0.1;
      return new double[] {r[0] - d, r[1] + d};
    }
    return new double[] {r[0] - 0.05 * span, r[1] + 0.05 * span};
  }

  private void axes(StringBuilder s, Frame f, int width, int height) {
    String axis = "stroke=\"" + GREY + "\" stroke-width=\"1\"";
    for (double t : f.log() ? ChartTicks.log(f.yr()) : ChartTicks.linear(f.yr()[0], f.yr()[1], 5, false)) {
      double y = f.py(t);
      s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y)).append("\" x2=\"").append(f.left() + f.w())
          .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#eaeef2\" stroke-width=\"1\"/>");
      s.append("<text x=\"").append(LEFT - 5).append("\" y=\"").append(fmt(y + 3.5))
          .append("\" font-size=\"10\" text-anchor=\"end\" fill=\"#57606a\">").append(esc(num(t))).append("</text>");
    }
    for (double t : ChartTicks.linear(f.xr()[0], f.xr()[1], Math.max(2, f.w() / 70), integerX)) {
      double x = f.px(t);
      s.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(f.top() + f.h()).append("\" x2=\"").append(fmt(x))
          .append("\" y2=\"").append(f.top() + f.h() + 4).append("\" ").append(axis).append("/>");
      s.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(f.top() + f.h() + 15)
          .append("\" font-size=\"10\" text-anchor=\"middle\" fill=\"#57606a\">").append(esc(num(t))).append("</text>");
    }
    s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(f.top() + f.h()).append("\" x2=\"")
        .append(f.left() + f.w()).append("\" y2=\"").append(f.top() + f.h()).append("\" ").append(axis).append("/>");
    s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(f.top()).append("\" x2=\"").append(LEFT)
        .append("\" y2=\"").append(f.top() + f.h()).append("\" ").append(axis).append("/>");
    s.append("<text x=\"").append(fmt(f.left() + f.w() / 2.0)).append("\" y=\"").append(height - 6)
        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">").append(esc(xLabel)).append("</text>");
    double midY = f.top() + f.h() / 2.0;
    s.append("<text x=\"12\" y=\"").append(fmt(midY)).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\"")
        .append(" transform=\"rotate(-90 12 ").append(fmt(midY)).append(")\">")
        .append(esc(yLabel + (f.log() ? " (log scale)" : ""))).append("</text>");
  }

  private static void band(StringBuilder s, Frame f, Band b) {
    // one polygon per run of finite points: the upper edge left to right, then the lower edge back
    for (int[] run : runs(b.x(), b.lo(), b.hi())) {
      StringBuilder pts = new StringBuilder();
      for (int i = run[0]; i < run[1]; i++) {
        point(pts, f.px(b.x()[i]), f.py(b.hi()[i]));
      }
      for (int i = run[1] - 1; i >= run[0]; i--) {
        point(pts, f.px(b.x()[i]), f.py(b.lo()[i]));
      }
      s.append("<polygon class=\"band\" points=\"").append(pts).append("\" fill=\"").append(b.color())
          .append("\" fill-opacity=\"0.18\" stroke=\"none\"><title>").append(esc(b.name())).append("</title></polygon>");
    }
  }

  private static void rule(StringBuilder s, Frame f, Rule r) {
    if (!Double.isFinite(r.at()) || (f.log() && !r.vertical() && r.at() <= 0)) {
      return;
    }
    double x1 = r.vertical() ? f.px(r.at()) : f.left();
    double x2 = r.vertical() ? x1 : f.left() + f.w();
    double y1 = r.vertical() ? f.top() : f.py(r.at());
    double y2 = r.vertical() ? f.top() + f.h() : y1;
    s.append("<line class=\"rule\" x1=\"").append(fmt(x1)).append("\" y1=\"").append(fmt(y1)).append("\" x2=\"")
        .append(fmt(x2)).append("\" y2=\"").append(fmt(y2)).append("\" stroke=\"").append(GREY)
        .append("\" stroke-width=\"1\" stroke-dasharray=\"3 3\"><title>").append(esc(r.label())).append("</title></line>");
    double tx = r.vertical() ? x1 + 3 : f.left() + f.w() - 2;
    double ty = r.vertical() ? f.top() + 10 : y1 - 3;
    s.append("<text x=\"").append(fmt(tx)).append("\" y=\"").append(fmt(ty)).append("\" font-size=\"10\" fill=\"")
        .append("#57606a\"").append(r.vertical() ? "" : " text-anchor=\"end\"").append(">").append(esc(r.label()))
        .append("</text>");
  }

  private static void line(StringBuilder s, Frame f, Series sr) {
    String dash = sr.style() == Style.DASHED ? " stroke-dasharray=\"6 4\"" : "";
    for (int[] run : runs(sr.x(), sr.y(), sr.y())) {
      if (run[1] - run[0] == 1) {
        continue; // a lone point: no line, its marker (below) shows it
      }
      StringBuilder pts = new StringBuilder();
      for (int i = run[0]; i < run[1]; i++) {
        point(pts, f.px(sr.x()[i]), f.py(sr.y()[i]));
      }
      s.append("<polyline class=\"series\" data-series=\"").append(esc(sr.name())).append("\" points=\"").append(pts)
          .append("\" fill=\"none\" stroke=\"").append(sr.color()).append("\" stroke-width=\"").append(fmt(sr.width()))
          .append("\" stroke-linejoin=\"round\"").append(dash).append("><title>").append(esc(sr.name()))
          .append("</title></polyline>");
    }
    for (int i = 0; i < sr.x().length; i++) {
      boolean lone = finite(sr, i) && !(i > 0 && finite(sr, i - 1)) && !(i + 1 < sr.x().length && finite(sr, i + 1));
      if (finite(sr, i) && (sr.style() == Style.MARKERS || lone)) {
        s.append("<circle cx=\"").append(fmt(f.px(sr.x()[i]))).append("\" cy=\"").append(fmt(f.py(sr.y()[i])))
            .append("\" r=\"2.6\" fill=\"").append(sr.color()).append("\"><title>")
            .append(esc(sr.name())).append(" @ ")
            .append(esc(num(sr.x()[i]))).append(": ").append(esc(num(sr.y()[i]))).append("</title></circle>");
      }
    }
  }

  private static boolean finite(Series sr, int i) {
    return Double.isFinite(sr.x()[i]) && Double.isFinite(sr.y()[i]);
  }

  /** Maximal [from, to) runs where x, a and b are all finite. */
  private static List<int[]> runs(double[] x, double[] a, double[] b) {
    List<int[]> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= x.length; i++) {
      boolean ok = i < x.length && Double.isFinite(x[i]) && Double.isFinite(a[i]) && Double.isFinite(b[i]);
      if (ok && start < 0) {
        start = i;
      } else if (!ok && start >= 0) {
        out.add(new int[] {start, i});
        start = -1;
      }
    }
    return out;
  }

  private List<String> legendItems() {
    List<String> items = new ArrayList<>();
    series.stream().filter(Series::inLegend).forEach(sr -> items.add(sr.name()));
    bands.forEach(b -> items.add(b.name()));
    return items;
  }

  // Text width is estimated (no font metrics without a browser): ~6.2 px per character at 11 px.
  private static int itemWidth(String name) {
    return 28 + (int) Math.ceil(6.2 * name.length()) + 14;
  }

  private static int legendRows(List<String> items, int width) {
    if (items.isEmpty()) {
      return 0;
    }
    int rows = 1;
    int x = LEFT;
    for (String name : items) {
      int w = itemWidth(name);
      if (x + w > width - RIGHT && x > LEFT) {
        rows++;
        x = LEFT;
      }
      x += w;
    }
    return rows;
  }

  private void legend(StringBuilder s, int width) {
    int x = LEFT;
    int y = 24 + LEGEND_ROW / 2;
    List<Object> entries = new ArrayList<>(series.stream().filter(Series::inLegend).toList());
    entries.addAll(bands);
    for (Object e : entries) {
      String name = e instanceof Series sr ? sr.name() : ((Band) e).name();
      int w = itemWidth(name);
      if (x + w > width - RIGHT && x > LEFT) {
        x = LEFT;
        y += LEGEND_ROW;
      }
      if (e instanceof Series sr) {
        s.append("<line x1=\"").append(x).append("\" y1=\"").append(y).append("\" x2=\"").append(x + 22)
            .append("\" y2=\"").append(y).append("\" stroke=\"").append(sr.color()).append("\" stroke-width=\"")
            .append(fmt(Math.max(2, sr.width()))).append('"')
            .append(sr.style() == Style.DASHED ? " stroke-dasharray=\"6 4\"" : "").append("/>");
      } else {
        s.append("<rect x=\"").append(x).append("\" y=\"").append(y - 5).append("\" width=\"22\" height=\"10\" fill=\"")
            .append(((Band) e).color()).append("\" fill-opacity=\"0.18\"/>");
      }
      s.append("<text x=\"").append(x + 27).append("\" y=\"").append(y + 4).append("\" font-size=\"11\" fill=\"")
          .append(BLACK).append("\">").append(esc(name)).append("</text>");
      x += w;
    }
  }

  private static void point(StringBuilder pts, double x, double y) {
    if (pts.length() > 0) {
      pts.append(' ');
    }
    pts.append(fmt(x)).append(',').append(fmt(y));
  }

  // One decimal is finer than a pixel and keeps the markup short; ROOT so no locale writes commas.
  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
