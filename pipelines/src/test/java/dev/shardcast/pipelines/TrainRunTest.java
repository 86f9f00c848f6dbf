package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command on the demo: prepare, train, evaluate, then predict. */
class TrainRunTest {

  private static JobConfig demo(Path out, String... extra) {
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    o.addAll(List.of(extra));
    return ConfigLoader.load(ItSupport.demoJob(), o);
  }

  @Test
  @Tag("slow")
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void demoModelBeatsSeasonalNaiveAndPredicts(@TempDir Path out) throws IOException {
    JobConfig job = demo(out);
    PrepareJob.run(job, List.of());
    TrainJob.Outcome o = TrainJob.run(job, false, null);

    // On the real shards the loss comes down: the best epoch's val loss below the first epoch's,
    // and the last epochs' train loss below the first epoch's.
    var epochs = o.result().epochs();
    assertTrue(o.result().bestValLoss() < epochs.get(0).valLoss(), "val loss never improved: " + epochs.get(0));
    assertTrue(epochs.get(epochs.size() - 1).trainLoss() < epochs.get(0).trainLoss(), "train loss did not decrease");
    JsonNode metrics = ItSupport.JSON.readTree(out.resolve("model").resolve(TrainJob.METRICS_FILE).toFile());
    JsonNode test = metrics.path("test").path("all");
    // Every observed point of every test window: the points ffill filled are scored by nobody.
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      String shards = ItSupport.parquetOf(ItSupport.shardFiles(out, "test"));
      long windows = duck.oneLong("SELECT count(*) FROM " + shards);
      long filled = duck.oneLong("SELECT coalesce(sum(len(list_filter(future_sales_filled, lambda x: x))), 0) FROM " + shards);
      assertTrue(filled > 0, "the demo's test targets include filled months");
      assertEquals(windows, metrics.path("test").path("windows").asLong());
      assertEquals(filled, test.path("points_excluded_filled").asLong());
      assertEquals(windows * 6 - filled, test.path("points").asLong(), "every observed test point");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    assertTrue(test.path("mase_seasonal_naive").asDouble() < 1.0, "MASE vs seasonal-naive " + test);
    assertTrue(test.path("mase_last_value").asDouble() < 1.0, "MASE vs last-value " + test);
    for (String f : List.of("model.json", "model.params", TrainJob.SCALER_FILE, TrainJob.METRICS_FILE)) {
      assertTrue(Files.isRegularFile(o.modelDir().resolve(f)), f + " in the model folder");
    }
    assertRunLog(o.runLog(), 1);

    // predict on the raw demo data: the latest 24 months of every city, 6 months ahead
    Path csv = out.resolve("predictions.csv");
    PredictJob.Outcome p = PredictJob.run(job, o.modelDir(), csv);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("series_key,step,timestamp,sales", lines.get(0));
    assertEquals(46 * 6, lines.size() - 1);
    assertEquals(46, p.series());
    Set<String> cities = new HashSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      cities.add(f[0]);
      double v = Double.parseDouble(f[3]);
      assertTrue(Double.isFinite(v) && v > -100, "forecast " + l);
      if (f[1].equals("1")) {
        assertEquals("2015-08-01T00:00:00Z", f[2], "the month after the data ends (2015-07)");
      }
    }
    assertEquals(46, cities.size());
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void smokeModeRunsTheWholeJobAndTheRunLogGrows(@TempDir Path out) throws IOException {
    JobConfig job = demo(out, "input.sample_series=2", "train.epochs=2");
    PrepareJob.run(job, List.of());
    TrainJob.Outcome first = TrainJob.run(job, false, null);
    assertEquals(2, first.result().epochs().size());
    assertRunLog(first.runLog(), 1);
    TrainJob.run(job, false, null);
    assertRunLog(first.runLog(), 2);

    // predict quarantines a bad row of the recent data and still forecasts the series it can
    Path recent = out.resolve("recent.csv");
    List<String> raw = Files.readAllLines(ItSupport.demoCsv());
    List<String> lines = new ArrayList<>(raw.subList(0, 1));
    lines.addAll(raw.subList(raw.size() - 30, raw.size())); // the last 30 months of the last city
    lines.add("Wichita Falls,2015-08-01,lots,1,1,1,1");
    // Rows the training rules reject (from the model's manifest), though this job file drops its rules:
    lines.add("Wichita Falls,2015-09-01,-5,1,1,1,1");   // sales.min
    lines.add("Atlantis,2015-08-01,10,1,1,1,1");         // series_id.reference: not a known city
    Files.write(recent, lines);
    JobConfig onRecent = demo(out, "input.sample_series=2", "train.epochs=2", "input.path=" + recent,
        "quality.columns={}");
    PredictJob.Outcome p = PredictJob.run(onRecent, first.modelDir(), out.resolve("p.csv"));
    assertEquals(3, p.quarantined());
    assertEquals(1, p.series());
    String q = Files.readString(out.resolve("p.csv.quarantine.jsonl"));
    assertTrue(q.contains("\"reason\":\"bad_number\""), q);
    assertTrue(q.contains("\"reason\":\"sales.min\""), q);
    assertTrue(q.contains("\"reason\":\"series_id.reference\""), q);
    // Training/serving skew: the input's profile against the training data's report.
    assertTrue(Files.isRegularFile(first.modelDir().resolve("quality-report.json")), "train keeps the data's report");
    assertEquals(first.modelDir().resolve("quality-report.json").toString(), p.quality().baseline());
    assertTrue(p.quality().drift().stream().anyMatch(d -> d.column().equals("sales") && d.psi() != null), p.quality().drift().toString());
    assertEquals(33, p.quality().rows().read());
    assertEquals(p.quality().rows().read(), p.quality().rows().used() + p.quality().rows().quarantined());
    assertTrue(Files.isRegularFile(out.resolve("p.csv.quality-report.html")));

    // the same forecasts as Parquet, read back by DuckDB
    Path parquet = out.resolve("p.parquet");
    PredictJob.run(onRecent, first.modelDir(), parquet);
    List<String> csvRows = Files.readAllLines(out.resolve("p.csv"));
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<List<Object>> rows = duck.rows("SELECT series_key, step, epoch_ms(timestamp), sales FROM read_parquet("
          + ItSupport.sqlPath(parquet) + ") ORDER BY step");
      assertEquals(csvRows.size() - 1, rows.size());
      for (int i = 0; i < rows.size(); i++) {
        String[] f = csvRows.get(i + 1).split(",");
        assertEquals(f[0], rows.get(i).get(0));
        assertEquals(Integer.parseInt(f[1]), ((Number) rows.get(i).get(1)).intValue());
        assertEquals(java.time.Instant.parse(f[2]).toEpochMilli(), ((Number) rows.get(i).get(2)).longValue());
        assertEquals(Double.parseDouble(f[3]), ((Number) rows.get(i).get(3)).doubleValue(), 1e-9);
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** The run log: valid JSON lines, appended to by each run, with the named events. */
  private static void assertRunLog(Path log, int runs) throws IOException {
    int starts = 0;
    int ends = 0;
    int epochs = 0;
    for (String line : Files.readAllLines(log)) {
      JsonNode e = ItSupport.JSON.readTree(line);
      switch (e.path("event").asText()) {
        case "run_start" -> starts++;
        case "run_end" -> {
          ends++;
          assertTrue(e.path("test").path("test").path("all").has("mase_seasonal_naive"), line);
        }
        case "epoch" -> epochs++;
        default -> { }
      }
    }
    assertEquals(runs, starts, "run_start events");
    assertEquals(runs, ends, "run_end events");
    assertTrue(epochs >= runs, "epoch events");
  }
}
