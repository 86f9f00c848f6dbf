package dev.shardcast.pipelines;

import static dev.shardcast.pipelines.ItSupport.SPLITS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same input, same config → the same bytes. The input is the demo CSV plus a few dirty rows, so the
 * quarantine file has something in it to compare.
 *
 * <p>The manifest records the resolved config, output folder included (and hashes it), so the two
 * compared runs use the same configured output folder: run 1 is copied aside to {@code first/}, a
 * stale shard is planted, and run 2 writes over the same folder. Both copies must then be identical
 * (and the stale file gone). A third run with another seed goes to its own folder.
 */
class DeterminismTest {
  /**
   * Appended to the demo CSV: two more Abilene 2005-06 rows (with the original, three duplicates), a
   * bad number, an off-grid date: five quarantined rows.
   */
  private static final String DIRTY_ROWS = String.join("\n",
      "Abilene,2005-06-01,100,1,1,1,1",
      "Waco,2003-02-01,abc,1,1,1,1",
      "Tyler,2004-04-15,1,1,1,1,1",
      "Abilene,2005-06-01,101,2,2,2,2",
      "");

  @TempDir static Path tmp;
  private static Path first;
  private static Path second;
  private static Path otherSeed;
  private static ItSupport.Duck duck;

  @BeforeAll
  static void runThreeTimes() throws Exception {
    Path csv = tmp.resolve("txhousing-dirty.csv");
    Files.writeString(csv, Files.readString(ItSupport.demoCsv(), StandardCharsets.UTF_8) + DIRTY_ROWS);
    second = tmp.resolve("out");
    ItSupport.run(ItSupport.demoConfig(second, "input.path=" + csv));
    first = tmp.resolve("first");
    copyTree(second, first);
    Files.write(second.resolve("train/batch-999999.parquet"), new byte[] {1, 2, 3});
    ItSupport.run(ItSupport.demoConfig(second, "input.path=" + csv));
    otherSeed = tmp.resolve("seed7");
    ItSupport.run(ItSupport.demoConfig(otherSeed, "input.path=" + csv, "shards.seed=7"));
    duck = new ItSupport.Duck();
  }

