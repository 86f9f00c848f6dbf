package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VACUUM checks on real dirty data: NOAA best-track storms (dplyr's {@code storms}), 11,859 rows,
 * 6-hourly with 331 fixes off the grid (landfalls), 19 conflicting duplicate timestamps, unnamed
 * systems ("AL011993-1993") and thousands of empty diameter cells.
 *
 * <p>Expected counts were derived independently of shardcast, with a short Python script over the CSV
 * that applies the same rule order (grid first, then the column rules in the order written, first
 * error rule wins; duplicates among the rows left): off grid 331; of the other 11,528 rows the regex
 * fails 329 (unnamed systems), pressure < 900 hPa fails 9 (all error → quarantined), wind > 150 kn
 * flags 9 (warn), an empty tropical-storm diameter flags 6,317 (warn); 36 of the 11,190 rows left share
 * a (storm, timestamp) with another.
 */
class StormsQualityTest {
  static final long ROWS = 11_859;
  static final Map<String, Long> QUARANTINED = Map.of(
      "off_frequency", 331L, "storm_id.regex", 329L, "pressure.min", 9L, "duplicate_timestamp", 36L);

  @TempDir static Path tmp;
  static Path out;
  static Path csv;
  static JsonNode report;
  static ItSupport.Duck duck;

  static String job(Path csv, Path out) {
    return """
        name: storms
        input:
          path: %s
          format: csv
          series_key: [storm_id]
          timestamp: {column: ts, format: iso}
          frequency: 6h
          columns:
            - {name: wind, type: double, target: true}
            - {name: pressure, type: double}
            - {name: lat, type: double}
            - {name: long, type: double}
        quality:
          columns:
            storm_id:
              regex: "[A-Z][a-z]+-[0-9]{4}"
            status:
              allowed: [hurricane, tropical storm, tropical depression]
              max_length: 19
            category: {type: long, min: -1, max: 5}
            wind:
              min: 0
              max: {value: 150, severity: warn}
              scale_check: {max_orders: 2, severity: warn}
            pressure: {min: 900, max: 1100}
            tropicalstorm_force_diameter:
              nullable: {value: false, severity: warn}
        windowing: {past: 4, future: 2}
        split: {train_end: "2010-01-01", val_end: "2015-01-01"}
        shards: {batch_size: 128, output: %s}
        """.formatted(csv, out);
  }

  static Path stormsCsv(Path dir) throws Exception {
    Path copy = dir.resolve("storms.csv");
    Files.copy(ItSupport.repoRoot().resolve("transforms/src/test/resources/data/storms.csv"), copy);
    return copy;
  }

  @BeforeAll
  static void prepare() throws Exception {
    csv = stormsCsv(tmp);
    out = tmp.resolve("out");
    // the Parquet copy of the quarantine is written only when asked (quarantine_parquet)
    ItSupport.run(ConfigLoader.loadYaml(job(csv, out), List.of("quality.quarantine_parquet=true")));
    report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    duck = new ItSupport.Duck();
  }

  @AfterAll
  static void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  @Test
  void quarantineHoldsExactlyTheRowsThatFailedErrorRules() {
    Map<String, Long> byReason = new HashMap<>();
    report.path("quarantine").path("by_reason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
    assertEquals(QUARANTINED, byReason);
    assertEquals(705, report.path("quarantine").path("rows").asLong());
  }

  @Test
  void everyRuleHasItsExactCheckedAndFailedCounts() {
    Map<String, long[]> expected = new HashMap<>();
    long checked = 11_528;
    expected.put("storm_id.regex", new long[] {checked, 329});
    expected.put("status.allowed", new long[] {checked, 0});
    expected.put("status.max_length", new long[] {checked, 0});
    expected.put("category.type", new long[] {checked, 0});
    expected.put("category.min", new long[] {checked, 0});
    expected.put("category.max", new long[] {checked, 0});
    expected.put("wind.min", new long[] {checked, 0});
    expected.put("wind.max", new long[] {checked, 9});
    expected.put("pressure.min", new long[] {checked, 9});
    expected.put("pressure.max", new long[] {checked, 0});
    expected.put("tropicalstorm_force_diameter.nullable", new long[] {checked, 6_317});
    expected.put("wind.scale_check", new long[] {11_190, 0});
    expected.put("off_frequency", new long[] {ROWS, 331});
    expected.put("duplicate_timestamp", new long[] {ROWS, 36});
    expected.put("bad_number", new long[] {ROWS, 0});
    Map<String, JsonNode> rules = new HashMap<>();
    report.path("rules").forEach(r -> rules.put(r.path("id").asText(), r));
    expected.forEach((id, counts) -> {
      JsonNode r = rules.get(id);
      assertTrue(r != null, "rule " + id + " in the report: " + rules.keySet());
      assertEquals(counts[0], r.path("checked").asLong(), id + " checked");
      assertEquals(counts[1], r.path("failed").asLong(), id + " failed");
    });
    assertEquals("warn", rules.get("wind.max").path("severity").asText());
    assertEquals("warn", rules.get("wind.max").path("status").asText(), "a warn rule that flagged rows");
    assertEquals("uniform", rules.get("wind.scale_check").path("kind").asText());
  }

  @Test
  void rowsReconcileOverallAndForTheSource() throws Exception {
    JsonNode rows = report.path("rows");
    assertEquals(ROWS, rows.path("read").asLong());
    assertEquals(rows.path("read").asLong(), rows.path("used").asLong() + rows.path("quarantined").asLong());
    assertEquals(11_154, rows.path("used").asLong());
    JsonNode source = report.path("sources").path("input");
    assertEquals(ROWS, source.path("read").asLong());
    assertEquals(source.path("read").asLong(), source.path("used").asLong() + source.path("quarantined").asLong());
    JsonNode m = ItSupport.manifest(out);
    assertEquals(ROWS, ItSupport.count(m, "rows_read"));
    assertEquals("warn", m.path("quality").path("verdict").asText(), "rows were quarantined: warn, not pass");
  }

  @Test
  void quarantineRecordsCarryTheOriginalRowWhereItCameFromAndWhy() throws Exception {
    List<String> lines = Files.readAllLines(out.resolve("quarantine/rows.jsonl"));
    assertEquals(705, lines.size());
    List<String> file = Files.readAllLines(csv, StandardCharsets.UTF_8);
    int pressure = 0;
    for (String l : lines) {
      JsonNode r = ItSupport.JSON.readTree(l);
      assertFalse(r.path("message").asText().isBlank(), l);
      if (!r.path("reason").asText().equals("pressure.min")) {
        continue;
      }
      pressure++;
      // The line number points at the original CSV line, which holds the rejected value.
      String original = file.get(r.path("line").asInt() - 1);
      assertEquals(original.split(",")[7], r.path("value").asText(), l);
      assertTrue(Double.parseDouble(r.path("value").asText()) < 900, l);
      assertEquals("pressure", r.path("column").asText());
      assertEquals(original.split(",")[0], r.path("row").path("storm_id").asText(), "the original values travel along");
      assertEquals("input", r.path("origin").asText());
    }
    assertEquals(9, pressure);
  }

  /** Quarantined rows per reason, as DuckDB counts them with {@code reader} ("read_json", "read_parquet"). */
  private static Map<String, Long> byReason(String reader, String file) throws Exception {
    Map<String, Long> byReason = new HashMap<>();
    String path = ItSupport.sqlPath(out.resolve(file));
    for (List<Object> r : duck.rows("SELECT reason, count(*) FROM " + reader + "(" + path + ") GROUP BY reason")) {
      byReason.put((String) r.get(0), ((Number) r.get(1)).longValue());
    }
    return byReason;
  }

  @Test
  void duckDbReadsTheJsonlQuarantine() throws Exception {
    assertEquals(QUARANTINED, byReason("read_json", "quarantine/rows.jsonl"));
  }

  @Test
  void quarantineParquetHoldsTheSameRows() throws Exception {
    assertEquals(QUARANTINED, byReason("read_parquet", "quarantine/rows.parquet"));
    String path = ItSupport.sqlPath(out.resolve("quarantine/rows.parquet"));
    String name = (String) duck.one("SELECT json_extract_string(row_json, '$.storm_id') FROM read_parquet(" + path
        + ") WHERE reason = 'storm_id.regex' ORDER BY line LIMIT 1");
    assertFalse(name.matches("[A-Z][a-z]+-[0-9]{4}"), name);
  }

  @Test
  void reportProfilesTheColumnsUsed() {
    JsonNode wind = report.path("columns").path("wind");
    assertEquals(11_154, wind.path("count").asLong(), "the rows used: not the 36 duplicates the reader accepted");
    assertEquals(10, wind.path("min").asDouble(), 0);
    assertEquals(160, wind.path("max").asDouble(), 0);
    JsonNode diameter = report.path("columns").path("tropicalstorm_force_diameter");
    assertTrue(diameter.path("nulls").asLong() > 0);
    assertTrue(report.path("columns").path("status").path("approx_distinct").asLong() == 3);
    long bins = 0;
    for (JsonNode c : wind.path("histogram").path("counts")) {
      bins += c.asLong();
    }
    assertEquals(11_154, bins, "the histogram holds every value");
  }
}
