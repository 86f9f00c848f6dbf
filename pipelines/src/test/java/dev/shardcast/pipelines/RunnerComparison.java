package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.transforms.beam.WriteQuarantine;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Two runs of one job on different runners (or clusters) must write the same bytes: every shard file,
 * the quarantine file and the manifest, less its timestamps and the keys that name the runner or the
 * output folder. Shuffling, batching and scaling are keyed by seeded hashes, never by arrival order.
 */
final class RunnerComparison {
  private RunnerComparison() {}

  static void assertSameOutput(Path expectedOut, Path actualOut, String runners) throws IOException {
    List<String> expectedShards = shardFiles(expectedOut);
    assertFalse(expectedShards.isEmpty(), "the reference run wrote no shards");
    assertEquals(expectedShards, shardFiles(actualOut), "shard file names differ between " + runners);
    for (String shard : expectedShards) {
      assertEquals(-1L, Files.mismatch(expectedOut.resolve(shard), actualOut.resolve(shard)),
          "shard " + shard + " differs between " + runners);
    }
    assertEquals(-1L, Files.mismatch(expectedOut.resolve(WriteQuarantine.PATH), actualOut.resolve(WriteQuarantine.PATH)),
        WriteQuarantine.PATH + " differs between " + runners);

    ShardManifest expected = ShardManifest.fromJson(Files.readAllBytes(expectedOut.resolve(ShardManifest.FILE_NAME)));
    ShardManifest actual = ShardManifest.fromJson(Files.readAllBytes(actualOut.resolve(ShardManifest.FILE_NAME)));
    // Counts and splits first (clearer messages), then the whole document.
    assertEquals(expected.counts(), actual.counts(), "manifest counts differ between " + runners);
    assertEquals(expected.splits(), actual.splits(), "manifest splits differ between " + runners);
    assertEquals(expected.quarantine(), actual.quarantine(), "manifest quarantine differs between " + runners);
    assertEquals(expected.scaler(), actual.scaler(), "manifest scaler differs between " + runners);
    assertEquals(comparable(expectedOut), comparable(actualOut),
        "manifest.json differs beyond timestamps, runner and output folder between " + runners);

    // The quality report: the same rule counts and column statistics.
    ObjectMapper json = new ObjectMapper();
    JsonNode expectedReport = json.readTree(expectedOut.resolve("quality-report.json").toFile());
    JsonNode actualReport = json.readTree(actualOut.resolve("quality-report.json").toFile());
    assertEquals(expectedReport.path("rules"), actualReport.path("rules"), "quality rules differ between " + runners);
    ItSupport.assertSameStatistics(expectedReport.path("columns"), actualReport.path("columns"), "columns");
    assertEquals(expectedReport.path("verdict"), actualReport.path("verdict"));
  }

  /** {@code <split>/batch-*.parquet}, relative to the output folder, sorted. */
  static List<String> shardFiles(Path out) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (String split : JobPlan.SPLITS) {
      Path dir = out.resolve(split);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.map(f -> f.getFileName().toString())
            .filter(n -> n.startsWith("batch-") && n.endsWith(".parquet"))
            .forEach(n -> names.add(split + "/" + n));
      }
    }
    return List.copyOf(names);
  }

  /**
   * manifest.json without what may differ between the two runs: the timestamps, the output folder,
   * the runner section (name, master, parallelism) and the s3 section (how the store is reached) of
   * the embedded config, and so the config hash.
   */
  static JsonNode comparable(Path out) throws IOException {
    ObjectNode tree = (ObjectNode) ShardManifest.json().readTree(out.resolve(ShardManifest.FILE_NAME).toFile());
    tree.remove(List.of("started_at", "finished_at", "config_hash"));
    ObjectNode config = (ObjectNode) tree.get("config");
    config.remove("runner");
    config.remove("s3");
    ((ObjectNode) config.get("shards")).remove("output");
    ((ObjectNode) config.get("scaler")).remove("from"); // an incremental span's: span 0 of its own output
    return tree;
  }
}