  @AfterAll
  static void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  @Test
  void sameConfigGivesByteIdenticalShardsAndQuarantine() throws Exception {
    List<String> files = ItSupport.allFiles(first);
    assertEquals(files, ItSupport.allFiles(second), "the same files (and no stale shard left over)");
    int shards = 0;
    for (String f : files) {
      if (f.equals("manifest.json") || f.startsWith("quality")) {
        continue; // run times; and the second run's report has drift against the first (its baseline)
      }
      shards += f.endsWith(".parquet") ? 1 : 0;
      assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(second.resolve(f)), f);
    }
    int listed = 0;
    for (JsonNode split : ItSupport.JSON.readTree(first.resolve("manifest.json").toFile()).path("splits")) {
      listed += split.path("shard_count").asInt();
    }
    assertEquals(listed, shards, "every shard the manifest lists compared (and no other Parquet file)");
    assertTrue(shards > 50, "compared " + shards + " shard files");
    // The dirty rows: three duplicates, one bad number, one off the monthly grid.
    List<String> quarantine = Files.readAllLines(first.resolve("quarantine/rows.jsonl"));
    assertEquals(5, quarantine.size(), String.join("\n", quarantine));
  }

  @Test
  void qualityReportsAgreeOnRulesAndStatistics() throws Exception {
    JsonNode a = ItSupport.JSON.readTree(first.resolve("quality-report.json").toFile());
    JsonNode b = ItSupport.JSON.readTree(second.resolve("quality-report.json").toFile());
    assertEquals(a.path("rules"), b.path("rules"));
    // Counts, min/max, quantiles and histograms are exact; the mean and std are merged from runner
    // bundles in whatever order they finish, so they agree to rounding.
    ItSupport.assertSameStatistics(a.path("columns"), b.path("columns"), "columns");
    assertTrue(a.path("drift").isMissingNode(), "the first run has no baseline");
    // The second run wrote into a copy of the first's folder: the first's report is its baseline,
    // and the same data shows no drift.
    assertEquals(b.path("drift").size(), b.path("columns").size());
    for (JsonNode d : b.path("drift")) {
      assertEquals(0.0, d.path("psi").asDouble(), 1e-9, d.toString());
      assertEquals(0.0, d.path("mean_shift_std").asDouble(), 1e-9, d.toString());
      assertEquals("pass", d.path("status").asText(), d.toString());
    }
  }

  @Test
  void manifestsDifferOnlyInTheirRunTimes() throws Exception {
    JsonNode a = ItSupport.manifest(first);
    JsonNode b = ItSupport.manifest(second);
    assertNotEquals(a.path("started_at"), b.path("started_at"));
    for (JsonNode m : List.of(a, b)) {
      assertTrue(m.has("started_at") && m.has("finished_at"));
      ((ObjectNode) m).remove(List.of("started_at", "finished_at"));
    }
    assertEquals(a, b);
    assertEquals(5, ItSupport.count(a, "rows_quarantined"));
  }

  @Test
  void anotherSeedShufflesTheSameWindowsDifferently() throws Exception {
    JsonNode a = ItSupport.manifest(first);
    JsonNode c = ItSupport.manifest(otherSeed);
    assertEquals(7, c.path("seed").asLong());
    for (String k : List.of("rows_read", "rows_windowed", "rows_unused", "rows_quarantined", "series")) {
      assertEquals(ItSupport.count(a, k), ItSupport.count(c, k), k);
    }
    assertArrayEquals(Files.readAllBytes(first.resolve("quarantine/rows.jsonl")),
        Files.readAllBytes(otherSeed.resolve("quarantine/rows.jsonl")));
    for (String split : SPLITS) {
      List<String> seed42 = ItSupport.windowKeys(duck, first, split);
      List<String> seed7 = ItSupport.windowKeys(duck, otherSeed, split);
      assertEquals(ItSupport.count(a, "windows_" + split), seed42.size());
      assertEquals(ItSupport.count(c, "windows_" + split), seed7.size());
      assertEquals(new HashSet<>(seed42), new HashSet<>(seed7), "the same windows in " + split);
      assertEquals(seed42.size(), new HashSet<>(seed42).size(), "no window twice in " + split);
      assertNotEquals(seed42, seed7, "batch order of " + split);
      // Composition of the first batch, not just order within it.
      Set<String> b42 = new HashSet<>(seed42.subList(0, 64));
      Set<String> b7 = new HashSet<>(seed7.subList(0, 64));
      assertNotEquals(b42, b7, "first batch of " + split);
      assertNotEquals(ItSupport.sha256(first.resolve(split + "/batch-000000.parquet")),
          ItSupport.sha256(otherSeed.resolve(split + "/batch-000000.parquet")));
    }
  }

  @Test
  void batchesAreShuffledAcrossSeries() throws Exception {
    // A batch drawn at random from ~4000 windows of 46 cities holds many cities, not one or two. With
    // the default compact layout a file holds runs of a few series and the batch is what the
    // trainer's reader makes of the shuffle buffer; with the window layout a file is a batch.
    List<String> batch = new java.util.ArrayList<>();
    try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager();
        dev.shardcast.training.data.ShardReader r = new dev.shardcast.training.data.ShardReader(
            new dev.shardcast.training.data.LocalShardStore(first), 2, manager);
        dev.shardcast.training.data.ShardReader.EpochIterator it = r.epoch("train", 7, 0, 0);
        dev.shardcast.training.data.Batch b = it.next()) {
      for (int i = 0; i < b.size(); i++) {
        batch.add(b.series()[i] + "|" + b.windowStart()[i]);
      }
    }
    assertEquals(64, batch.size());
    Set<String> cities = new HashSet<>();
    for (String k : batch) {
      cities.add(k.substring(0, k.indexOf('|')));
    }
    assertTrue(cities.size() > 20, "first train batch holds only " + cities.size() + " cities");
    List<String> train = ItSupport.windowKeys(duck, first, "train");
    assertFalse(batch.equals(train.stream().sorted().toList().subList(0, 64)), "batch is in key order");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
