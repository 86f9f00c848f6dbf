package dev.shardcast.training.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The training report from hand-made inputs: sections, chart geometry, escaping, determinism. */
class TrainingReportTest {
  private static final Pattern SVG = Pattern.compile("<svg class=\"chart\"[^>]*aria-label=\"([^\"]*)\".*?</svg>",
      Pattern.DOTALL);
  private static final Pattern POLYLINE = Pattern.compile("<polyline class=\"series\" data-series=\"([^\"]*)\" "
      + "points=\"([^\"]*)\"");

  /** The charts of a page by their aria-label (title). */
  static List<String[]> charts(String html) {
    List<String[]> out = new ArrayList<>();
    Matcher m = SVG.matcher(html);
    while (m.find()) {
      out.add(new String[] {m.group(1), m.group()});
    }
    return out;
  }

  static String chart(String html, String titleStart) {
    return charts(html).stream().filter(c -> c[0].startsWith(titleStart)).map(c -> c[1]).findFirst()
        .orElseThrow(() -> new AssertionError("no chart titled " + titleStart));
  }

  /** Points of each polyline of the named series in a chart (a line broken at NaN has several). */
  static List<Integer> points(String svg, String series) {
    List<Integer> out = new ArrayList<>();
    Matcher m = POLYLINE.matcher(svg);
    while (m.find()) {
      if (m.group(1).equals(series)) {
        out.add(m.group(2).split(" ").length);
      }
    }
    return out;
  }

  @Test
  void everySectionWithItsCharts() {
    String html = SampleReports.report(true).render();
    for (String id : List.of("summary", "choice", "loss", "throughput", "horizon", "forecasts")) {
      assertTrue(html.contains("<h2 id=\"" + id + "\">"), "section " + id);
    }
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertFalse(html.contains("<script"), "no script");
    String rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(rest.contains("http:") || rest.contains("https:") || rest.contains(" src="), "no external resource");
    // loss: train and val, one point per epoch
    String loss = chart(html, "train and val loss");
    assertEquals(List.of(SampleReports.EPOCHS), points(loss, "train"));
    assertEquals(List.of(SampleReports.EPOCHS), points(loss, "val"));
    assertTrue(loss.contains("best epoch 4") && loss.contains("starting point (val)"), loss);
    assertEquals(List.of(SampleReports.EPOCHS), points(chart(html, "training throughput"), "windows/s"));
    assertEquals(List.of(SampleReports.EPOCHS), points(chart(html, "data-wait fraction"), "data wait"));
    // per step: the model and three baselines, 3 steps each
    String steps = chart(html, "test MAE by step ahead");
    for (String s : List.of("model", "ridge", "seasonal-naive", "last-value")) {
      assertEquals(List.of(SampleReports.FUTURE), points(steps, s), s);
    }
    // auto: one val curve per candidate
    String candidates = chart(html, "val loss per epoch, every candidate");
    for (String c : List.of("linear", "mlp", "lstm")) {
      assertEquals(List.of(SampleReports.EPOCHS), points(candidates, c), c);
    }
    assertTrue(html.contains("<tr class=\"chosen\"><td>linear (chosen)</td>"), "the chosen row is marked");
    assertTrue(html.contains("href=\"candidates/mlp/report.html\""));
  }

  @Test
  void forecastPlotsBreakTheActualLineAtFilledPoints() {
    String html = SampleReports.report(false).render();
    List<String[]> plots = charts(html).stream().filter(c -> c[0].endsWith(" · sales")).toList();
    assertEquals(SampleReports.SAMPLES, plots.size());
    for (String[] p : plots) {
      assertEquals(List.of(SampleReports.PAST), points(p[1], "past"));
      assertEquals(List.of(SampleReports.FUTURE), points(p[1], "forecast (median)"));
      // the middle truth was filled: no line through it, two lone points drawn as markers
      assertEquals(List.of(), points(p[1], "actual"));
      assertEquals(2, count(p[1], "<title>actual @ "));
      assertEquals(1, count(p[1], "<polygon class=\"band\""), "the p10–p90 band");
      assertTrue(p[1].contains("p10–p90"));
      assertTrue(p[1].contains("forecast from 2014-0"), "the window's forecast start");
    }
    assertFalse(html.contains("id=\"choice\""), "no choice section without auto");
  }

  @Test
  void everyTextIsEscaped() {
    String html = SampleReports.report(true).render();
    assertFalse(html.contains(SampleReports.EVIL));
    assertFalse(html.contains("<script"));
    String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";
    assertTrue(html.contains("<title>Training report — demo " + escaped + "</title>"), "page title");
    assertTrue(html.contains("out/" + escaped), "a fact");
    assertTrue(html.contains(escaped + " · sales\">"), "a sampled series' name in a chart's label");
    assertTrue(html.contains("<title>city-"), "and in its title's tooltip");
  }

