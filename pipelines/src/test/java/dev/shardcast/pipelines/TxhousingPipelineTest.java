package dev.shardcast.pipelines;

import static dev.shardcast.pipelines.ItSupport.SPLITS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo job (examples/txhousing) on the Direct runner, checked against an independent oracle. */
class TxhousingPipelineTest {
  private static final int BATCH = 64;

  private static Path out;
  private static JsonNode manifest;
  private static TxhousingOracle oracle;
  private static ItSupport.Duck duck;

  @BeforeAll
  static void runDemo() throws Exception {
    out = ItSupport.demoBaseline(); // the demo config, run once per test JVM
    manifest = ItSupport.manifest(out);
    oracle = new TxhousingOracle(ItSupport.demoCsv());
    duck = new ItSupport.Duck();
  }

  @AfterAll
  static void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  @Test
  void windowsPerSplitMatchTheIndependentCount() throws Exception {
    // Sanity of the oracle itself: every city, every month 2000-01 .. 2015-07.
    assertEquals(46, oracle.raw.size());
    assertEquals(46L * 187, oracle.dataRows);
    for (int s = 0; s < SPLITS.length; s++) {
      long expected = oracle.windows(s);
      assertTrue(expected > 0, "oracle finds no " + SPLITS[s] + " windows");
      assertEquals(expected, ItSupport.count(manifest, "windows_" + SPLITS[s]), "windows_" + SPLITS[s]);
      assertEquals(expected, manifest.path("splits").path(SPLITS[s]).path("windows").asLong(), SPLITS[s]);
      // The same windows, not just as many: (city, window_start) as DuckDB reads them.
      Set<String> got = new HashSet<>();
      for (List<Object> r : duck.rows("SELECT series_key, epoch_ms(window_start) FROM "
          + ItSupport.parquetOf(ItSupport.shardFiles(out, SPLITS[s])))) {
        assertTrue(got.add(r.get(0) + "|" + r.get(1)), "window written twice: " + r);
      }
      assertEquals(oracle.windowKeys(s), got, "windows of " + SPLITS[s]);
    }
    long straddling = oracle.windows(TxhousingOracle.STRADDLING);
    assertTrue(straddling > 0, "the demo's cut-offs fall inside forecasts: some windows straddle");
    assertEquals(straddling, ItSupport.count(manifest, "windows_straddling"));
  }

  /** No written forecast reaches past its split's cut-off: test targets never steer model selection. */
  @Test
  void noForecastCrossesACutoff() throws Exception {
    String[] inside = {
        "forecast_start + INTERVAL 5 MONTH < DATE '2013-01-01'",
        "forecast_start >= DATE '2013-01-01' AND forecast_start + INTERVAL 5 MONTH < DATE '2014-03-01'",
        "forecast_start >= DATE '2014-03-01'"};
    for (int s = 0; s < SPLITS.length; s++) {
      assertEquals(0L, duck.oneLong("SELECT count(*) FILTER (WHERE NOT (" + inside[s] + ")) FROM "
          + ItSupport.parquetOf(ItSupport.shardFiles(out, SPLITS[s]))), SPLITS[s]);
    }
  }

  @Test
  void rowCountsReconcile() {
    long read = ItSupport.count(manifest, "rows_read");
    assertEquals(oracle.dataRows, read);
    assertEquals(read, ItSupport.count(manifest, "rows_windowed") + ItSupport.count(manifest, "rows_unused")
        + ItSupport.count(manifest, "rows_quarantined"));
    assertEquals(oracle.rowsWindowed, ItSupport.count(manifest, "rows_windowed"));
    assertEquals(0, ItSupport.count(manifest, "rows_quarantined"));
    assertEquals(46, ItSupport.count(manifest, "series"));
    assertEquals(0, ItSupport.count(manifest, "short_series"));
  }

