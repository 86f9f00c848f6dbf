package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unified: two sources with their own column names and units merged into one schema; rows keep their
 * source for lineage; a (series, day) both hold is settled by the declared policy; rows reconcile per
 * source. Source a_km records distance in km under {@code station/day/dist_km}; b_m in metres under
 * {@code id/date/meters}. They overlap on s1, days 8-10: day 8 and 10 agree (8 km = 8000 m), day 9
 * does not (9 km vs 9500 m). b_m also holds s2 alone, with one day twice (a duplicate within a source).
 */
class UnifiedSourcesTest {
  @TempDir Path tmp;

  Path write() throws Exception {
    List<String> a = new ArrayList<>(List.of("station,day,dist_km"));
    for (int d = 1; d <= 10; d++) {
      a.add("s1,2024-01-%02d,%d.0".formatted(d, d));
    }
    List<String> b = new ArrayList<>(List.of("id,date,meters"));
    int[] s1 = {8000, 9500, 10000, 11000, 12000};
    for (int i = 0; i < s1.length; i++) {
      b.add("s1,2024-01-%02d,%d".formatted(8 + i, s1[i]));
    }
    for (int d = 1; d <= 6; d++) {
      b.add("s2,2024-01-%02d,%d".formatted(d, 500 * d));
    }
    b.add("s2,2024-01-03,1600");
    Files.write(tmp.resolve("a.csv"), a);
    Files.write(tmp.resolve("b.csv"), b);
    return tmp;
  }

  JsonNode run(Path out, String unified) throws Exception {
    ItSupport.run(config(out, unified));
    return ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
  }

  JobConfig config(Path out, String unified, String... overrides) throws Exception {
    Path dir = write();
    String yaml = """
        name: unified
        input:
          sources:
            - {name: a_km, path: %s, columns: {series_id: station, date: day, dist: dist_km}}
            - {name: b_m, path: %s, columns: {series_id: id, dist: meters}, units: {dist: m}}
          format: csv
          series_key: [series_id]
          timestamp: {column: date, format: yyyy-MM-dd}
          frequency: 1d
          columns:
            - {name: dist, type: double, target: true}
        quality:
          columns:
            dist: {unit: km, min: 0}
          unified: %s
          thresholds: {max_quarantined_fraction: 0.5}
        windowing: {past: 2, future: 1}
        split: {train_end: "2024-01-05", val_end: "2024-01-09"}
        scaler: {type: none}
        shards: {batch_size: 4, output: %s}
        """.formatted(dir.resolve("a.csv"), dir.resolve("b.csv"), unified, out);
    return ConfigLoader.loadYaml(yaml, List.of(overrides));
  }

  @Test
  void predictReadsEverySourceWithItsNamesAndUnits() throws Exception {
    Path out = tmp.resolve("predict");
    JobConfig job = config(out, "{on_conflict: prefer, prefer: [b_m, a_km]}", "train.epochs=1",
        "train.model.type=linear", "train.device=cpu", "train.season=1");
    ItSupport.run(job);
    TrainJob.Outcome trained = TrainJob.run(job, false, null);
    Path forecasts = tmp.resolve("forecasts.csv");
    PredictJob.Outcome p = PredictJob.run(job, trained.modelDir(), forecasts);
    // s2 is only in b_m: read from the second source too, it gets its forecast
    assertEquals(2, p.series(), Files.readString(forecasts));
    assertTrue(Files.readAllLines(forecasts).stream().anyMatch(l -> l.startsWith("s2,")), Files.readString(forecasts));
    JsonNode report = ItSupport.JSON.readTree(tmp.resolve("forecasts.csv.quality-report.json").toFile());
    Map<String, long[]> s = sources(report);
    assertEquals(10L, s.get("a_km")[0]);
    assertEquals(12L, s.get("b_m")[0]);
    for (long[] r : s.values()) {
      assertEquals(r[0], r[1] + r[2], "read = used + quarantined per source");
    }
    assertEquals(22, report.path("rows").path("read").asLong());
  }

  static Map<String, long[]> sources(JsonNode report) {
    Map<String, long[]> out = new HashMap<>();
    report.path("sources").fields().forEachRemaining(e -> out.put(e.getKey(), new long[] {
        e.getValue().path("read").asLong(), e.getValue().path("used").asLong(), e.getValue().path("quarantined").asLong()}));
    return out;
  }

