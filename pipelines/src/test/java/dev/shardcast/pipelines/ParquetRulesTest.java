package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules read Parquet values as a CSV file would spell them: an INT64 value column as "5" (not
 * "5.0"), a DECIMAL(10,2) with its scale ("1.25", not "125"), a DATE as yyyy-MM-dd, so the same rules
 * give the same counts on either format.
 */
class ParquetRulesTest {
  @TempDir Path tmp;

  @Test
  void integerDecimalAndDateColumnsAreCheckedByTheirValues() throws Exception {
    Path file = tmp.resolve("sensors.parquet");
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      // 40 rows, i = 0..39: sensor s0/s1 alternating, one row per sensor and day.
      duck.execute("COPY (SELECT 's' || (i % 2) AS sensor, DATE '2024-01-01' + CAST(i // 2 AS INTEGER) AS day, "
          + "CAST(i AS BIGINT) AS count, CAST(i * 1.25 AS DECIMAL(10, 2)) AS price, "
          + "DATE '2023-12-01' + CAST(i AS INTEGER) AS installed FROM range(0, 40) t(i) "
          // and a second row for s0 on 2024-01-11 (i = 20): a duplicate
          + "UNION ALL SELECT 's0', DATE '2024-01-11', 2, 50.00, DATE '2024-02-01') TO "
          + ItSupport.sqlPath(file) + " (FORMAT parquet)");
    }
    Path out = tmp.resolve("out");
    String yaml = """
        name: parquet_rules
        input:
          path: %s
          format: parquet
          series_key: [sensor]
          timestamp: {column: day}
          frequency: 1d
          columns: [{name: count, type: double, target: true}]
        quality:
          columns:
            count:
              type: long
              allowed: {value: [0, 1, 2, 3], severity: warn}
            price: {min: 10}
            installed: {type: timestamp, min: "2023-12-10"}
          thresholds: {max_quarantined_fraction: 0.5}
        windowing: {past: 3, future: 1}
        split: {train_end: "2024-01-10", val_end: "2024-01-15"}
        shards: {batch_size: 8, output: %s}
        """.formatted(file, out);
    ItSupport.run(ConfigLoader.loadYaml(yaml, List.of()));
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    Map<String, List<Long>> rules = new HashMap<>();
    report.path("rules").forEach(r -> rules.put(r.path("id").asText(), List.of(r.path("checked").asLong(), r.path("failed").asLong())));
    assertEquals(List.of(41L, 0L), rules.get("count.type"), "integers arrive as integers");
    assertEquals(List.of(41L, 36L), rules.get("count.allowed"), "0..3 (and the duplicate's 2) are allowed, 4..39 are not");
    assertEquals(List.of(41L, 8L), rules.get("price.min"), "i * 1.25 < 10 for i < 8: the decimal keeps its scale");
    assertEquals(List.of(41L, 9L), rules.get("installed.min"), "2023-12-01 + i < 2023-12-10 for i < 9");
    Map<String, Long> byReason = new HashMap<>();
    report.path("quarantine").path("by_reason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
    // The first error rule of a row is its reason: price for i < 8, installed for i = 8.
    assertEquals(Map.of("price.min", 8L, "installed.min", 1L, "duplicate_timestamp", 2L), byReason);
    assertEquals(30, report.path("rows").path("used").asLong());
    assertEquals(30, report.path("columns").path("count").path("count").asLong(), "statistics of the rows used");
    // The duplicates' records hold the file's rows, read back by row number, every column as text.
    java.util.Set<String> prices = new java.util.HashSet<>();
    for (String line : java.nio.file.Files.readAllLines(out.resolve("quarantine/rows.jsonl"))) {
      JsonNode r = ItSupport.JSON.readTree(line);
      if (r.path("reason").asText().equals("duplicate_timestamp")) {
        assertEquals("s0", r.path("row").path("sensor").asText(), line);
        assertEquals("2024-01-11", r.path("row").path("day").asText(), line);
        prices.add(r.path("row").path("price").asText());
      }
    }
    assertEquals(java.util.Set.of("25.00", "50.00"), prices);
  }
}
