package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An error threshold breach stops the job: exit code 3, the report (JSON and HTML) and the quarantine
 * are written, and no manifest and no shard is visible, not even an earlier run's.
 */
class QualityGateTest {
  @TempDir Path tmp;

  @Test
  void breachedThresholdPublishesNothingButTheReport() throws Exception {
    // Start from a finished run: its shards must not survive a failed one.
    Path out = tmp.resolve("txhousing");
    ItSupport.copyTree(ItSupport.demoBaseline(), out);
    assertTrue(Files.exists(out.resolve("manifest.json")));
    long linesOver100 = Files.readAllLines(ItSupport.demoCsv()).stream().skip(1)
        .map(l -> l.split(",", -1)[2]).filter(v -> !v.isEmpty() && !v.equals("NA") && Double.parseDouble(v) > 100).count();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = ShardcastCli.commandLine();
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute("prepare", ItSupport.demoJob().toString(),
        "--set", "input.path=" + ItSupport.demoCsv(),
        "--set", "shards.output=" + out,
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "--set", "quality.columns.sales.max=100");  // an error rule most rows fail

    assertEquals(QualityGateException.EXIT_CODE, exit, err.toString(StandardCharsets.UTF_8));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("data quality gate failed") && message.contains("max_quarantined_fraction"), message);
    assertFalse(Files.exists(out.resolve("manifest.json")), "no manifest");
    assertEquals(List.of(), ItSupport.allFiles(out).stream().filter(f -> f.endsWith(".parquet") && f.contains("batch-")).toList(),
        "no shard visible");
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    assertEquals("fail", report.path("verdict").asText());
    assertEquals(linesOver100, report.path("quarantine").path("by_reason").path("sales.max").asLong());
    assertEquals(report.path("rows").path("read").asLong(),
        report.path("rows").path("used").asLong() + report.path("rows").path("quarantined").asLong());
    assertTrue(report.path("reasons").get(0).asText().contains("max_quarantined_fraction 0.01"), report.path("reasons").toString());
    assertTrue(Files.size(out.resolve("quality-report.html")) > 1000);
    assertEquals(linesOver100, Files.readAllLines(out.resolve("quarantine/rows.jsonl")).size());
    // The failed run is no baseline: the last successful run's report stays the one drift compares with.
    JsonNode baseline = ItSupport.JSON.readTree(out.resolve("quality/baseline-report.json").toFile());
    assertEquals("pass", baseline.path("verdict").asText());
  }

  @Test
  void perRuleFailFractionOnAnErrorRuleFailsTheJob() throws Exception {
    Path out = tmp.resolve("rule");
    // At most 1% of the rows may exceed 100 sales, and the rule itself only warns: its threshold is what fails.
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(QualityGateException.class, () -> ItSupport.run(
        ItSupport.demoConfig(out, "quality.columns.sales.max={value: 100, severity: error, max_fail_fraction: 0.01}",
            "quality.thresholds.max_quarantined_fraction=null")));
    assertTrue(e.getMessage().contains("rule sales.max failed on"), e.getMessage());
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    JsonNode rule = null;
    for (JsonNode r : report.path("rules")) {
      if (r.path("id").asText().equals("sales.max")) {
        rule = r;
      }
    }
    assertEquals("fail", rule.path("status").asText());
    assertEquals(0.01, rule.path("max_fail_fraction").asDouble(), 0);
    assertFalse(Files.exists(out.resolve("manifest.json")));
  }
}
