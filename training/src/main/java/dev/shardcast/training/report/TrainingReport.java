package dev.shardcast.training.report;

import static dev.shardcast.training.report.ReportPage.box;
import static dev.shardcast.training.report.ReportPage.d;
import static dev.shardcast.training.report.ReportPage.note;
import static dev.shardcast.training.report.ReportPage.section;
import static dev.shardcast.training.report.ReportPage.td;
import static dev.shardcast.training.report.ReportPage.tdNum;
import static dev.shardcast.training.report.ReportPage.th;
import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.href;
import static dev.shardcast.transforms.quality.HtmlText.num;

import dev.shardcast.training.train.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html} of a train: summary with the test scores against the baselines, loss curves,
 * data wait and throughput per epoch, MAE per forecast step, forecast-vs-actual plots of a few test
 * windows, and for {@code auto} every candidate and the choice. Built from what the run already has
 * (the epochs' metrics, metrics.json's maps, the evaluator's samples), so it needs no model; the
 * output depends on these inputs only: the same run gives the same bytes.
 *
 * @param title the page heading (job name)
 * @param facts label/value rows of the summary (model, data, training)
 * @param lossName what the loss is, for the axis label
 * @param bestEpoch the kept epoch, -1 for the starting point
 * @param startingPoint the starting point's val loss (e.g. the ridge fit), or null
 * @param test metrics.json's {@code test} map (windows, all, one map per target)
 * @param samples test windows for the forecast plots
 * @param choice auto's candidates and choice, or null
 */
public record TrainingReport(String title, List<String[]> facts, String lossName, List<EpochMetrics> epochs,
    int bestEpoch, Double startingPoint, Map<String, Object> test, List<String> targets,
    List<ForecastSamples.Sample> samples, Choice choice) {

  /**
   * @param explanation the one-line reason (as in the log and metrics.json)
   * @param candidates metrics.json's {@code model_choice.candidates}
   * @param curves each candidate's epochs, by candidate name
   * @param reports each candidate's own report, relative to this page, by name
   */
  public record Choice(String chosen, String explanation, List<Map<String, Object>> candidates,
      Map<String, List<EpochMetrics>> curves, Map<String, String> reports) {}

  public static final String FILE_NAME = "report.html";
  static final int WIDE = 760;
  static final int HALF = 560;
  static final int HEIGHT = 300;

  public String render() {
    StringBuilder h = ReportPage.open("Training report — " + title);
    h.append("<h1>Training report: ").append(esc(title)).append("</h1>\n<p class=\"meta\">");
    h.append("<a href=\"#summary\">summary</a>");
    if (choice != null) {
      h.append(" · <a href=\"#choice\">model choice</a>");
    }
    h.append(" · <a href=\"#loss\">loss</a> · <a href=\"#throughput\">data wait &amp; throughput</a>")
        .append(" · <a href=\"#horizon\">error per step</a> · <a href=\"#forecasts\">forecasts</a></p>\n");
    summary(h);
    if (choice != null) {
      choice(h);
    }
    loss(h);
    throughput(h);
    horizon(h);
    ForecastPlots.section(h, samples);
    return ReportPage.close(h);
  }

  private Map<String, Object> all() {
    return map(test == null ? null : test.get("all"));
  }

  private void summary(StringBuilder h) {
    section(h, "summary", "Summary");
    h.append("<table class=\"facts\"><tbody>\n");
    for (String[] f : facts) {
      h.append("<tr><th>").append(esc(f[0])).append("</th>").append(td(f[1])).append("</tr>\n");
    }
    h.append("</tbody></table>\n");
    Map<String, Object> all = all();
    if (all.isEmpty() || all.get("mae") == null) {
      note(h, "No test score: the test split has no windows (or no observed target point).");
      return;
    }
    h.append("<h3>Test split, original units (").append(esc(String.valueOf(test.get("windows"))))
        .append(" windows, ").append(esc(String.valueOf(all.get("points")))).append(" observed points)</h3>\n");
    h.append("<dl class=\"headline\">");
    box(h, "MAE", all.get("mae"));
    box(h, "MASE vs seasonal-naive", all.get("mase_seasonal_naive"));
    box(h, "MASE vs last-value", all.get("mase_last_value"));
    box(h, "model ÷ ridge MAE", all.get("mae_ratio_to_ridge"));
    h.append("</dl>\n");
    h.append("<table class=\"baselines\"><thead><tr>").append(th("forecast", false)).append(th("MAE", true))
        .append(th("RMSE", true)).append(th("model MAE ÷ this MAE", true)).append("</tr></thead><tbody>\n");
    double best = Math.min(Math.min(d(all.get("mae")), nanMax(all.get("mae_ridge"))),
        Math.min(nanMax(all.get("mae_seasonal_naive")), nanMax(all.get("mae_last_value"))));
    baselineRow(h, "model", all.get("mae"), all.get("rmse"), null, best);
    if (all.containsKey("mae_ridge")) {
      baselineRow(h, "ridge", all.get("mae_ridge"), all.get("rmse_ridge"), all.get("mae_ratio_to_ridge"), best);
    }
    baselineRow(h, "seasonal-naive (season " + all.get("season") + ")", all.get("mae_seasonal_naive"), null,
        all.get("mase_seasonal_naive"), best);
    baselineRow(h, "last-value", all.get("mae_last_value"), null, all.get("mase_last_value"), best);
    h.append("</tbody></table>\n");
    note(h, "Below 1 in the last column: the model beats that forecast on the same points. Points the gap policy "
        + "filled are scored by nobody (" + test.get("points_excluded_filled") + " here).");
    if (targets != null && targets.size() > 1) {
      perTarget(h);
    }
    quantiles(h, map(all.get("quantile")));
  }

  private static void baselineRow(StringBuilder h, String name, Object mae, Object rmse, Object ratio, double best) {
    h.append("<tr>").append(td(name)).append(tdNum(mae, d(mae) == best)).append(tdNum(rmse)).append(tdNum(ratio))
        .append("</tr>\n");
  }

  private void perTarget(StringBuilder h) {
    h.append("<h3>Per target</h3>\n<table class=\"targets\"><thead><tr>").append(th("target", false))
        .append(th("MAE", true)).append(th("MASE vs seasonal-naive", true)).append(th("MASE vs last-value", true))
        .append(th("ridge MAE", true)).append("</tr></thead><tbody>\n");
    for (String t : targets) {
      Map<String, Object> m = map(test.get(t));
      h.append("<tr>").append(td(t)).append(tdNum(m.get("mae"))).append(tdNum(m.get("mase_seasonal_naive")))
          .append(tdNum(m.get("mase_last_value"))).append(tdNum(m.get("mae_ridge"))).append("</tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void quantiles(StringBuilder h, Map<String, Object> q) {
    if (q.isEmpty()) {
      return;
    }
    h.append("<h3>Quantiles</h3>\n<table class=\"quantiles\"><thead><tr>").append(th("interval", false))
        .append(th("nominal", true)).append(th("coverage", true)).append("</tr></thead><tbody>\n");
    for (Object o : list(q.get("intervals"))) {
      Map<String, Object> iv = map(o);
      h.append("<tr>").append(td("p" + pct(iv.get("lower")) + "–p" + pct(iv.get("upper"))))
          .append(tdNum(iv.get("nominal"))).append(tdNum(iv.get("coverage"))).append("</tr>\n");
    }
    h.append("</tbody></table>\n");
    h.append("<p>Weighted quantile loss (mean over levels): ").append(plainNum(q.get("wql")))
        .append("; raw quantiles crossed at ").append(plainNum(q.get("crossed_fraction")))
        .append(" of adjacent pairs (sorted before scoring).</p>\n");
  }

  private void choice(StringBuilder h) {
    section(h, "choice", "Model choice (train.model.type: auto)");
    h.append("<p class=\"choice\">").append(esc(choice.explanation())).append("</p>\n");
    h.append("<div class=\"wide\"><table class=\"candidates\"><thead><tr>").append(th("candidate", false))
        .append(th("val MAE", true)).append(th("− lowest", true)).append(th("standard error", true))
        .append(th("− ensemble", true)).append(th("standard error", true))
        .append(th("best val loss", true)).append(th("best epoch", true)).append(th("epochs", true))
        .append(th("test MAE", true)).append(th("test MASE", true)).append(th("report", false))
        .append("</tr></thead><tbody>\n");
    for (Map<String, Object> c : choice.candidates()) {
      String name = String.valueOf(c.get("type"));
      Map<String, Object> t = map(c.get("test"));
      h.append(name.equals(choice.chosen()) ? "<tr class=\"chosen\">" : "<tr>")
          .append(td(name + (name.equals(choice.chosen()) ? " (chosen)" : ""))).append(tdNum(c.get("val_mae")))
          .append(tdNum(c.get("val_mae_minus_lowest"))).append(tdNum(c.get("standard_error")))
          .append(tdNum(c.get("val_mae_minus_ensemble"))).append(tdNum(c.get("standard_error_vs_ensemble")))
          .append(tdNum(c.get("best_val_loss"))).append(tdNum(c.get("best_epoch"))).append(tdNum(c.get("epochs")))
          .append(tdNum(t.get("mae"))).append(tdNum(t.get("mase_seasonal_naive")));
      String link = choice.reports() == null ? null : choice.reports().get(name);
      h.append(link == null ? td(null) : "<td><a href=\"" + esc(href(link)) + "\">" + esc(link) + "</a></td>")
          .append("</tr>\n");
    }
    h.append("</tbody></table></div>\n");
    SvgCharts chart = new SvgCharts("val loss per epoch, every candidate", "epoch", lossName).integerX();
    int i = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (Map.Entry<String, List<EpochMetrics>> e : choice.curves().entrySet()) {
      double[][] xy = column(e.getValue(), EpochMetrics::valLoss);
      chart.line(e.getKey(), xy[0], xy[1], SvgCharts.PALETTE.get(i++ % SvgCharts.PALETTE.size()), style(xy[0]));
      for (double v : xy[1]) {
        lo = Double.isFinite(v) ? Math.min(lo, v) : lo;
        hi = Double.isFinite(v) ? Math.max(hi, v) : hi;
      }
    }
    h.append(chart.logY(lo > 0 && hi / lo >= 10).render(WIDE, HEIGHT)).append('\n');
    note(h, "Val loss is in scaled units and the same loss for every candidate; the choice is by val MAE in "
        + "original units (the table): the ensemble (the mean of the others' forecasts) unless a single candidate is "
        + "below it at 5 % (one-sided paired t-test over blocks of forecast starts), then the simplest of those within "
        + "one standard error of their lowest.");
  }

  private void loss(StringBuilder h) {
    section(h, "loss", "Loss per epoch");
    if (epochs.isEmpty()) {
      note(h, "No epoch to show: none finished, or the model has no training of its own (an ensemble: its "
          + "members' reports show theirs).");
      return;
    }
    double[][] train = column(epochs, EpochMetrics::trainLoss);
    double[][] val = column(epochs, EpochMetrics::valLoss);
    SvgCharts chart = new SvgCharts("train and val loss", "epoch", lossName).integerX()
        .line("train", train[0], train[1], SvgCharts.PALETTE.get(0), style(train[0]))
        .line("val", val[0], val[1], SvgCharts.PALETTE.get(1), style(val[0]));
    if (startingPoint != null) {
      chart.horizontal(startingPoint, "starting point (val)");
    }
    if (bestEpoch >= 0) {
      chart.vertical(bestEpoch, "best epoch " + bestEpoch);
    }
    double lo = Math.min(min(train[1]), min(val[1]));
    double hi = Math.max(max(train[1]), max(val[1]));
    h.append(chart.logY(lo > 0 && hi / lo >= 10).render(WIDE, HEIGHT)).append('\n');
    note(h, bestEpoch >= 0 ? "The model kept is epoch " + bestEpoch + "'s (lowest val loss)."
        : "No epoch beat the starting point on val: the model kept is the starting point.");
    h.append("<details><summary>Every epoch</summary>\n<table class=\"epochs\"><thead><tr>").append(th("epoch", true))
        .append(th("train loss", true)).append(th("val loss", true)).append(th("windows", true))
        .append(th("windows/s", true)).append(th("data wait", true)).append(th("seconds", true))
        .append("</tr></thead><tbody>\n");
    for (EpochMetrics m : epochs) {
      h.append("<tr>").append(tdNum(m.epoch())).append(tdNum(m.trainLoss())).append(tdNum(m.valLoss(), m.epoch() == bestEpoch))
          .append(tdNum(m.windows())).append(tdNum(m.windowsPerS())).append(tdNum(m.dataWaitFraction()))
          .append(tdNum(m.seconds())).append("</tr>\n");
    }
    h.append("</tbody></table></details>\n");
  }

  private void throughput(StringBuilder h) {
    section(h, "throughput", "Data wait and throughput per epoch");
    if (epochs.isEmpty()) {
      note(h, "No epoch to show: none finished, or the model has no training of its own (an ensemble: its "
          + "members' reports show theirs).");
      return;
    }
    double[][] speed = column(epochs, EpochMetrics::windowsPerS);
    double[][] wait = column(epochs, EpochMetrics::dataWaitFraction);
    double top = Math.max(0.05, Math.min(1, max(wait[1]) * 1.15));
    h.append("<div class=\"charts\">\n")
        .append(new SvgCharts("training throughput", "epoch", "windows/s").integerX()
            .line("windows/s", speed[0], speed[1], SvgCharts.PALETTE.get(2), style(speed[0])).render(HALF, HEIGHT))
        .append('\n')
        .append(new SvgCharts("data-wait fraction", "epoch", "waiting for batches ÷ step time").integerX()
            .yRange(0, Double.isFinite(top) ? top : 1)
            .line("data wait", wait[0], wait[1], SvgCharts.PALETTE.get(3), style(wait[0])).render(HALF, HEIGHT))
        .append("\n</div>\n");
    note(h, "Training steps only (validation excluded); after a resume, an epoch's numbers cover the part run "
        + "after it. A data wait near 0 means the loader keeps up with the model.");
  }

  private void horizon(StringBuilder h) {
    section(h, "horizon", "Test MAE per forecast step");
    List<Map<String, Object>> steps = new ArrayList<>();
    for (Object o : list(all().get("per_step"))) {
      steps.add(map(o));
    }
    if (steps.isEmpty()) {
      note(h, "No per-step scores (no test windows).");
      return;
    }
    String[] keys = {"mae", "mae_ridge", "mae_seasonal_naive", "mae_last_value"};
    String[] names = {"model", "ridge", "seasonal-naive", "last-value"};
    double[] x = new double[steps.size()];
    double[][] y = new double[keys.length][steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      x[i] = d(steps.get(i).get("step"));
      for (int k = 0; k < keys.length; k++) {
        y[k][i] = d(steps.get(i).get(keys[k]));
      }
    }
    SvgCharts chart = new SvgCharts("test MAE by step ahead", "step ahead", "MAE (original units)").integerX();
    h.append("<table class=\"steps\"><thead><tr>").append(th("step", true)).append(th("points", true));
    for (int k = 0; k < keys.length; k++) {
      if (k == 0 || steps.get(0).containsKey(keys[k])) {
        h.append(th(names[k], true));
        chart.line(names[k], x, y[k], SvgCharts.PALETTE.get(k), k == 0 ? SvgCharts.Style.MARKERS : SvgCharts.Style.DASHED,
            k == 0 ? 2.5 : 1.6);
      }
    }
    h.append("</tr></thead><tbody>\n");
    for (int i = 0; i < steps.size(); i++) {
      Map<String, Object> s = steps.get(i);
      double best = Double.POSITIVE_INFINITY;
      for (double[] row : y) {
        best = Double.isFinite(row[i]) ? Math.min(best, row[i]) : best;
      }
      h.append("<tr>").append(tdNum(s.get("step"))).append(tdNum(s.get("points")));
      for (int k = 0; k < keys.length; k++) {
        if (k == 0 || s.containsKey(keys[k])) {
          h.append(tdNum(s.get(keys[k]), y[k][i] == best));
        }
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n").append(chart.render(WIDE, HEIGHT)).append('\n');
  }

  private static SvgCharts.Style style(double[] x) {
    return x.length <= 60 ? SvgCharts.Style.MARKERS : SvgCharts.Style.SOLID;
  }

  static double[][] column(List<EpochMetrics> epochs, java.util.function.ToDoubleFunction<EpochMetrics> f) {
    double[][] xy = new double[2][epochs.size()];
    for (int i = 0; i < epochs.size(); i++) {
      xy[0][i] = epochs.get(i).epoch();
      xy[1][i] = f.applyAsDouble(epochs.get(i));
    }
    return xy;
  }

  private static double min(double[] a) {
    double m = Double.POSITIVE_INFINITY;
    for (double v : a) {
      m = Double.isFinite(v) ? Math.min(m, v) : m;
    }
    return m;
  }

  private static double max(double[] a) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : a) {
      m = Double.isFinite(v) ? Math.max(m, v) : m;
    }
    return m;
  }

  private static double nanMax(Object v) {
    double x = d(v);
    return Double.isFinite(x) ? x : Double.POSITIVE_INFINITY;
  }

  private static String plainNum(Object v) {
    return esc(num(Double.isFinite(d(v)) ? d(v) : null));
  }

  private static String pct(Object level) {
    double p = d(level) * 100;
    return p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }
}
