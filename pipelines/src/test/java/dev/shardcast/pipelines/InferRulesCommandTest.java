package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shardcast infer-rules} end to end through picocli, as the launcher runs it. */
class InferRulesCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ShardcastCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Path storms() {
    return ItSupport.repoRoot().resolve("transforms/src/test/resources/data/storms.csv");
  }

  @Test
  void writesTheSectionForStormsToAFile() throws Exception {
    Path yaml = tmp.resolve("rules.yaml");
    assertEquals(0, run("infer-rules", storms().toString(), "-o", yaml.toString()), err.toString());
    String text = Files.readString(yaml);
    assertTrue(text.startsWith("# Inferred by shardcast infer-rules from " + storms() + ", 11859 rows."), text);
    assertTrue(text.contains("\nquality:\n  columns:\n    storm_id:\n      type: string\n"), text);
    assertTrue(text.contains("    status:\n      type: string\n      nullable: false\n      allowed:\n"
        + "        - hurricane\n        - tropical depression\n        - tropical storm\n"), text);
    assertTrue(text.contains("    wind:\n      type: long\n      nullable: false\n      min: 10\n      max: 160\n"), text);
    assertTrue(text.contains("    hurricane_force_diameter:\n      type: long\n      nullable: true\n"), text);
    assertEquals("", out.toString(), "the YAML went to the file, not stdout");
    assertTrue(err.toString().contains("wrote rules for 10 columns"), err.toString());

    JobConfig job = ConfigLoader.loadYaml(String.join("\n",
        "input: {path: storms.csv, series_key: [storm_id], timestamp: {column: ts},",
        "  columns: [{name: wind, type: double, target: true}]}",
        "windowing: {past: 4, future: 2}",
        "split: {train_end: '2010-01-01', val_end: '2015-01-01'}",
        "shards: {batch_size: 8, output: out/storms}",
        text), List.of());
    assertEquals(10, job.quality().columns().size());
  }

  @Test
  void optionsAndStdout() {
    assertEquals(0, run("infer-rules", storms().toString(), "--max-rows", "100", "--max-categories", "3"),
        err.toString());
    String text = out.toString();
    assertTrue(text.contains(", 100 rows (the first 100 only; the file has more)."), text);
    // 4 storms in the first 100 rows: more than 3 categories, so no allowed list for storm_id.
    assertTrue(text.contains("    storm_id:\n      type: string\n      nullable: false\n      max_length: 13\n"), text);
  }

  @Test
  void missingFileIsExitCode2WithAMessage() {
    Path missing = tmp.resolve("nope.csv");
    assertEquals(2, run("infer-rules", missing.toString()));
    assertEquals("error: input file not found: " + missing, err.toString().strip());
    assertEquals("", out.toString());
  }

  @Test
  void fileWithoutHeaderIsExitCode2() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
    assertEquals(2, run("infer-rules", empty.toString()));
    assertTrue(err.toString().contains("has no header row"), err.toString());

    Path data = Files.writeString(tmp.resolve("data.csv"), "1975,27.5\n1976,28.0\n");
    Path yaml = tmp.resolve("rules.yaml");
    assertEquals(2, run("infer-rules", data.toString(), "-o", yaml.toString()));
    assertTrue(err.toString().contains("looks like data"), err.toString());
    assertFalse(Files.exists(yaml), "no output file after an error");
  }

  @Test
  void badOptionValueIsAUsageError() {
    assertEquals(2, run("infer-rules", storms().toString(), "--max-rows", "0"));
    assertTrue(err.toString().contains("--max-rows"), err.toString());
  }
}
