package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare with its output in S3 (S3Proxy over HTTP): the same bytes as in a local folder. */
class S3PrepareTest {
  private static S3Server s3;

  @BeforeAll
  static void server() throws Exception {
    s3 = S3Server.get();
  }

  @Test
  void theDemoWritesTheSameShardsToS3AsToALocalFolder(@TempDir Path local) throws Exception {
    String bucket = s3.newBucket("demo");
    List<String> overrides = new ArrayList<>(s3.overrides());
    JobConfig toS3 = dev.shardcast.transforms.config.ConfigLoader.load(ItSupport.demoJob(), withAll(overrides,
        "shards.output=s3://" + bucket + "/runs/demo"));
    PrepareJob.run(toS3, List.of());
    PrepareJob.run(ItSupport.demoConfig(local), List.of());

    List<String> keys = s3.keys(bucket, "runs/demo/");
    assertTrue(keys.contains("runs/demo/manifest.json"), keys.toString());
    int shards = 0;
    for (Path f : ItSupport.allShardFiles(local)) {
      String rel = local.relativize(f).toString();
      assertTrue(keys.contains("runs/demo/" + rel), rel + " in " + keys);
      assertEquals(-1, java.util.Arrays.mismatch(Files.readAllBytes(f), s3.get(bucket, "runs/demo/" + rel)), rel);
      shards++;
    }
    assertTrue(shards > 50, "shards compared: " + shards);
  }

