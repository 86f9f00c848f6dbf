package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.core.NoWindowsException;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A job with nothing to train on fails, with its own exit code (4) and a message that names the
 * cause, and publishes no manifest: `prepare` alone as `run` does, and `run` never trains. The data:
 * two cities, monthly sales 2000-01 .. 2004-12 written as statistics offices do ("2000-01").
 */
class NoWindowsTest {
  @TempDir Path tmp;
  private Path job;
  private Path out;

  @BeforeEach
  void monthlyData() throws Exception {
    List<String> lines = new ArrayList<>(List.of("city,date,sales"));
    for (String city : List.of("Abilene", "Waco")) {
      for (int m = 0; m < 60; m++) {
        lines.add(String.format("%s,%d-%02d,%d", city, 2000 + m / 12, m % 12 + 1, 100 + (m * 7) % 13));
      }
    }
    Path csv = Files.write(tmp.resolve("monthly.csv"), lines);
    out = tmp.resolve("out");
    // The new user's mistake: the format of daily dates for monthly data.
    job = Files.writeString(tmp.resolve("job.yaml"), """
        name: monthly
        input:
          path: %s
          series_key: [city]
          timestamp: {column: date, format: yyyy-MM-dd}
          frequency: 1M
          columns: [{name: sales, type: double, target: true}]
        windowing: {past: 12, future: 3}
        split: {train_end: "2003-01-01", val_end: "2004-01-01"}
        shards: {batch_size: 8, output: %s}
        train: {epochs: 1, model: {hidden: [4], baseline: none}, season: 1}
        """.formatted(csv, out));
  }

  private record Result(int exit, String err) {}

  private Result cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = ShardcastCli.commandLine();
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute(args);
    return new Result(exit, err.toString(StandardCharsets.UTF_8));
  }

  private void assertNothingPublished() throws Exception {
    assertFalse(Files.exists(out.resolve("manifest.json")), "no manifest");
    assertEquals(List.of(), ItSupport.allFiles(out).stream().filter(f -> f.contains("batch-")).toList(), "no shard");
  }

  @Test
  void everyRowQuarantinedWithTheLimitOffIsExit4NamingTheReasonAndARow() throws Exception {
    Result r = cli("prepare", job.toString(), "--set", "quality.thresholds.max_quarantined_fraction=null");
    assertEquals(NoWindowsException.EXIT_CODE, r.exit(), r.err());
    assertEquals(4, NoWindowsException.EXIT_CODE);
    assertTrue(r.err().contains("error: no train and no val windows: 120 of 120 rows quarantined, most as bad_timestamp "
        + "(column date, line 2 of monthly.csv, value \"2000-01\": not a timestamp in format 'yyyy-MM-dd'); see "
        + out.resolve("quarantine/rows.jsonl").toAbsolutePath()), r.err());
    assertNothingPublished();
    // The gate passed (the limit is off): its report says warn, and it is written.
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    assertEquals("warn", report.path("verdict").asText());
    assertEquals(120, Files.readAllLines(out.resolve("quarantine/rows.jsonl")).size());
  }

  @Test
  void byDefaultLosingMoreThanHalfTheRowsFailsTheGateWithTheReason() throws Exception {
    Result r = cli("prepare", job.toString());
    assertEquals(QualityGateException.EXIT_CODE, r.exit(), r.err());
    assertTrue(r.err().contains("120 of 120 rows quarantined (1.0000) > max_quarantined_fraction 0.5 (error)"), r.err());
    assertTrue(r.err().contains("most quarantined rows: bad_timestamp (column date, line 2 of monthly.csv, value "
        + "\"2000-01\": not a timestamp in format 'yyyy-MM-dd'); see "), r.err());
    assertNothingPublished();
  }

  @Test
  void runStopsBeforeTraining() throws Exception {
    Result r = cli("run", job.toString(), "--set", "quality.thresholds.max_quarantined_fraction={value: 1.0}");
    assertEquals(NoWindowsException.EXIT_CODE, r.exit(), r.err());
    assertTrue(r.err().contains("error: no train and no val windows: 120 of 120 rows quarantined"), r.err());
    assertFalse(Files.exists(out.resolve("model")), "no model folder: training never started");
    assertNothingPublished();
  }

  @Test
  void seriesTooShortForOneWindowSayWhy() throws Exception {
    Result r = cli("prepare", job.toString(), "--set", "input.timestamp.format=yyyy-MM", "--set", "windowing.past=100");
    assertEquals(NoWindowsException.EXIT_CODE, r.exit(), r.err());
    assertTrue(r.err().contains("error: no train and no val windows: all 2 series are shorter than one window "
        + "(windowing.past 100 + lead 0 + future 3 = 103 points)"), r.err());
    assertFalse(r.err().contains("quarantine"), "nothing was quarantined: " + r.err());
    assertNothingPublished();
  }

  @Test
  void anEmptyValSplitPointsAtTheSplitDatesAndLeavesNoShards() throws Exception {
    // Windows start every 12 months from 2000-01: forecasts start in January only, none in 2002-06 .. 2002-11.
    Result r = cli("prepare", job.toString(), "--set", "input.timestamp.format=yyyy-MM", "--set", "windowing.stride=12",
        "--set", "split.train_end=2002-06-01", "--set", "split.val_end=2002-12-01");
    assertEquals(NoWindowsException.EXIT_CODE, r.exit(), r.err());
    assertTrue(r.err().contains("error: no val windows: the windows fall in other splits (train 4, val 0, test 4, "
        + "straddling a cut-off 0; a window belongs to the split holding its whole forecast): check split.train_end 2002-06-01 and "
        + "split.val_end 2002-12-01 against the data (2000-01-01 .. 2004-12-01)"), r.err());
    assertNothingPublished(); // the train and test shards it wrote are gone
  }

  @Test
  void trainRefusesAManifestWithoutTrainWindows() throws Exception {
    // The right format for this data: the job succeeds.
    var config = ConfigLoader.load(job, List.of("input.timestamp.format=yyyy-MM"));
    var m = ItSupport.run(config);
    assertEquals(0, m.counts().get("rows_quarantined"));
    assertTrue(m.splits().get("train").windows() > 0 && m.splits().get("val").windows() > 0);
    // A manifest an older version wrote for a run without train windows.
    ObjectNode manifest = (ObjectNode) ItSupport.manifest(out);
    ObjectNode train = (ObjectNode) manifest.path("splits").path("train");
    train.put("windows", 0).put("shard_count", 0).putArray("shards");
    Files.writeString(out.resolve("manifest.json"), manifest.toString());
    NoWindowsException e = assertThrows(NoWindowsException.class, () -> TrainJob.run(config, false, null));
    assertTrue(e.getMessage().startsWith("no train windows: the windows fall in other splits (train 0, val "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(manifest " + out.resolve("manifest.json") + "; nothing to train on)"),
        e.getMessage());
    assertFalse(Files.exists(out.resolve("model")), "no model folder");
    assertEquals(NoWindowsException.EXIT_CODE, cli("train", job.toString(), "--set", "input.timestamp.format=yyyy-MM").exit());
  }
}
