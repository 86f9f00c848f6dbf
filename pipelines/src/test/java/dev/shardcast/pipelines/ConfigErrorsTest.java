package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Config errors stop the job before any work: split cut-offs outside the data fail the run, name the
 * key and leave no manifest behind; wrong paths, an output among the inputs and train settings the
 * evaluation cannot use exit 2 at once, naming the key.
 */
class ConfigErrorsTest {
  @TempDir static Path tmp;
  private static Path csv;

  @BeforeAll
  static void writeData() throws Exception {
    StringBuilder sb = new StringBuilder("id,date,v\n");
    for (String id : List.of("p", "q")) {
      for (int m = 1; m <= 12; m++) {
        sb.append(id).append(String.format(",2021-%02d-01,", m)).append(m * 1.5).append('\n');
      }
    }
    csv = tmp.resolve("small.csv");
    Files.writeString(csv, sb.toString());
  }

  private static JobConfig config(Path out, String trainEnd, String valEnd) {
    String yaml = String.join("\n",
        "name: cutoffs",
        "input:",
        "  path: " + csv,
        "  series_key: [id]",
        "  timestamp: {column: date, format: iso}",
        "  frequency: 1M",
        "  columns: [{name: v, type: double, target: true}]",
        "windowing: {past: 2, future: 1}",
        "split: {train_end: '" + trainEnd + "', val_end: '" + valEnd + "'}",
        "shards: {batch_size: 8, output: " + out + "}",
        "");
    return ConfigLoader.loadYaml(yaml, List.of());
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  @Test
  void trainEndBeforeTheDataFailsAndWritesNoManifest() throws Exception {
    Path out = tmp.resolve("early");
    // Leftovers of an earlier run: they must not survive as if this run had produced them.
    Files.createDirectories(out.resolve("train"));
    Files.writeString(out.resolve("manifest.json"), "{}");
    Files.write(out.resolve("train/batch-000000.parquet"), new byte[] {0});
    JobConfig cfg = config(out, "2020-06-01", "2021-09-01");
    Exception e = assertThrows(Exception.class, () -> ItSupport.run(cfg));
    Throwable root = rootCause(e);
    assertTrue(root instanceof ConfigException, "root cause " + root);
    assertTrue(root.getMessage().contains("split.train_end"), root.getMessage());
    assertTrue(root.getMessage().contains("2020-06-01"), root.getMessage());
    assertFalse(Files.exists(out.resolve("manifest.json")), "no manifest after a failed run");
    assertEquals(List.of(), ItSupport.shardFiles(out, "train"));
    assertEquals(List.of(), ItSupport.shardFiles(out, "val"));
    assertEquals(List.of(), ItSupport.shardFiles(out, "test"));
  }

  @Test
  void valEndAfterTheDataFailsNamingValEnd() throws Exception {
    Path out = tmp.resolve("late");
    JobConfig cfg = config(out, "2021-06-01", "2022-06-01");
    Exception e = assertThrows(Exception.class, () -> ItSupport.run(cfg));
    Throwable root = rootCause(e);
    assertTrue(root.getMessage().contains("split.val_end"), root.getMessage());
    assertFalse(Files.exists(out.resolve("manifest.json")));
  }

  @Test
  void cutoffsOutOfOrderFailAtLoadNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> config(tmp.resolve("never"), "2021-09-01", "2021-03-01"));
    assertTrue(e.getMessage().contains("split.val_end"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("never")));
  }

  record Exit(int code, String err) {}

  /**
   * The CLI in-process on the demo job, with its input and reference table made absolute. A config
   * error must end it within seconds (a missing path under / used to make Beam walk the whole disk).
   */
  private static Exit cli(String command, String... sets) {
    List<String> args = new ArrayList<>(List.of(command, ItSupport.demoJob().toString(),
        "--set", "input.path=" + ItSupport.demoCsv(),
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    for (String s : sets) {
      args.add(s.startsWith("--") ? s : "--set");
      if (!s.startsWith("--")) {
        args.add(s);
      }
    }
    return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CommandLine cli = ShardcastCli.commandLine();
      cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
      int code = cli.execute(args.toArray(String[]::new));
      return new Exit(code, err.toString(StandardCharsets.UTF_8).trim());
    });
  }

  private static void assertConfigError(String expected, Exit e) {
    assertEquals(2, e.code(), e.err());
    assertEquals("error: " + expected, e.err());
  }

  @Test
  void aMissingInputUnderTheRootExitsTwoAtOnce() {
    Path out = tmp.resolve("root");
    String nope = "/nope-" + UUID.randomUUID() + ".csv";
    assertConfigError("config key 'input.path': file not found: " + nope,
        cli("prepare", "input.path=" + nope, "shards.output=" + out));
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void aMissingRelativeInputOrSourceGlobExitsTwo() {
    // Surefire runs in pipelines/: ../examples is the demo's folder.
    assertConfigError("config key 'input.path': file not found: ../examples/nope.csv",
        cli("prepare", "input.path=../examples/nope.csv", "shards.output=" + tmp.resolve("rel")));
    String glob = tmp + "/feeds/*.csv";
    assertConfigError("config key 'input.sources[1].path': no file matches " + glob + " (no folder " + tmp.resolve("feeds") + ")",
        cli("prepare", "input.path=null", "shards.output=" + tmp.resolve("src"),
            "input.sources=[{name: a, path: " + ItSupport.demoCsv() + "}, {name: b, path: '" + glob + "'}]"));
  }

  @Test
  void missingReferenceBaselineOrRulesFileExitTwo() {
    Path out = tmp.resolve("refs");
    String nope = "/nope-" + UUID.randomUUID();
    assertConfigError("config key 'quality.columns.series_id.reference.path': file not found: " + nope + ".csv",
        cli("prepare", "shards.output=" + out, "quality.columns.series_id.reference.path=" + nope + ".csv"));
    assertConfigError("config key 'quality.drift.baseline': file not found: " + nope + ".json",
        cli("prepare", "shards.output=" + out, "quality.drift.baseline=" + nope + ".json"));
    assertConfigError("config key 'quality.rules_file': " + tmp + " is a folder; name a file, or the files in it "
        + "with a glob such as " + tmp + "/*.csv", cli("prepare", "shards.output=" + out, "quality.rules_file=" + tmp));
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void predictInputIsCheckedFirst() {
    String nope = "/nope-" + UUID.randomUUID() + ".csv";
    assertConfigError("option --input: file not found: " + nope,
        cli("predict", "shards.output=" + tmp.resolve("none"), "--input=" + nope));
  }

  @Test
  void theOutputMayNotBeTheInputsFolder() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.copy(ItSupport.demoCsv(), data.resolve("tx.csv"));
    assertConfigError("config key 'shards.output' (" + data + ") is the folder of config key 'input.path' (" + data
        + "/*.csv): the job would write its shards, manifest and reports among its input files; write them to "
        + "another folder", cli("prepare", "input.path=" + data + "/*.csv", "shards.output=" + data));
    assertConfigError("config key 'shards.output' (" + data + "/out) lies inside a folder that config key 'input.path' ("
        + data + "/**.csv) reads: a later run would find this run's output among its inputs; write it to a folder outside "
        + data, cli("prepare", "input.path=" + data + "/**.csv", "shards.output=" + data + "/out"));
    assertEquals(List.of("tx.csv"), ItSupport.allFiles(data));
  }

  @Test
  void calendarFeaturesTheGridCannotUseExitTwo() {
    Path out = tmp.resolve("calendar");
    assertConfigError("config key 'windowing.time_features': hour is the same for every point of the 1M grid; drop it "
        + "(features finer than input.frequency carry nothing)",
        cli("prepare", "shards.output=" + out, "windowing.time_features=[month, hour]"));
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void trainSettingsTheEvaluationCannotUseExitTwoBeforePrepare() {
    Path out = tmp.resolve("train");
    assertConfigError("config key 'train.season' (12) must not exceed windowing.past (6): the seasonal-naive forecast "
        + "of the evaluation and of train.model.baseline: seasonal is read from each window's own past; lower "
        + "train.season or raise windowing.past", cli("run", "shards.output=" + out, "windowing.past=6"));
    assertConfigError("config key 'train.model.baseline' is seasonal, but its target 'sales' is not an input "
        + "(input.columns[0].input: false): the baseline and the evaluation read the target's past values; set "
        + "input.columns[0].input: true",
        cli("run", "shards.output=" + out, "train.model.inputs=null",
            "input.columns=[{name: sales, type: double, target: true, input: false}, {name: volume, type: double}]"));
    assertConfigError("config key 'input.columns[0].input': target 'sales' must also be an input (input: true) to "
        + "train: the evaluation's naive forecasts and train.model.baseline: mean read the target's past values",
        cli("train", "shards.output=" + out, "train.model.inputs=null", "train.model.baseline=mean",
            "input.columns=[{name: sales, type: double, target: true, input: false}, {name: volume, type: double}]"));
    assertFalse(Files.exists(out), "nothing prepared");
  }
}
