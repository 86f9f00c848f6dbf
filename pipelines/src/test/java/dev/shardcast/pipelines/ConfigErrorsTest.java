package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split cut-offs outside the data fail the run, name the key, and leave no manifest behind. */
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
}
