package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * prepare on a real standalone Flink 1.19 cluster ({@link FlinkCluster}: a JobManager and a
 * TaskManager with 2 slots, separate JVMs), both ways a job gets there, each compared byte for byte
 * with a Direct-runner run of the same job: the demo submitted by the FlinkRunner from this JVM
 * ({@code runner.flink_master: host:port}), and a job over several CSV files submitted as the job jar
 * with Flink's own CLI ({@code flink run -m host:port}). Runs after {@code package} (failsafe), which
 * builds that jar, in {@code mvn -Pslow verify}.
 */
@Tag("slow")
class FlinkClusterIT {
  private static Path dir;
  private static FlinkCluster flink;

  @BeforeAll
  static void startCluster() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("shardcast-flink-it");
    flink = FlinkCluster.start(dir.resolve("cluster"), 2);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (flink != null) {
        flink.close();
      }
    } finally {
      ItSupport.deleteTree(dir); // its blob store holds a copy of every staged jar
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theDemoSubmittedByTheFlinkRunnerWritesWhatDirectWrites() throws Exception {
    Path direct = ItSupport.demoBaseline();
    Path out = dir.resolve("demo-flink");
    List<JobProgress.Report> progress = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    ShardManifest m = PrepareJob.run(ItSupport.demoConfig(out, "runner.name=flink",
        "runner.flink_master=" + flink.master(), "runner.parallelism=2"), List.of(), Duration.ofSeconds(2), progress::add);
    System.out.printf("FlinkClusterIT: demo via the FlinkRunner took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    RunnerComparison.assertSameOutput(direct, out, "Direct and the Flink cluster (FlinkRunner)");
    // The progress lines came from the cluster's REST API while the job ran.
    ProgressTest.assertProgress(progress, m, false);
    assertTrue(ranOnTheCluster("shardcast-txhousing"), "the cluster lists no finished shardcast-txhousing job");
    assertDefaultRestarts(t0);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aMultiFileJobSubmittedAsTheJobJarWritesWhatDirectWrites() throws Exception {
    Path jar = Path.of(System.getProperty("shardcast.flinkJobJar", "target/missing-flink-job.jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + " (built by mvn -Pslow or -Pflink-job package)");
    String glob = splitDemoByCity(dir.resolve("cities-csv"), 4) + "/*.csv";
    Path direct = dir.resolve("multi-direct");
    Path out = dir.resolve("multi-flink");
    ShardManifest expected = PrepareJob.run(ItSupport.demoConfig(direct, "input.path=" + glob), List.of());
    assertEquals(4L, expected.counts().get("files_read"));

    // As a user would: from the repository, the job file and its reference table by relative paths.
    long t0 = System.nanoTime();
    FlinkCluster.CliResult r = flink.flinkRun(ItSupport.repoRoot(), Duration.ofMinutes(4), jar.toString(),
        "examples/txhousing/job.yaml", "--set", "input.path=" + glob, "--set", "shards.output=" + out,
        "--set", "scaler.scope=global", "--set", "runner.parallelism=2");
    System.out.printf("FlinkClusterIT: multi-file job via flink run took %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    assertEquals(0, r.exitCode(), "flink run failed:\n" + tail(r.output()));
    assertTrue(r.output().contains("shardcast prepare: txhousing done"), tail(r.output()));
    assertTrue(r.output().contains("progress: done: "), tail(r.output()));
    assertDefaultRestarts(t0);

    RunnerComparison.assertSameOutput(direct, out, "Direct and flink run with the job jar");
  }

  /**
   * The same job with its output in S3 (S3Proxy), on the cluster and on the embedded Flink: the same
   * bytes as the Direct runner's local folder. The TaskManager reaches S3 with its own default
   * credential chain (its environment here, an instance role in production).
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void theDemoWithItsOutputInS3WritesWhatDirectWritesLocally() throws Exception {
    S3Server s3 = S3Server.get();
    String bucket = s3.newBucket("cluster");
    Path direct = ItSupport.demoBaseline();
    for (String master : List.of(flink.master(), "'[local]'")) {
      String prefix = master.startsWith("'") ? "embedded" : "cluster";
      List<String> sets = new java.util.ArrayList<>(s3.overrides());
      sets.addAll(List.of("shards.output=s3://" + bucket + "/" + prefix, "runner.name=flink",
          "runner.flink_master=" + master, "runner.parallelism=2"));
      PrepareJob.run(ItSupport.demoConfig(dir.resolve("unused-" + prefix), sets.toArray(String[]::new)), List.of());
      Path copy = Files.createDirectories(dir.resolve("from-s3-" + prefix));
      try (var client = s3.client()) {
        dev.shardcast.transforms.store.S3Objects.download(client,
            dev.shardcast.transforms.store.S3Location.parse("s3://" + bucket + "/" + prefix), copy);
      }
      RunnerComparison.assertSameOutput(direct, copy, "Direct (local folder) and Flink " + prefix + " (S3)");
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theJobJarKeepsPreparesExitCodes() throws Exception {
    Path jar = Path.of(System.getProperty("shardcast.flinkJobJar", "target/missing-flink-job.jar")).toAbsolutePath();
    FlinkCluster.CliResult r = flink.flinkRun(ItSupport.repoRoot(), Duration.ofMinutes(1), jar.toString(),
        "examples/txhousing/job.yaml", "--set", "windowing.past=0");
    assertEquals(2, r.exitCode(), tail(r.output()));
    assertTrue(r.output().contains("error: config key 'windowing.past'"), tail(r.output()));
  }

  /**
   * The job submitted after {@code since} ran with prepare's restart strategy, the defaults of
   * runner.flink_restart_attempts / _delay, not the cluster's (which restarts nothing).
   */
  private static void assertDefaultRestarts(long sinceNanos) throws IOException, InterruptedException {
    long since = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    JsonNode newest = null;
    for (JsonNode job : flink.rest("/jobs/overview").path("jobs")) {
      if (job.path("start-time").asLong() >= since
          && (newest == null || job.path("start-time").asLong() > newest.path("start-time").asLong())) {
        newest = job;
      }
    }
    assertTrue(newest != null, "no job submitted since the test began");
    String strategy = flink.rest("/jobs/" + newest.path("jid").asText() + "/config").path("execution-config")
        .path("restart-strategy").asText();
    assertTrue(strategy.startsWith("Restart with fixed delay (PT10S). #3 restart attempts"), strategy);
  }

  private static boolean ranOnTheCluster(String jobName) throws IOException, InterruptedException {
    for (JsonNode job : flink.rest("/jobs/overview").path("jobs")) {
      if (jobName.equals(job.path("name").asText()) && "FINISHED".equals(job.path("state").asText())) {
        return true;
      }
    }
    return false;
  }

  /** The demo CSV as {@code files} files, the cities dealt round-robin (each file has the header). */
  private static Path splitDemoByCity(Path folder, int files) throws IOException {
    Files.createDirectories(folder);
    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    List<String> cities = lines.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).distinct().toList();
    List<List<String>> parts = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      parts.add(new ArrayList<>(List.of(lines.get(0))));
    }
    for (String line : lines.subList(1, lines.size())) {
      parts.get(cities.indexOf(line.substring(0, line.indexOf(','))) % files).add(line);
    }
    for (int i = 0; i < files; i++) {
      Files.write(folder.resolve("part-" + i + ".csv"), parts.get(i));
    }
    return folder;
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