  /** 46 objects, one per city, under a glob: the same shards as the demo's single local file. */
  @Test
  void aGlobOverManyObjectsReadsThemAll() throws Exception {
    String bucket = s3.newBucket("raw");
    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    java.util.Map<String, List<String>> byCity = new java.util.TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      byCity.computeIfAbsent(line.substring(0, line.indexOf(',')), k -> new ArrayList<>(List.of(lines.get(0)))).add(line);
    }
    int i = 0;
    for (List<String> city : byCity.values()) {
      s3.put(bucket, String.format("raw/part-%03d.csv", i++), (String.join("\n", city) + "\n").getBytes());
    }
    s3.put(bucket, "raw/readme.txt", "not data".getBytes());
    Path out = Files.createTempDirectory("s3-glob-");
    JobConfig job = dev.shardcast.transforms.config.ConfigLoader.load(ItSupport.demoJob(), withAll(s3.overrides(),
        "input.path=s3://" + bucket + "/raw/*.csv", "shards.output=" + out));
    PrepareJob.run(job, List.of());
    com.fasterxml.jackson.databind.JsonNode m = ItSupport.manifest(out);
    assertEquals(46, ItSupport.count(m, "files_read"));
    assertEquals(8602, ItSupport.count(m, "rows_read"));
    Path local = ItSupport.demoBaseline();
    for (Path f : ItSupport.allShardFiles(local)) {
      assertEquals(-1L, Files.mismatch(f, out.resolve(local.relativize(f))), local.relativize(f).toString());
    }
  }

  /**
   * A wide Parquet object: only the configured columns' chunks are fetched (ranged GETs), and the
   * shards are those of the same file read locally.
   */
  @Test
  void parquetInS3IsReadByRangesOfTheUsedColumns(@TempDir Path tmp) throws Exception {
    Path parquet = tmp.resolve("wide.parquet");
    StringBuilder pads = new StringBuilder();
    for (int c = 0; c < 30; c++) {
      pads.append(", repeat(md5(series_id || date || '").append(c).append("'), 8) AS pad_").append(c);
    }
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      duck.execute("COPY (SELECT series_id, CAST(date AS DATE) AS date, sales, volume, median, listings, inventory"
          + pads + " FROM read_csv(" + ItSupport.sqlPath(ItSupport.demoCsv()) + ")) TO " + ItSupport.sqlPath(parquet)
          + " (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    }
    String bucket = s3.newBucket("wide");
    s3.put(bucket, "in/wide.parquet", Files.readAllBytes(parquet));
    Path fromS3 = tmp.resolve("from-s3");
    Path fromLocal = tmp.resolve("from-local");
    PrepareJob.run(dev.shardcast.transforms.config.ConfigLoader.load(ItSupport.demoJob(), withAll(s3.overrides(),
        "input.format=parquet", "input.path=s3://" + bucket + "/in/wide.parquet", "shards.output=" + fromS3)), List.of());
    PrepareJob.run(ItSupport.demoConfig(fromLocal, "input.format=parquet", "input.path=" + parquet), List.of());
    long size = Files.size(parquet);
    long fetched = ItSupport.count(ItSupport.manifest(fromS3), "input_bytes_fetched");
    assertTrue(fetched > 0 && fetched < size / 5, "fetched " + fetched + " of " + size + " bytes");
    for (Path f : ItSupport.allShardFiles(fromLocal)) {
      assertEquals(-1L, Files.mismatch(f, fromS3.resolve(fromLocal.relativize(f))), fromLocal.relativize(f).toString());
    }
  }

  /**
   * Listing the prefix while prepare runs: whenever manifest.json is there, every shard it lists is
   * there whole (its size); before that, shards appear without one. The manifest is written last.
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
  void noManifestBeforeEveryShardIsComplete() throws Exception {
    String bucket = s3.newBucket("live");
    JobConfig job = dev.shardcast.transforms.config.ConfigLoader.load(ItSupport.demoJob(), withAll(s3.overrides(),
        "shards.output=s3://" + bucket + "/live"));
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread run = new Thread(() -> {
      try {
        PrepareJob.run(job, List.of());
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    run.start();
    int withShardsNoManifest = 0;
    int withManifest = 0;
    try (var client = s3.client()) {
      while (run.isAlive() || withManifest == 0) {
        java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        for (var o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("live/")).contents()) {
          sizes.put(o.key().substring("live/".length()), o.size());
        }
        if (sizes.containsKey("manifest.json")) {
          withManifest++;
          com.fasterxml.jackson.databind.JsonNode m = ItSupport.JSON.readTree(s3.get(bucket, "live/manifest.json"));
          for (String split : ItSupport.SPLITS) {
            for (com.fasterxml.jackson.databind.JsonNode shard : m.path("splits").path(split).path("shards")) {
              String path = shard.path("path").asText();
              assertEquals(shard.path("bytes").asLong(), sizes.getOrDefault(path, -1L), path + " when the manifest appeared");
            }
          }
        } else if (sizes.keySet().stream().anyMatch(k -> k.endsWith(".parquet"))) {
          withShardsNoManifest++;
        }
        if (!run.isAlive() && failed.get() != null) {
          throw new AssertionError("prepare failed", failed.get());
        }
        Thread.sleep(50);
      }
    }
    run.join();
    assertTrue(withShardsNoManifest > 0, "the listing should have caught shards before the manifest");
    assertTrue(withManifest > 0);
  }

  private record Exit(int code, String err) {}

  private static Exit cli(String... args) {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    picocli.CommandLine cli = ShardcastCli.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    int code = cli.execute(args);
    return new Exit(code, err.toString().trim());
  }

  private static String[] prepare(String... sets) {
    List<String> args = new ArrayList<>(List.of("prepare", ItSupport.demoJob().toString()));
    for (String set : withAll(s3.overrides(), sets)) {
      args.add("--set");
      args.add(set);
    }
    return args.toArray(String[]::new);
  }

  @Test
  void refusedCredentialsNameTheBucketAndWriteNothing() {
    String bucket = s3.newBucket("locked");
    String key = System.getProperty("aws.accessKeyId");
    System.setProperty("aws.accessKeyId", "not-the-key");
    Exit e;
    try {
      e = cli(prepare("shards.output=s3://" + bucket + "/out"));
    } finally {
      System.setProperty("aws.accessKeyId", key);
    }
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().startsWith("error: config key 'shards.output' (s3://" + bucket + "/out): access to bucket '"
        + bucket + "' was refused (HTTP 403"), e.err());
    assertTrue(e.err().contains("check the credentials"), e.err());
    assertEquals(List.of(), s3.keys(bucket, ""), "nothing written");
  }

  @Test
  void aMissingBucketIsNamed() {
    String missing = "no-such-bucket-" + Long.toHexString(System.nanoTime());
    Exit out = cli(prepare("shards.output=s3://" + missing + "/out"));
    assertEquals(2, out.code(), out.err());
    assertEquals("error: config key 'shards.output' (s3://" + missing + "/out): bucket '" + missing
        + "' does not exist at " + s3.endpoint(), out.err());
    Exit in = cli(prepare("input.path=s3://" + missing + "/raw/*.csv", "shards.output=s3://" + s3.newBucket("x") + "/o"));
    assertEquals(2, in.code(), in.err());
    assertTrue(in.err().contains("config key 'input.path' (s3://" + missing + "/raw/*.csv): bucket '" + missing
        + "' does not exist"), in.err());
  }

  @Test
  void anInputGlobThatMatchesNoObjectIsAConfigError() {
    String bucket = s3.newBucket("empty");
    Exit e = cli(prepare("input.path=s3://" + bucket + "/raw/*.csv", "shards.output=s3://" + bucket + "/out"));
    assertEquals(2, e.code(), e.err());
    assertEquals("error: config key 'input.path': no file matches s3://" + bucket + "/raw/*.csv", e.err());
  }

  private static List<String> withAll(List<String> base, String... more) {
    List<String> all = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "scaler.scope=global",
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    all.addAll(base);
    all.addAll(List.of(more));
    return all;
  }
}
