package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift against the last successful run, and the Uniform scale check: within a run (a few rows in
 * other units) and across runs (a whole column in other units, which looks normal on its own).
 */
class DriftTest {
  @TempDir Path tmp;

  static Map<String, JsonNode> driftByColumn(JsonNode report) {
    Map<String, JsonNode> out = new HashMap<>();
    report.path("drift").forEach(d -> out.put(d.path("column").asText(), d));
    return out;
  }

  @Test
  void aColumnTimesAThousandIsDriftAndAUnitChange() throws Exception {
    Path out = tmp.resolve("txhousing");
    ItSupport.copyTree(ItSupport.demoBaseline(), out);
    Path shifted = ItSupport.scaledDemoCsv(tmp, 1000, Set.of());
    ItSupport.run(ItSupport.demoConfig(out, "input.path=" + shifted));

    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    assertEquals(out.resolve("quality/baseline-report.json").toString(), report.path("baseline").asText());
    Map<String, JsonNode> drift = driftByColumn(report);
    JsonNode sales = drift.get("sales");
    assertEquals(1000, sales.path("scale_ratio").asDouble(), 10, "to the 1/1000-order bins of the magnitude");
    assertTrue(sales.path("psi").asDouble() > 1, sales.toString());
    assertTrue(sales.path("mean_shift_std").asDouble() > 100, sales.toString());
    assertEquals("warn", sales.path("status").asText(), "the demo's scale_check is a warn rule");
    assertTrue(sales.path("message").asText().contains("scale check"), sales.toString());
    // The other columns did not move.
    for (String c : new String[] {"volume", "median", "listings", "inventory"}) {
      assertEquals(0, drift.get(c).path("psi").asDouble(), 1e-9, c);
      assertEquals("pass", drift.get(c).path("status").asText(), c);
    }
    assertEquals("warn", report.path("verdict").asText());
    assertTrue(report.path("reasons").toString().contains("drift on sales"), report.path("reasons").toString());
    assertTrue(Files.exists(out.resolve("manifest.json")), "warn publishes");
  }

  @Test
  void aWholeColumnInOtherUnitsFailsTheJobWhenItsScaleCheckIsAnError() throws Exception {
    Path out = tmp.resolve("strict");
    ItSupport.copyTree(ItSupport.demoBaseline(), out);
    Path shifted = ItSupport.scaledDemoCsv(tmp, 1000, Set.of());
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(QualityGateException.class, () -> ItSupport.run(
        ItSupport.demoConfig(out, "input.path=" + shifted, "quality.columns.sales.scale_check.severity=error",
            "quality.columns.sales.max.severity=warn")));
    assertTrue(e.getMessage().contains("scale check"), e.getMessage());
    assertEquals("fail", driftByColumn(ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile()))
        .get("sales").path("status").asText());
  }

  @Test
  void rowsOrdersOfMagnitudeOffTheColumnAreQuarantinedByAnErrorScaleCheck() throws Exception {
    Path out = tmp.resolve("mixed");
    // One city reported in single units instead of... a hundred thousand times too large: the classic unit slip.
    Path mixed = ItSupport.scaledDemoCsv(tmp, 100_000, Set.of("Abilene"));
    long abilene = Files.readAllLines(ItSupport.demoCsv()).stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[0].equals("Abilene") && !f[2].isEmpty() && !f[2].equals("NA") && Double.parseDouble(f[2]) != 0)
        .count();
    ItSupport.run(ItSupport.demoConfig(out, "input.path=" + mixed,
        "quality.columns.sales.scale_check.severity=error", "quality.columns.sales.max.severity=warn",
        "quality.thresholds.max_quarantined_fraction=0.05"));
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    assertEquals(abilene, report.path("quarantine").path("by_reason").path("sales.scale_check").asLong());
    for (String line : Files.readAllLines(out.resolve("quarantine/rows.jsonl"))) {
      JsonNode r = ItSupport.JSON.readTree(line);
      assertEquals("sales.scale_check", r.path("reason").asText());
      // The record holds the file's own row (read back by line), not the parsed values.
      assertEquals("Abilene", r.path("row").path("series_id").asText());
      assertTrue(Double.parseDouble(r.path("row").path("sales").asText()) >= 100_000, line);
      assertEquals("sales", r.path("column").asText());
    }
    assertEquals(report.path("rows").path("read").asLong(),
        report.path("rows").path("used").asLong() + report.path("rows").path("quarantined").asLong());
    assertTrue(report.path("drift").isMissingNode(), "a fresh output folder has no baseline");
  }
}
