package dev.shardcast.training.report;

import static dev.shardcast.training.report.ReportPage.note;

import java.time.Instant;
import java.util.List;

/** The report's forecast-vs-actual section: one small chart per sampled test window. */
final class ForecastPlots {
  private ForecastPlots() {}

  static void section(StringBuilder h, List<ForecastSamples.Sample> samples) {
    ReportPage.section(h, "forecasts", "Forecast vs actual, a few test windows");
    if (samples == null || samples.isEmpty()) {
      note(h, "No test window to plot.");
      return;
    }
    h.append("<div class=\"charts\">\n");
    for (ForecastSamples.Sample s : samples) {
      h.append(chart(s)).append('\n');
    }
    h.append("</div>\n");
    note(h, "Original units, the very forecasts the test metrics scored. Each plot is one series' latest test "
        + "window; which series is fixed by a hash of its name, so the same data gives the same plots. "
        + "x: steps from the last past point. Actual values the gap policy filled are not drawn.");
  }

  /** Past, actual future, forecast (and the quantile band) of one window, on one step axis. */
  static String chart(ForecastSamples.Sample s) {
    int past = s.past().length;
    int future = s.truth().length;
    double[] xPast = new double[past];
    for (int i = 0; i < past; i++) {
      xPast[i] = i - past + 1;
    }
    double[] xFuture = new double[future];
    double[] actual = new double[future];
    for (int h = 0; h < future; h++) {
      xFuture[h] = s.lead() + h + 1;
      actual[h] = s.observed()[h] ? s.truth()[h] : Double.NaN;
    }
    SvgCharts c = new SvgCharts(s.series() + " · " + s.target(), "steps from the last past point · forecast from "
        + Instant.ofEpochMilli(s.forecastStartMillis()), s.target()).integerX();
    if (s.lower() != null) {
      c.band(s.bandLabel(), xFuture, s.lower(), s.upper(), SvgCharts.PALETTE.get(0));
    }
    c.line("past", xPast, s.past(), SvgCharts.GREY, SvgCharts.Style.SOLID, 1.6)
        .line("actual", xFuture, actual, SvgCharts.BLACK, SvgCharts.Style.MARKERS, 1.8)
        .line(s.lower() != null ? "forecast (median)" : "forecast", xFuture, s.forecast(), SvgCharts.PALETTE.get(0),
            SvgCharts.Style.MARKERS, 2.2)
        .vertical(s.lead() + 0.5, "forecast");
    return c.render(TrainingReport.HALF, TrainingReport.HEIGHT);
  }
}
