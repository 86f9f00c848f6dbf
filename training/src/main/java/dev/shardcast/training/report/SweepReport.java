package dev.shardcast.training.report;

import static dev.shardcast.training.report.ReportPage.note;
import static dev.shardcast.training.report.ReportPage.section;
import static dev.shardcast.training.report.ReportPage.td;
import static dev.shardcast.training.report.ReportPage.tdCode;
import static dev.shardcast.training.report.ReportPage.tdNum;
import static dev.shardcast.training.report.ReportPage.th;
import static dev.shardcast.transforms.quality.HtmlText.esc;
import static dev.shardcast.transforms.quality.HtmlText.href;

import dev.shardcast.training.train.EpochMetrics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code sweep/report.html}: the sweep's trials ranked as in its table (val MAE, never test), one
 * column per swept parameter, and the trials' val-loss curves overlaid. The page depends on the
 * trials alone (their state lines and run logs), so rerunning a finished sweep rewrites the same bytes.
 *
 * @param title the page heading (the job's name)
 * @param trials best first, unfinished last (the ranked table's order)
 */
public record SweepReport(String title, List<Trial> trials) {

  /**
   * @param rank 1 for the best; null for a trial that has not finished
   * @param params the swept parameters' values, by key
   * @param curve the trial's epochs, read back from its run log
   * @param report the trial's own report.html relative to this page, or null when it has none
   */
  public record Trial(Integer rank, String id, Map<String, String> params, Double valLoss, Double valMae,
      Double valMase, Double testMae, Double testMase, int epochs, List<EpochMetrics> curve, String report) {}

  public static final String FILE_NAME = "report.html";

  /** Trials drawn in colour and named in the legend; the rest are thin grey lines (named on hover). */
  static final int COLOURED = 8;

  public String render() {
    StringBuilder h = ReportPage.open("Sweep report — " + title);
    h.append("<h1>Sweep report: ").append(esc(title)).append("</h1>\n<p class=\"meta\">")
        .append(trials.size()).append(" trials, ").append(trials.stream().filter(t -> t.rank() != null).count())
        .append(" finished · ranked by val MAE in original units (the test split never chooses)</p>\n");
    table(h);
    curves(h);
    return ReportPage.close(h);
  }

  private void table(StringBuilder h) {
    section(h, "ranking", "Trials, best first");
    Set<String> keys = new LinkedHashSet<>();
    trials.forEach(t -> keys.addAll(t.params().keySet()));
    h.append("<div class=\"wide\"><table class=\"trials\"><thead><tr>").append(th("rank", true)).append(th("trial", false));
    keys.forEach(k -> h.append(th(k, false)));
    h.append(th("val loss", true)).append(th("val MAE", true)).append(th("val MASE", true)).append(th("test MAE", true))
        .append(th("test MASE", true)).append(th("epochs", true)).append("</tr></thead><tbody>\n");
    for (Trial t : trials) {
      h.append(t.rank() != null && t.rank() == 1 ? "<tr class=\"chosen\">" : "<tr>")
          .append(t.rank() == null ? td("—") : tdNum(t.rank()));
      h.append(t.report() == null ? tdCode(t.id())
          : "<td><a href=\"" + esc(href(t.report())) + "\"><code>" + esc(t.id()) + "</code></a></td>");
      keys.forEach(k -> h.append(tdCode(t.params().get(k))));
      if (t.rank() == null) {
        h.append("<td colspan=\"6\" class=\"note\">not finished (a rerun of the sweep trains it)</td></tr>\n");
        continue;
      }
      h.append(tdNum(t.valLoss())).append(tdNum(t.valMae(), t.rank() == 1)).append(tdNum(t.valMase()))
          .append(tdNum(t.testMae())).append(tdNum(t.testMase())).append(tdNum(t.epochs())).append("</tr>\n");
    }
    h.append("</tbody></table></div>\n");
    note(h, "val loss: the best epoch's, in the trial's own loss and scaled units (comparable only between trials "
        + "with the same train.loss); val MAE orders the table.");
  }

  private void curves(StringBuilder h) {
    section(h, "curves", "Val loss per epoch, every trial");
    SvgCharts chart = new SvgCharts("val loss per epoch (ranked trials in colour)", "epoch", "val loss (scaled units)")
        .integerX();
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    int drawn = 0;
    // grey lines first, so the ranked ones are drawn over them; those in rank order, as the legend lists them
    for (boolean coloured : new boolean[] {false, true}) {
      for (Trial t : trials) {
        boolean c = t.rank() != null && t.rank() <= COLOURED;
        if (c != coloured || t.curve() == null || t.curve().isEmpty()) {
          continue;
        }
        double[][] xy = TrainingReport.column(t.curve(), EpochMetrics::valLoss);
        String name = (t.rank() == null ? "unfinished " : "#" + t.rank() + " ") + t.id();
        if (c) {
          chart.line(name, xy[0], xy[1], SvgCharts.PALETTE.get(t.rank() - 1), xy[0].length <= 60
              ? SvgCharts.Style.MARKERS : SvgCharts.Style.SOLID, t.rank() == 1 ? 2.6 : 1.6);
        } else {
          chart.quietLine(name, xy[0], xy[1], SvgCharts.GREY, 1);
        }
        drawn++;
        for (double v : xy[1]) {
          lo = Double.isFinite(v) ? Math.min(lo, v) : lo;
          hi = Double.isFinite(v) ? Math.max(hi, v) : hi;
        }
      }
    }
    if (drawn == 0) {
      note(h, "No trial has a finished epoch yet.");
      return;
    }
    h.append(chart.logY(lo > 0 && hi / lo >= 10).render(TrainingReport.WIDE + 200, 380)).append('\n');
    note(h, "One line per trial from its run.jsonl (the current run's epochs). The legend lists the best "
        + COLOURED + " in rank order; hover a grey line for its trial.");
  }
}
