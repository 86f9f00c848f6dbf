package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accurate: keys must exist in a reference table (here a Parquet file written by DuckDB), and values
 * must match a trusted extract (a CSV file) within a tolerance on the rows both hold.
 */
class AccurateReferenceTest {
  @TempDir Path tmp;

  @Test
  void unknownKeysAndValuesOffTheReferenceAreQuarantined() throws Exception {
    // s1, s2 are known sensors; s3 is not. 12 days each.
    List<String> data = new ArrayList<>(List.of("sensor,day,temp"));
    for (String s : List.of("s1", "s2", "s3")) {
      for (int d = 1; d <= 12; d++) {
        data.add("%s,2024-03-%02d,%d.0".formatted(s, d, 10 + d));
      }
    }
    Files.write(tmp.resolve("data.csv"), data);
    Path sensors = tmp.resolve("sensors.parquet");
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      duck.execute("COPY (SELECT * FROM (VALUES ('s1', 'north'), ('s2', 'south')) t(sensor_id, site)) TO "
          + ItSupport.sqlPath(sensors) + " (FORMAT parquet)");
    }
    // The trusted extract holds s1 days 1-4: day 2 is 0.4 off (within 0.5), day 3 is 0.6 off, day 4 is 2 off.
    Files.write(tmp.resolve("trusted.csv"), List.of("sensor,day,temp",
        "s1,2024-03-01,11.0", "s1,2024-03-02,12.4", "s1,2024-03-03,12.4", "s1,2024-03-04,16.0"));
    Path out = tmp.resolve("out");
    String yaml = """
        name: accurate
        input:
          path: %s
          series_key: [sensor]
          timestamp: {column: day, format: yyyy-MM-dd}
          frequency: 1d
          columns: [{name: temp, type: double, target: true}]
        quality:
          columns:
            sensor:
              reference: {path: %s, column: sensor_id}
            temp:
              matches_reference: {path: %s, key: [sensor, day], column: temp, tolerance: 0.5}
          thresholds: {max_quarantined_fraction: 0.5}
        windowing: {past: 3, future: 1}
        split: {train_end: "2024-03-06", val_end: "2024-03-09"}
        shards: {batch_size: 8, output: %s}
        """.formatted(tmp.resolve("data.csv"), sensors, tmp.resolve("trusted.csv"), out);
    ItSupport.run(ConfigLoader.loadYaml(yaml, List.of()));

    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    Map<String, long[]> rules = new HashMap<>();
    report.path("rules").forEach(r -> rules.put(r.path("id").asText(),
        new long[] {r.path("checked").asLong(), r.path("failed").asLong()}));
    assertEquals(List.of(36L, 12L), List.of(rules.get("sensor.reference")[0], rules.get("sensor.reference")[1]));
    // Only the 4 rows the extract also holds are compared (checked: the join's coverage), and 2 fail.
    assertEquals(List.of(4L, 2L), List.of(rules.get("temp.matches_reference")[0], rules.get("temp.matches_reference")[1]));
    assertEquals("accurate", report.path("rules").findValues("kind").stream()
        .filter(k -> k.asText().equals("accurate")).findFirst().orElseThrow().asText());
    Map<String, Long> byReason = new HashMap<>();
    report.path("quarantine").path("by_reason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
    assertEquals(Map.of("sensor.reference", 12L, "temp.matches_reference", 2L), byReason);
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out.resolve("quarantine/rows.jsonl"))) {
      JsonNode r = ItSupport.JSON.readTree(l);
      if (r.path("reason").asText().equals("temp.matches_reference")) {
        lines.add(r.path("row").path("day").asText() + "=" + r.path("value").asText());
      }
    }
    assertEquals(List.of("2024-03-03=13.0", "2024-03-04=14.0"), lines);
    JsonNode rows = report.path("rows");
    assertEquals(36, rows.path("read").asLong());
    assertEquals(22, rows.path("used").asLong());
  }
}
