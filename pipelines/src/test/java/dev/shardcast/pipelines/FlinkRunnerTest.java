package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the txhousing demo job on the DirectRunner and on the FlinkRunner ({@code [local]}, an
 * embedded mini cluster) and checks that both write the same bytes ({@link RunnerComparison}), and
 * that the Flink run's progress lines came from the embedded cluster's REST API while it ran.
 * {@code FlinkClusterIT} does the same on a standalone cluster.
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
    ShardManifest direct = run("direct", directOut, new CopyOnWriteArrayList<>());
    List<JobProgress.Report> progress = new CopyOnWriteArrayList<>();
    ShardManifest flink = run("flink", flinkOut, progress);

    RunnerComparison.assertSameOutput(directOut, flinkOut, "Direct and Flink [local]");
    for (String split : JobPlan.SPLITS) {
      assertTrue(direct.splits().get(split).shardCount() > 0, "no " + split + " shards");
    }
    ProgressTest.assertProgress(progress, flink, false);
  }

  /** Incremental spans on Flink: span 0 and span 1 (with the tails joined as context) as Direct writes them. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void flinkWritesTheSameSpansAsDirect(@TempDir Path dir) throws IOException {
    java.util.Map<Integer, List<String>> years = IncrementalSpansTest.years();
    String header = java.nio.file.Files.readAllLines(CSV).get(0);
    Path raw = dir.resolve("raw");
    for (int y = 2000; y <= 2014; y++) {
      IncrementalSpansTest.writeYear(raw, y, header, years.get(y));
    }
    JobConfig direct = IncrementalSpansTest.config(raw, dir.resolve("direct"));
    JobConfig flink = ConfigLoader.loadYaml(ConfigLoader.toYaml(direct), List.of("runner.name=flink",
        "shards.output=" + dir.resolve("flink")));
    PrepareJob.prepare(direct, List.of());
    PrepareJob.prepare(flink, List.of());
    IncrementalSpansTest.writeYear(raw, 2015, header, years.get(2015));
    PrepareJob.prepare(direct, List.of());
    assertTrue(PrepareJob.prepare(flink, List.of()).message().startsWith("span 1"));
    for (String span : List.of("spans/0", "spans/1")) {
      RunnerComparison.assertSameOutput(dir.resolve("direct").resolve(span), dir.resolve("flink").resolve(span),
          "Direct and Flink [local], " + span);
      org.junit.jupiter.api.Assertions.assertEquals(
          java.nio.file.Files.readString(dir.resolve("direct").resolve(span).resolve("span-tail.jsonl")),
          java.nio.file.Files.readString(dir.resolve("flink").resolve(span).resolve("span-tail.jsonl")), span);
    }
  }

  private static ShardManifest run(String runner, Path out, List<JobProgress.Report> progress) throws IOException {
    JobConfig config = ConfigLoader.load(JOB, List.of(
        "runner.name=" + runner,
        "shards.output=" + out.toAbsolutePath(),
        "input.path=" + CSV,
        "quality.columns.series_id.reference.path=" + REPO.resolve("examples/txhousing/cities.csv")));
    long start = System.nanoTime();
    ShardManifest manifest = PrepareJob.run(config, List.of(), Duration.ofSeconds(1), progress::add);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("FlinkRunnerTest: %s run took %d ms (%d train / %d val / %d test shards)%n", runner, ms,
        manifest.splits().get("train").shardCount(), manifest.splits().get("val").shardCount(),
        manifest.splits().get("test").shardCount());
    return manifest;
  }
}
