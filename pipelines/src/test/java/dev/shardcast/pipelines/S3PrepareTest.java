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

  private static List<String> withAll(List<String> base, String... more) {
    List<String> all = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "scaler.scope=global",
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv")));
    all.addAll(base);
    all.addAll(List.of(more));
    return all;
  }
}