  static Map<String, Long> reasonsByOrigin(Path out) throws Exception {
    Map<String, Long> got = new HashMap<>();
    for (String line : Files.readAllLines(out.resolve("quarantine/rows.jsonl"))) {
      JsonNode r = ItSupport.JSON.readTree(line);
      got.merge(r.path("origin").asText() + " " + r.path("reason").asText() + " " + r.path("value").asText(), 1L, Long::sum);
      // The file's own row, in its own column names and units: b_m's metres, a_km's kilometres.
      JsonNode row = r.path("row");
      assertTrue(r.path("origin").asText().equals("b_m") ? row.has("meters") && row.has("id") : row.has("dist_km") && row.has("day"),
          row.toString());
    }
    return got;
  }

  /** Every past and future value of series s1 in the shards, as written (no scaler). */
  static Set<Double> s1Values(Path out) throws Exception {
    Set<Double> values = new HashSet<>();
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> files = ItSupport.allShardFiles(out);
      for (List<Object> r : duck.rows("SELECT unnest(past_dist) FROM " + ItSupport.parquetOf(files) + " WHERE series_key = 's1' "
          + "UNION ALL SELECT unnest(future_dist) FROM " + ItSupport.parquetOf(files) + " WHERE series_key = 's1'")) {
        values.add(((Number) r.get(0)).doubleValue());
      }
    }
    return values;
  }

  @Test
  void quarantinePolicyKeepsAgreeingRowsOnceAndRejectsConflicts() throws Exception {
    Path out = tmp.resolve("q");
    JsonNode report = run(out, "{on_conflict: quarantine}");
    assertEquals(Map.of(
        "b_m unified_redundant 2024-01-08T00:00:00Z", 1L,
        "b_m unified_redundant 2024-01-10T00:00:00Z", 1L,
        "a_km unified_conflict 2024-01-09T00:00:00Z", 1L,
        "b_m unified_conflict 2024-01-09T00:00:00Z", 1L,
        "b_m duplicate_timestamp 2024-01-03T00:00:00Z", 2L), reasonsByOrigin(out));
    Map<String, long[]> s = sources(report);
    assertEquals(List.of(10L, 9L, 1L), List.of(s.get("a_km")[0], s.get("a_km")[1], s.get("a_km")[2]));
    assertEquals(List.of(12L, 7L, 5L), List.of(s.get("b_m")[0], s.get("b_m")[1], s.get("b_m")[2]));
    for (long[] r : s.values()) {
      assertEquals(r[0], r[1] + r[2], "read = used + quarantined per source");
    }
    // b_m's metres arrive as km: 11000 m is 11 km; day 9 has no value (both copies rejected).
    Set<Double> values = s1Values(out);
    assertTrue(values.containsAll(Set.of(8.0, 11.0, 12.0)), values.toString());
    assertFalse(values.contains(9.0) || values.contains(9.5) || values.contains(9500.0), values.toString());
  }

  @Test
  void preferPolicyKeepsTheTrustedSourcesRow() throws Exception {
    Path out = tmp.resolve("p");
    JsonNode report = run(out, "{on_conflict: prefer, prefer: [b_m, a_km]}");
    assertEquals(Map.of(
        "a_km unified_redundant 2024-01-08T00:00:00Z", 1L,
        "a_km unified_redundant 2024-01-10T00:00:00Z", 1L,
        "a_km unified_conflict 2024-01-09T00:00:00Z", 1L,
        "b_m duplicate_timestamp 2024-01-03T00:00:00Z", 2L), reasonsByOrigin(out));
    Map<String, long[]> s = sources(report);
    assertEquals(List.of(10L, 7L, 3L), List.of(s.get("a_km")[0], s.get("a_km")[1], s.get("a_km")[2]));
    assertEquals(List.of(12L, 10L, 2L), List.of(s.get("b_m")[0], s.get("b_m")[1], s.get("b_m")[2]));
    Set<Double> values = s1Values(out);
    assertTrue(values.contains(9.5), "day 9 comes from b_m, converted: " + values);
    // Lineage: each window names the sources of its points. s2 only ever came from b_m; s1's windows
    // up to day 7 are a_km's alone, later ones mix both (days 8-10 are b_m's under this policy).
    Map<String, Set<String>> lineage = new HashMap<>();
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> files = ItSupport.allShardFiles(out);
      for (List<Object> r : duck.rows("SELECT series_key, strftime(window_start, '%d'), source FROM "
          + ItSupport.parquetOf(files))) {
        lineage.computeIfAbsent((String) r.get(0), k -> new HashSet<>()).add(r.get(1) + ":" + r.get(2));
      }
    }
    assertTrue(lineage.get("s2").stream().allMatch(x -> x.endsWith(":b_m")), lineage.toString());
    // past 2 + future 1: the window starting on day 5 spans days 5-7 (a_km), day 6 spans 6-8 (both).
    assertTrue(lineage.get("s1").contains("05:a_km"), lineage.toString());
    assertTrue(lineage.get("s1").contains("06:a_km+b_m"), lineage.toString());
    assertTrue(lineage.get("s1").contains("10:b_m"), lineage.toString());
    assertFalse(values.contains(9.0), values.toString());
    JsonNode rows = report.path("rows");
    assertEquals(22, rows.path("read").asLong());
    assertEquals(rows.path("read").asLong(), rows.path("used").asLong() + rows.path("quarantined").asLong());
  }

  @Test
  void irregularEventsFromTwoSourcesAreCountedPerSource() throws Exception {
    List<String> a = new ArrayList<>(List.of("station,day,dist_km"));
    for (int d = 1; d <= 10; d++) {
      a.add("s1,2024-01-%02d,%d.0".formatted(d, d));
    }
    List<String> b = new ArrayList<>(List.of("id,date,meters"));
    for (int d = 11; d <= 20; d++) {
      b.add("s1,2024-01-%02d,%d".formatted(d, 1000 * d));
    }
    Files.write(tmp.resolve("a.csv"), a);
    Files.write(tmp.resolve("b.csv"), b);
    Path out = tmp.resolve("out");
    String yaml = """
        name: unified_events
        input:
          sources:
            - {name: a_km, path: %s, columns: {series_id: station, date: day, dist: dist_km}}
            - {name: b_m, path: %s, columns: {series_id: id, dist: meters}, units: {dist: m}}
          format: csv
          series_key: [series_id]
          timestamp: {column: date, format: yyyy-MM-dd}
          frequency: none
          event_bucket: 365d
          columns:
            - {name: dist, type: double, target: true}
        quality:
          columns:
            dist: {unit: km, min: 0}
        windowing: {past: 2, future: 1}
        split: {train_end: "2024-01-08", val_end: "2024-01-15"}
        scaler: {type: none}
        shards: {batch_size: 4, output: %s}
        """.formatted(tmp.resolve("a.csv"), tmp.resolve("b.csv"), out);
    ItSupport.run(ConfigLoader.loadYaml(yaml, List.of()));
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    JsonNode s = report.path("sources");
    assertEquals(10, s.path("a_km").path("read").asLong(), report.toPrettyString());
    assertEquals(10, s.path("a_km").path("used").asLong(), "a_km used: " + s);
    assertEquals(10, s.path("b_m").path("used").asLong(), "b_m used: " + s);
    assertEquals(0, s.path("a_km").path("quarantined").asLong() + s.path("b_m").path("quarantined").asLong());
    // Lineage survives the ranking of events across files: the window over days 10-12 mixes both.
    Set<String> sources = new HashSet<>();
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> files = ItSupport.allShardFiles(out);
      for (List<Object> r : duck.rows("SELECT DISTINCT source FROM " + ItSupport.parquetOf(files))) {
        sources.add((String) r.get(0));
      }
    }
    assertEquals(Set.of("a_km", "a_km+b_m", "b_m"), sources);
  }

  /** The profile (statistics, drift baseline) counts rows later quarantined as duplicates/redundant copies. */
  @Test
  void columnStatisticsDescribeTheRowsUsed() throws Exception {
    JsonNode report = run(tmp.resolve("p"), "{on_conflict: prefer, prefer: [b_m, a_km]}");
    long used = report.path("rows").path("used").asLong();
    assertEquals(used, report.path("columns").path("dist").path("count").asLong(),
        "profile count vs rows used: " + report.path("columns").path("dist") + " rows " + report.path("rows"));
  }
}
