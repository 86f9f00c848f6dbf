package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** report.html of a real train (and of auto, and of a sweep) on the demo, its numbers against metrics.json. */
class TrainingReportRunTest {
  private static final Pattern ROW = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td[^>]*?(?: title=\"([^\"]*)\")?>(.*?)</td>", Pattern.DOTALL);

  private static JobConfig demo(Path out, String... extra) {
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    o.addAll(List.of(extra));
    return ConfigLoader.load(ItSupport.demoJob(), o);
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void reportOfATrainShowsItsMetrics(@TempDir Path out) throws IOException {
    JobConfig job = demo(out, "input.sample_series=5", "train.epochs=3", "train.model.type=mlp");
    PrepareJob.run(job, List.of());
    TrainJob.Outcome o = TrainJob.run(job, false, null);
    Path file = out.resolve("model/report.html");
    assertTrue(Files.isRegularFile(file), "report.html beside metrics.json");
    assertTrue(TrainCommand.summary(o).contains("  report   " + file), TrainCommand.summary(o));
    String html = Files.readString(file);
    JsonNode all = ItSupport.JSON.readTree(out.resolve("model/metrics.json").toFile()).path("test").path("all");

    // the summary's table: every MAE, RMSE and ratio exactly as metrics.json has it
    List<List<String[]>> rows = rows(table(html, "baselines"));
    assertEquals(List.of("model", "ridge", "seasonal-naive (season 12)", "last-value"), rows.stream()
        .map(r -> r.get(0)[1]).toList());
    assertValue(all, "mae", rows.get(0).get(1));
    assertValue(all, "rmse", rows.get(0).get(2));
    assertValue(all, "mae_ridge", rows.get(1).get(1));
    assertValue(all, "rmse_ridge", rows.get(1).get(2));
    assertValue(all, "mae_ratio_to_ridge", rows.get(1).get(3));
    assertValue(all, "mae_seasonal_naive", rows.get(2).get(1));
    assertValue(all, "mase_seasonal_naive", rows.get(2).get(3));
    assertValue(all, "mae_last_value", rows.get(3).get(1));
    assertValue(all, "mase_last_value", rows.get(3).get(3));
    // per step: the model and every baseline, for each of the 6 steps
    List<List<String[]>> steps = rows(table(html, "steps"));
    assertEquals(6, steps.size());
    for (int h = 0; h < 6; h++) {
      JsonNode s = all.path("per_step").get(h);
      assertEquals(Integer.toString(h + 1), steps.get(h).get(0)[1]);
      assertEquals(s.path("points").asText(), steps.get(h).get(1)[1]);
      assertValue(s, "mae", steps.get(h).get(2));
      assertValue(s, "mae_ridge", steps.get(h).get(3));
      assertValue(s, "mae_seasonal_naive", steps.get(h).get(4));
      assertValue(s, "mae_last_value", steps.get(h).get(5));
    }
    // loss curves: one point per epoch; 4 forecast plots of 24 past and 6 forecast points each
    int epochs = o.result().epochs().size();
    assertEquals(3, epochs);
    assertEquals(List.of(epochs, epochs), pointCounts(html, "train", "val"));
    assertEquals(4, count(html, "steps from the last past point · forecast from 201"), "forecast plots");
    assertEquals(List.of(24, 24, 24, 24), pointCounts(html, "past"));
    assertEquals(List.of(6, 6, 6, 6), pointCounts(html, "forecast"));
    assertFalse(html.contains("<script") || html.contains("NaN"), "no script, no NaN coordinate");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void autoReportShowsEveryCandidateAndTheChoice(@TempDir Path out) throws IOException {
    JobConfig job = demo(out, "input.sample_series=2", "train.epochs=2", "train.model.type=auto");
    PrepareJob.run(job, List.of());
    TrainJob.run(job, false, null);
    String html = Files.readString(out.resolve("model/report.html"));
    JsonNode choice = ItSupport.JSON.readTree(out.resolve("model/metrics.json").toFile()).path("model_choice");
    assertTrue(html.contains(escape(choice.path("explanation").asText())), "the choice line");
    List<List<String[]>> rows = rows(table(html, "candidates"));
    assertEquals(4, rows.size()); // linear, mlp, lstm and their ensemble
    for (int i = 0; i < 4; i++) {
      JsonNode c = choice.path("candidates").get(i);
      String type = c.path("type").asText();
      assertTrue(rows.get(i).get(0)[1].startsWith(type), rows.get(i).get(0)[1]);
      assertValue(c, "val_mae", rows.get(i).get(1));
      assertTrue(Files.isRegularFile(out.resolve("model/candidates").resolve(type).resolve("report.html")), type);
      assertTrue(html.contains("href=\"candidates/" + type + "/report.html\""), type);
      if (type.equals("ensemble")) { // no training of its own: no curve; its page says what it is
        assertTrue(c.path("epochs").isNull(), c.toString());
        assertTrue(Files.readString(out.resolve("model/candidates/ensemble/report.html"))
            .contains("none of its own: the mean of the forecasts of [linear, mlp, lstm]"));
      } else {
        assertEquals(List.of(c.path("epochs").asInt()), pointCounts(html, type), "val curve of " + type);
      }
    }
    assertTrue(html.contains("<tr class=\"chosen\"><td>" + choice.path("chosen").asText() + " (chosen)</td>"));
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void quantileReportShowsTheBandAndCoverage(@TempDir Path out) throws IOException {
    JobConfig job = demo(out, "input.sample_series=4", "train.epochs=2", "train.model.type=linear",
        "train.loss=quantile");
    PrepareJob.run(job, List.of());
    TrainJob.run(job, false, null);
    String html = Files.readString(out.resolve("model/report.html"));
    JsonNode q = ItSupport.JSON.readTree(out.resolve("model/metrics.json").toFile()).path("test").path("all")
        .path("quantile");
    List<List<String[]>> rows = rows(table(html, "quantiles"));
    assertEquals(q.path("intervals").size(), rows.size());
    assertEquals("p10–p90", rows.get(0).get(0)[1]);
    assertValue(q.path("intervals").get(0), "coverage", rows.get(0).get(2));
    assertEquals(4, count(html, "<polygon class=\"band\""), "a p10–p90 band in each forecast plot");
    assertEquals(List.of(6, 6, 6, 6), pointCounts(html, "forecast (median)"));
  }

  @Test
  void sweepWritesAComparisonPage(@TempDir Path out) throws Exception {
    CliRun run = CliRun.of(Duration.ofMinutes(4), "sweep", ItSupport.demoJob().toString(), "--sample", "2",
        "--set", "input.path=" + ItSupport.demoCsv(), "--set", "shards.output=" + out,
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "--set", "train.epochs=2", "--grid", "train.optimizer.learning_rate=1e-3,1e-2");
    assertEquals(0, run.code(), run.all());
    Path file = out.resolve("sweep/report.html");
    assertTrue(run.out().contains("report " + file), run.out());
    String html = Files.readString(file);
    assertTrue(html.contains("<th>train.optimizer.learning_rate</th>"));
    List<List<String[]>> rows = rows(table(html, "trials"));
    assertEquals(2, rows.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(Integer.toString(i + 1), rows.get(i).get(0)[1]);
      String id = rows.get(i).get(1)[1].replaceAll("<[^>]+>", "");
      JsonNode val = ItSupport.JSON.readTree(out.resolve("sweep").resolve(id).resolve("metrics.json").toFile())
          .path("val").path("all");
      assertValue(val, "mae", rows.get(i).get(4));
      assertTrue(html.contains("href=\"" + id + "/report.html\""), "link to the trial's own report");
      assertEquals(List.of(2), pointCounts(html, "#" + (i + 1) + " " + id), "val curve of " + id);
    }
  }

  /** A cell's exact value (its title) equals the metric. */
  private static void assertValue(JsonNode metrics, String key, String[] cell) {
    assertTrue(metrics.path(key).isNumber(), key + " in " + metrics);
    assertEquals(metrics.path(key).asDouble(), Double.parseDouble(cell[0]), key);
  }

  private static String table(String html, String cls) {
    int start = html.indexOf("<table class=\"" + cls + "\">");
    assertTrue(start >= 0, "no table " + cls);
    return html.substring(html.indexOf("<tbody>", start), html.indexOf("</table>", start));
  }

  /** Each body row's cells as {title, text}. */
  private static List<List<String[]>> rows(String tbody) {
    List<List<String[]>> out = new ArrayList<>();
    Matcher r = ROW.matcher(tbody);
    while (r.find()) {
      List<String[]> cells = new ArrayList<>();
      Matcher c = CELL.matcher(r.group(1));
      while (c.find()) {
        cells.add(new String[] {c.group(1), c.group(2)});
      }
      out.add(cells);
    }
    return out;
  }

  private static List<Integer> pointCounts(String html, String... series) {
    List<Integer> out = new ArrayList<>();
    for (String s : series) {
      Matcher m = Pattern.compile("data-series=\"" + Pattern.quote(escape(s)) + "\" points=\"([^\"]*)\"").matcher(html);
      while (m.find()) {
        out.add(m.group(1).split(" ").length);
      }
    }
    return out;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
