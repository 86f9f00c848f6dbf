package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare → train → predict with every location in S3 (S3Proxy): raw input, reference table, rules
 * file, shards, model, checkpoints, run log, forecasts. Nothing local but the job file.
 */
class S3RunTest {
  private static S3Server s3;

  @BeforeAll
  static void server() throws Exception {
    s3 = S3Server.get();
  }

  /** Uploads the demo's data, reference table and a rules file; returns the job's --set overrides. */
  private static List<String> demoInS3(String bucket, String... extra) throws Exception {
    s3.put(bucket, "raw/txhousing.csv", Files.readAllBytes(ItSupport.demoCsv()));
    s3.put(bucket, "ref/cities.csv", Files.readAllBytes(ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    s3.put(bucket, "rules/quality.yaml", "quality:\n  columns:\n    listings: {min: 0}\n".getBytes());
    List<String> o = new ArrayList<>(s3.overrides());
    o.addAll(List.of("input.path=s3://" + bucket + "/raw/*.csv",
        "quality.columns.series_id.reference.path=s3://" + bucket + "/ref/cities.csv",
        "quality.rules_file=s3://" + bucket + "/rules/quality.yaml",
        "shards.output=s3://" + bucket + "/runs/demo"));
    o.addAll(List.of(extra));
    return o;
  }

  private static int cli(String command, List<String> sets, String... more) {
    List<String> args = new ArrayList<>(List.of(command, ItSupport.demoJob().toString()));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    args.addAll(List.of(more));
    return ShardcastCli.commandLine().execute(args.toArray(String[]::new));
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void prepareTrainPredictWithEveryLocationInS3() throws Exception {
    String bucket = s3.newBucket("run");
    List<String> sets = demoInS3(bucket, "input.sample_series=2", "train.epochs=2");
    assertEquals(0, cli("run", sets));

    List<String> keys = s3.keys(bucket, "runs/demo/");
    for (String k : List.of("manifest.json", "quality-report.json", "quarantine/rows.jsonl", "model/run.jsonl",
        "model/metrics.json", "model/checkpoints/checkpoint.ckpt", "model/best/model.params", "model/best/model.json",
        "model/best/manifest.json", "model/final/model.params")) {
      assertTrue(keys.contains("runs/demo/" + k), k + " in " + keys);
    }
    assertTrue(keys.stream().anyMatch(k -> k.startsWith("runs/demo/train/batch-")), keys.toString());
    JsonNode manifest = ItSupport.JSON.readTree(s3.get(bucket, "runs/demo/manifest.json"));
    assertTrue(manifest.path("config").path("quality").path("columns").path("listings").has("min"),
        "the rules file in S3 was read: " + manifest.path("config").path("quality"));
    JsonNode metrics = ItSupport.JSON.readTree(s3.get(bucket, "runs/demo/model/metrics.json"));
    assertTrue(metrics.path("test").path("all").path("mae").isNumber(), metrics.toString());

    // A second train with --resume continues the run log in S3 (the finished run resumes to nothing).
    assertEquals(0, cli("train", sets, "--resume"));
    long starts = new String(s3.get(bucket, "runs/demo/model/run.jsonl")).lines()
        .filter(l -> l.contains("\"event\":\"run_start\"")).count();
    assertEquals(2, starts, "the run log in S3 was appended to");

    // predict reads the model from S3 and writes its forecasts there.
    assertEquals(0, cli("predict", sets));
    String forecasts = new String(s3.get(bucket, "runs/demo/model/predictions.csv"));
    assertEquals("series_key,step,timestamp,sales", forecasts.lines().findFirst().orElseThrow());
    assertEquals(46 * 6, forecasts.lines().count() - 1, "every city of the input x 6 months");
    assertTrue(s3.keys(bucket, "runs/demo/model/").contains("runs/demo/model/predictions.csv.quality-report.json"));
  }

  /** A reader that finds no manifest refuses the prefix: it is not a finished output. */
  @Test
  void trainRefusesAPrefixWithoutAManifest() throws Exception {
    String bucket = s3.newBucket("partial");
    s3.put(bucket, "runs/demo/train/batch-000000.parquet", "not a finished output".getBytes());
    List<String> sets = new ArrayList<>(s3.overrides());
    sets.addAll(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=s3://" + bucket + "/runs/demo",
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    picocli.CommandLine cli = ShardcastCli.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("train", ItSupport.demoJob().toString()));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    assertEquals(2, cli.execute(args.toArray(String[]::new)));
    assertEquals("error: no manifest.json in s3://" + bucket + "/runs/demo: incomplete output (prepare writes the "
        + "manifest last; run prepare first, or let it finish)", err.toString().trim());
    assertEquals(List.of("runs/demo/train/batch-000000.parquet"), s3.keys(bucket, ""), "nothing written");
  }

  /** The demo with its shards and model in S3 trains to the very same model and MASE as locally. */
  @Test
  @Tag("slow")
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void theDemoInS3EndsWithTheLocalRunsMetrics(@TempDir Path local) throws Exception {
    String bucket = s3.newBucket("full");
    List<String> sets = new ArrayList<>(s3.overrides());
    sets.addAll(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=s3://" + bucket + "/demo",
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    JobConfig inS3 = ConfigLoader.load(ItSupport.demoJob(), sets);
    PrepareJob.run(inS3, List.of());
    TrainJob.Outcome remote = TrainJob.run(inS3, false, null);
    JobConfig onDisk = ConfigLoader.load(ItSupport.demoJob(), List.of("input.path=" + ItSupport.demoCsv(),
        "shards.output=" + local,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    PrepareJob.run(onDisk, List.of());
    TrainJob.Outcome there = TrainJob.run(onDisk, false, null);
    JsonNode a = ItSupport.JSON.readTree(s3.get(bucket, "demo/model/metrics.json")).path("test").path("all");
    JsonNode b = ItSupport.JSON.readTree(there.outputDir().resolve(TrainJob.METRICS_FILE).toFile()).path("test").path("all");
    assertEquals(b.path("mase_seasonal_naive").asDouble(), a.path("mase_seasonal_naive").asDouble(), 0.0);
    assertEquals(b.path("mae").asDouble(), a.path("mae").asDouble(), 0.0);
    assertEquals(there.result().epochs().stream().map(e -> e.trainLoss() + "/" + e.valLoss()).toList(),
        remote.result().epochs().stream().map(e -> e.trainLoss() + "/" + e.valLoss()).toList(), "the same training curve");
    assertTrue(a.path("mase_seasonal_naive").asDouble() < 1.0, a.toString());
  }
}