  @Test
  void numbersCarryTheirExactValue() {
    String html = SampleReports.report(false).render();
    assertTrue(html.contains("<td class=\"n best\" title=\"40.0812\">40.08</td>"), "model MAE, the lowest");
    assertTrue(html.contains("<td class=\"n\" title=\"0.724\">0.724</td>"), "model ÷ ridge");
    assertTrue(html.contains("<td class=\"n\" title=\"0.9536\">0.9536</td>"), "MASE vs seasonal-naive");
    // per step: step 3's lowest is the seasonal-naive (49.0 < 49.5)
    assertTrue(html.contains("<td class=\"n best\" title=\"49.0\">49</td>"), "per-step best marked");
  }

  @Test
  void sameInputsSameBytesWhateverTheOrderWindowsCameIn() {
    TrainingReport a = SampleReports.report(true);
    TrainingReport b = new TrainingReport(a.title(), a.facts(), a.lossName(), a.epochs(), a.bestEpoch(),
        a.startingPoint(), a.test(), a.targets(), SampleReports.samples(true).samples(), a.choice());
    assertEquals(a.render(), b.render());
  }

  @Test
  void samplesKeepTheLatestWindowOfAFixedFewSeries() {
    List<ForecastSamples.Sample> s = SampleReports.samples(false).samples();
    assertEquals(SampleReports.SAMPLES, s.size());
    List<String> names = s.stream().map(ForecastSamples.Sample::series).toList();
    assertEquals(names, SampleReports.samples(true).samples().stream().map(ForecastSamples.Sample::series).toList());
    assertEquals(names.stream().sorted().toList(), names, "listed by name");
    long latest = 1_393_632_000_000L + 2 * 2_678_400_000L;
    s.forEach(x -> assertEquals(latest, x.forecastStartMillis(), x.series()));
    assertNotNull(s.get(0).lower());
    assertEquals(110, s.get(0).lower()[0]);
    assertEquals(132, s.get(0).upper()[2]);
  }

  @Test
  void severalTargetsGetATableEach() {
    TrainingReport a = SampleReports.report(false);
    java.util.Map<String, Object> test = new java.util.LinkedHashMap<>(a.test());
    java.util.Map<String, Object> volume = new java.util.LinkedHashMap<>(SampleReports.test());
    volume.put("mae", 7.5);
    test.put("volume", volume);
    String html = new TrainingReport(a.title(), a.facts(), a.lossName(), a.epochs(), a.bestEpoch(), a.startingPoint(),
        test, List.of("sales", "volume"), a.samples(), null).render();
    assertTrue(html.contains("<tr><td>volume</td><td class=\"n\" title=\"7.5\">7.5</td>"), "volume's own MAE");
    assertTrue(html.contains("<tr><td>sales</td><td class=\"n\" title=\"40.0812\">40.08</td>"));
    assertFalse(SampleReports.report(false).render().contains("<table class=\"targets\">"), "not for one target");
  }

  @Test
  void aRunWithoutEpochsOrTestWindowsStillRenders() {
    TrainingReport r = new TrainingReport("empty", List.of(), "MSE loss (scaled units)", List.of(), -1, null,
        java.util.Map.of("windows", 0L, "all", java.util.Map.of()), List.of("y"), List.of(), null);
    String html = r.render();
    assertTrue(html.contains("No epoch to show: none finished"));
    assertTrue(html.contains("No test score"));
    assertTrue(html.contains("No test window to plot."));
    assertEquals(0, count(html, "<svg"));
  }

  @Test
  void nanBreaksALineAndTicksAreRound() {
    String svg = new SvgCharts("t", "x", "y").integerX()
        .line("a", new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, Double.NaN, 4, 5}, "#000", SvgCharts.Style.SOLID)
        .render(400, 200);
    assertEquals(List.of(2, 2), points(svg, "a"));
    assertFalse(svg.contains("NaN"));
    assertEquals(List.of(0.0, 0.5, 1.0, 1.5, 2.0), ChartTicks.linear(0, 2, 4, false));
    assertEquals(List.of(1.0, 2.0, 3.0), ChartTicks.linear(1, 3, 8, true), "whole epochs only");
    assertTrue(new SvgCharts("t", "x", "y").line("a", new double[] {0}, new double[] {Double.NaN}, "#000",
        SvgCharts.Style.SOLID).render(400, 200).contains("no values to plot"));
  }

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