  @Test
  void everyShardHasTheDocumentedSchema() throws Exception {
    // The demo runs with the default layout, compact (docs/shard-format.md): one row per segment.
    assertEquals("compact", manifest.path("schema").path("layout").asText());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("series_key", "VARCHAR");
    expected.put("time", "TIMESTAMP[]");
    expected.put("window_offset", "INTEGER[]");
    for (String c : TxhousingOracle.COLUMNS) { // the inputs; the target, sales, is one of them
      expected.put("value_" + c, "FLOAT[]");
      expected.put("value_" + c + "_filled", "BOOLEAN[]");
    }
    int files = 0;
    for (String split : SPLITS) {
      for (Path f : ItSupport.shardFiles(out, split)) {
        files++;
        Map<String, String> got = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (List<Object> r : duck.rows("DESCRIBE SELECT * FROM read_parquet(" + ItSupport.sqlPath(f) + ")")) {
          String type = (String) r.get(1);
          got.put((String) r.get(0), type.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"));
          order.add((String) r.get(0));
        }
        assertEquals(expected, got, "schema of " + f);
        assertEquals(List.of(expected.keySet().toArray()), order, "column order of " + f);
      }
    }
    assertEquals(manifest.path("splits").path("train").path("shards").size()
        + manifest.path("splits").path("val").path("shards").size()
        + manifest.path("splits").path("test").path("shards").size(), files);

    // List lengths and the time columns, over all shards at once.
    List<Path> all = new ArrayList<>();
    for (String split : SPLITS) {
      all.addAll(ItSupport.shardFiles(out, split));
    }
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (String c : TxhousingOracle.COLUMNS) {
      sql.append(", count(*) FILTER (WHERE len(past_").append(c).append(") <> 24 OR len(past_").append(c)
          .append("_filled) <> 24 OR list_count(past_").append(c).append(") <> 24)");
    }
    sql.append(", count(*) FILTER (WHERE len(future_sales) <> 6 OR len(future_sales_filled) <> 6)");
    sql.append(", count(*) FILTER (WHERE forecast_start <> window_start + INTERVAL 24 MONTH)");
    sql.append(", count(*) FILTER (WHERE series_key IS NULL OR window_start IS NULL)");
    sql.append(" FROM ").append(ItSupport.parquetOf(all));
    List<Object> r = duck.rows(sql.toString()).get(0);
    assertEquals(oracle.written().size(), ((Number) r.get(0)).longValue());
    for (int i = 1; i < r.size(); i++) {
      assertEquals(0L, ((Number) r.get(i)).longValue(), "bad rows in check " + i + " of " + sql);
    }
  }

  @Test
  void shardsAreFullBatchesExceptTheLastAndMatchTheManifest() throws Exception {
    for (String split : SPLITS) {
      JsonNode s = manifest.path("splits").path(split);
      JsonNode listed = s.path("shards");
      List<Path> onDisk = ItSupport.shardFiles(out, split);
      assertEquals(listed.size(), onDisk.size(), split + ": files on disk vs manifest");
      assertEquals(listed.size(), s.path("shard_count").asInt());
      long expectedWindows = oracle.windows(List.of(SPLITS).indexOf(split));
      assertEquals((expectedWindows + BATCH - 1) / BATCH, onDisk.size(), split + ": number of batches");
      long sum = 0;
      for (int i = 0; i < onDisk.size(); i++) {
        Path f = onDisk.get(i);
        JsonNode entry = listed.get(i);
        assertEquals(String.format("%s/batch-%06d.parquet", split, i), entry.path("path").asText());
        assertEquals(out.resolve(entry.path("path").asText()), f);
        long rows = duck.oneLong("SELECT count(*) FROM " + ItSupport.parquetOf(List.of(f))); // windows
        assertEquals(rows, entry.path("rows").asLong(), f + " rows");
        assertEquals(Files.size(f), entry.path("bytes").asLong(), f + " bytes");
        assertEquals(ItSupport.sha256(f), entry.path("sha256").asText(), f + " sha256");
        boolean last = i == onDisk.size() - 1;
        if (!last) {
          assertEquals(BATCH, rows, f + " is not the last batch of " + split);
        } else {
          long expectedLast = expectedWindows % BATCH == 0 ? BATCH : expectedWindows % BATCH;
          assertEquals(expectedLast, rows, "last batch of " + split);
          assertEquals(rows < BATCH, s.path("last_shard_partial").asBoolean());
          assertEquals(rows, s.path("last_shard_rows").asLong());
        }
        sum += rows;
      }
      assertEquals(expectedWindows, sum, split);
      assertEquals(sum, s.path("windows").asLong());
    }
  }

  @Test
  void scalerIsFitOnTrainingRowsAndScaledTrainTargetsAreStandardish() throws Exception {
    // sample_size (20000) exceeds the training rows, so the sample is every row before train_end.
    for (int c = 0; c < TxhousingOracle.COLUMNS.length; c++) {
      List<Double> values = new ArrayList<>();
      final int col = c;
      for (Map<Integer, Double[]> rows : oracle.raw.values()) {
        rows.forEach((m, cells) -> {
          if (m < TxhousingOracle.TRAIN_END && cells[col] != null) {
            values.add(cells[col]);
          }
        });
      }
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
      JsonNode scale = manifest.path("scaler").path("global").path(TxhousingOracle.COLUMNS[c]);
      assertEquals(values.size(), scale.path("sampled").asLong(), TxhousingOracle.COLUMNS[c] + " sampled");
      assertEquals(mean, scale.path("center").asDouble(), 1e-9 * Math.abs(mean), TxhousingOracle.COLUMNS[c] + " center");
      assertEquals(Math.sqrt(var), scale.path("scale").asDouble(), 1e-9 * Math.sqrt(var), TxhousingOracle.COLUMNS[c] + " scale");
    }
    List<Object> stats = duck.rows("SELECT avg(v), stddev_pop(v), count(*) FROM (SELECT unnest(future_sales) AS v FROM "
        + ItSupport.parquetOf(ItSupport.shardFiles(out, "train")) + ")").get(0);
    double mean = ((Number) stats.get(0)).doubleValue();
    double std = ((Number) stats.get(1)).doubleValue();
    assertEquals(oracle.windows(0) * 6, ((Number) stats.get(2)).longValue());
    assertTrue(Math.abs(mean) < 0.3, "scaled train future_sales mean " + mean);
    assertTrue(std > 0.7 && std < 1.5, "scaled train future_sales std " + std);
  }

  /** Every value of the first batch of each split, unscaled with the manifest's params, is the CSV value. */
  @Test
  void shardValuesInvertToTheRawCsvValues() throws Exception {
    Map<String, double[]> params = new HashMap<>();
    for (String c : TxhousingOracle.COLUMNS) {
      JsonNode p = manifest.path("scaler").path("global").path(c);
      params.put(c, new double[] {p.path("center").asDouble(), p.path("scale").asDouble()});
    }
    int checkedFilled = 0;
    int checked = 0;
    for (String split : SPLITS) {
      Path first = ItSupport.shardFiles(out, split).get(0);
      StringBuilder cols = new StringBuilder("series_key, epoch_ms(window_start), epoch_ms(forecast_start)");
      for (String c : TxhousingOracle.COLUMNS) {
        cols.append(", past_").append(c).append(", past_").append(c).append("_filled");
      }
      cols.append(", future_sales, future_sales_filled");
      for (List<Object> r : duck.rows("SELECT " + cols + " FROM " + ItSupport.parquetOf(List.of(first)))) {
        String city = (String) r.get(0);
        int start = TxhousingOracle.monthOfMillis(((Number) r.get(1)).longValue());
        assertEquals(start + 24, TxhousingOracle.monthOfMillis(((Number) r.get(2)).longValue()));
        for (int c = 0; c < TxhousingOracle.COLUMNS.length; c++) {
          double[] v = ItSupport.floats(r.get(3 + 2 * c));
          boolean[] f = ItSupport.bools(r.get(4 + 2 * c));
          for (int t = 0; t < 24; t++) {
            checkedFilled += checkPoint(params, city, c, start + t, v[t], f[t]) ? 1 : 0;
            checked++;
          }
        }
        double[] fut = ItSupport.floats(r.get(3 + 2 * TxhousingOracle.COLUMNS.length));
        boolean[] futFilled = ItSupport.bools(r.get(4 + 2 * TxhousingOracle.COLUMNS.length));
        for (int t = 0; t < 6; t++) {
          checkedFilled += checkPoint(params, city, 0, start + 24 + t, fut[t], futFilled[t]) ? 1 : 0;
          checked++;
        }
      }
    }
    assertTrue(checked > 3 * 63 * 126, "checked " + checked + " points");
    assertTrue(checkedFilled > 0, "no filled point in the first batches; the fill check saw nothing");
  }

  /** Filled-point masks over all shards: as many true flags per column as the oracle fills. */
  @Test
  void fillMasksCountTheFilledPoints() throws Exception {
    List<Path> all = new ArrayList<>();
    for (String split : SPLITS) {
      all.addAll(ItSupport.shardFiles(out, split));
    }
    long total = 0;
    for (int c = 0; c < TxhousingOracle.COLUMNS.length; c++) {
      long expected = 0;
      for (TxhousingOracle.Window w : oracle.written()) {
        for (int m = w.start(); m < w.start() + 24; m++) {
          expected += oracle.wasFilled(w.city(), c, m) ? 1 : 0;
        }
      }
      String name = "past_" + TxhousingOracle.COLUMNS[c] + "_filled";
      long got = duck.oneLong("SELECT coalesce(sum(len(list_filter(" + name + ", lambda x: x))), 0) FROM "
          + ItSupport.parquetOf(all));
      assertEquals(expected, got, name);
      total += expected;
    }
    long expectedFuture = 0;
    for (TxhousingOracle.Window w : oracle.written()) {
      for (int m = w.start() + 24; m < w.start() + 30; m++) {
        expectedFuture += oracle.wasFilled(w.city(), 0, m) ? 1 : 0;
      }
    }
    assertEquals(expectedFuture, duck.oneLong("SELECT coalesce(sum(len(list_filter(future_sales_filled, lambda x: x))), 0) FROM "
        + ItSupport.parquetOf(all)));
    assertTrue(total > 0, "the demo data should need some filling");
  }

  /** @return whether the point was a filled one */
  private static boolean checkPoint(Map<String, double[]> params, String city, int column, int month, double scaled,
      boolean filledFlag) {
    String name = TxhousingOracle.COLUMNS[column];
    Double expected = oracle.value(city, column, month);
    assertNotNull(expected, city + " " + name + " month " + month + " is in a window but missing");
    double[] p = params.get(name);
    double got = scaled * p[1] + p[0];
    double tol = 1e-3 * Math.max(Math.abs(expected), 1.0);
    assertEquals(expected, got, tol, city + " " + name + " month " + month);
    boolean wasFilled = oracle.wasFilled(city, column, month);
    assertEquals(wasFilled, filledFlag, city + " " + name + " month " + month + " filled flag");
    return wasFilled;
  }

  @Test
  void outputFolderHoldsExactlyWhatTheManifestAndDocsName() throws Exception {
    // one copy of the quarantine by default: rows.parquet only with quality.quarantine_parquet
    List<String> expected = new ArrayList<>(List.of("job.resolved.yaml", "manifest.json", "quarantine/rows.jsonl",
        "quality-report.json", "quality-report.html", "quality/baseline-report.json"));
    for (String split : SPLITS) {
      for (JsonNode s : manifest.path("splits").path(split).path("shards")) {
        expected.add(s.path("path").asText());
      }
    }
    expected.sort(null);
    assertEquals(expected, ItSupport.allFiles(out));
    assertEquals(0, Files.size(out.resolve("quarantine/rows.jsonl")));
    assertFalse(manifest.path("started_at").asText().isEmpty());
  }

  /**
   * predict and prepare share one windowing core: cut the demo CSV right after a shard window's last
   * past month, and predict's latest window for that city is that window, value for value.
   */
  @Test
  void predictsLatestWindowIsPreparesWindow() throws Exception {
    dev.shardcast.transforms.config.JobConfig job = dev.shardcast.transforms.config.ConfigLoader.load(
        ItSupport.demoJob(), List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out, "scaler.scope=global",
            "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    dev.shardcast.transforms.config.JobPlan plan = new dev.shardcast.transforms.config.JobPlan(job);
    dev.shardcast.transforms.shard.ShardManifest m =
        dev.shardcast.transforms.shard.ShardManifest.fromJson(Files.readAllBytes(out.resolve("manifest.json")));
    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    StringBuilder past = new StringBuilder();
    for (String c : TxhousingOracle.COLUMNS) {
      past.append(", past_").append(c);
    }
    List<List<Object>> windows = duck.rows("SELECT series_key, epoch_ms(window_start)" + past + " FROM "
        + ItSupport.parquetOf(ItSupport.shardFiles(out, "test")) + " ORDER BY series_key, window_start LIMIT 40");
    int checked = 0;
    for (int i = 0; i < windows.size(); i += 7) {
      List<Object> w = windows.get(i);
      String city = (String) w.get(0);
      int lastMonth = TxhousingOracle.monthOfMillis(((Number) w.get(1)).longValue()) + TxhousingOracle.PAST - 1;
      StringBuilder csv = new StringBuilder(lines.get(0)).append('\n');
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        if (f[0].equals(city) && TxhousingOracle.month(f[1]) <= lastMonth) {
          csv.append(line).append('\n');
        }
      }
      dev.shardcast.training.predict.LatestWindows latest = new dev.shardcast.training.predict.LatestWindows(plan, null);
      latest.source("cut.csv", plan.sources().get(0).name());
      dev.shardcast.transforms.quality.RowChecks checks = new dev.shardcast.transforms.quality.RowChecks(plan,
          dev.shardcast.transforms.quality.RuleSet.compile(plan), plan.sources().get(0));
      dev.shardcast.transforms.read.CsvSource.read(plan, plan.sources().get(0), checks, "cut.csv",
          new java.io.BufferedReader(new java.io.StringReader(csv.toString())), latest);
      List<dev.shardcast.training.predict.LatestWindows.Window> got = new ArrayList<>();
      latest.build(new dev.shardcast.training.eval.ScaleLookup(m), got, new ArrayList<>());
      assertEquals(1, got.size(), city);
      float[] x = got.get(0).past();
      for (int c = 0; c < TxhousingOracle.COLUMNS.length; c++) {
        double[] want = ItSupport.floats(w.get(2 + c));
        for (int t = 0; t < TxhousingOracle.PAST; t++) {
          assertEquals((float) want[t], x[c * TxhousingOracle.PAST + t], 0f, city + " " + TxhousingOracle.COLUMNS[c] + " t=" + t);
        }
      }
      checked++;
    }
    assertTrue(checked >= 5, "windows compared: " + checked);
  }
}
