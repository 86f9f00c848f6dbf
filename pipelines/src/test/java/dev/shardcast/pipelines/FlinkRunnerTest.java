package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.transforms.beam.WriteQuarantine;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the txhousing demo job on the DirectRunner and on the FlinkRunner ({@code [local]}, an
 * embedded mini cluster) and checks that both write the same bytes: every shard file, the quarantine
 * file and the manifest (less its timestamps and the runner-specific config keys). Shuffling, batching
 * and scaling are keyed by seeded hashes, never by arrival order, so the runner must not matter.
 */
@Tag("slow")
class FlinkRunnerTest {
  /** Surefire runs in pipelines/; the repository root is one up. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path JOB = REPO.resolve("examples/txhousing/job.yaml");
  private static final Path CSV = REPO.resolve("examples/txhousing/txhousing.csv");

  static {
    // Flink warns once per operator whose (Beam-generated) name is over 80 characters: ~100 lines a run.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink.metrics.MetricGroup", "error");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void flinkWritesTheSameShardsAsDirect(@TempDir Path directOut, @TempDir Path flinkOut) throws IOException {
    ShardManifest direct = run("direct", directOut);
    ShardManifest flink = run("flink", flinkOut);

    // Every shard file: the same names and the same bytes.
    List<String> directShards = shardFiles(directOut);
    List<String> flinkShards = shardFiles(flinkOut);
    assertFalse(directShards.isEmpty(), "the direct run wrote no shards");
    assertEquals(directShards, flinkShards, "shard file names differ between runners");
    for (String shard : directShards) {
      assertEquals(-1L, Files.mismatch(directOut.resolve(shard), flinkOut.resolve(shard)),
          "shard " + shard + " differs between runners");
    }
    for (String split : JobPlan.SPLITS) {
      assertTrue(direct.splits().get(split).shardCount() > 0, "no " + split + " shards");
    }

    // The quarantine file.
    assertEquals(-1L, Files.mismatch(directOut.resolve(WriteQuarantine.PATH), flinkOut.resolve(WriteQuarantine.PATH)),
        WriteQuarantine.PATH + " differs between runners");

    // The manifest: counts and splits first (clearer messages), then the whole document.
    assertEquals(direct.counts(), flink.counts(), "manifest counts differ");
    assertEquals(direct.splits(), flink.splits(), "manifest splits differ");
    assertEquals(direct.quarantine(), flink.quarantine(), "manifest quarantine differs");
    assertEquals(direct.scaler(), flink.scaler(), "manifest scaler differs");
    assertEquals(comparable(directOut), comparable(flinkOut), "manifest.json differs beyond timestamps and runner");
    // The quality report: the same rule counts and column statistics on both runners.
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var directReport = json.readTree(directOut.resolve("quality-report.json").toFile());
    var flinkReport = json.readTree(flinkOut.resolve("quality-report.json").toFile());
    assertEquals(directReport.path("rules"), flinkReport.path("rules"), "quality rules differ");
    ItSupport.assertSameStatistics(directReport.path("columns"), flinkReport.path("columns"), "columns");
    assertEquals(directReport.path("verdict"), flinkReport.path("verdict"));
  }

  private static ShardManifest run(String runner, Path out) throws IOException {
    JobConfig config = ConfigLoader.load(JOB, List.of(
        "runner.name=" + runner,
        "shards.output=" + out.toAbsolutePath(),
        "input.path=" + CSV,
        "quality.columns.series_id.reference.path=" + REPO.resolve("examples/txhousing/cities.csv")));
    long start = System.nanoTime();
    ShardManifest manifest = PrepareJob.run(config, List.of());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("FlinkRunnerTest: %s run took %d ms (%d train / %d val / %d test shards)%n", runner, ms,
        manifest.splits().get("train").shardCount(), manifest.splits().get("val").shardCount(),
        manifest.splits().get("test").shardCount());
    return manifest;
  }

  /** {@code <split>/batch-*.parquet}, relative to the output folder, sorted. */
  private static List<String> shardFiles(Path out) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    for (String split : JobPlan.SPLITS) {
      Path dir = out.resolve(split);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        names.addAll(files.map(f -> f.getFileName().toString())
            .filter(n -> n.startsWith("batch-") && n.endsWith(".parquet"))
            .map(n -> split + "/" + n)
            .collect(Collectors.toList()));
      }
    }
    return List.copyOf(names);
  }

  /**
   * manifest.json without what may differ between the two runs: the timestamps, the output folder and
   * runner in the embedded config (and so the config hash). Input paths are the same file in both.
   */
  private static JsonNode comparable(Path out) throws IOException {
    ObjectNode tree = (ObjectNode) ShardManifest.json().readTree(out.resolve(ShardManifest.FILE_NAME).toFile());
    tree.remove(List.of("started_at", "finished_at", "config_hash"));
    ObjectNode config = (ObjectNode) tree.get("config");
    ((ObjectNode) config.get("runner")).remove("name");
    ((ObjectNode) config.get("shards")).remove("output");
    return tree;
  }
}
