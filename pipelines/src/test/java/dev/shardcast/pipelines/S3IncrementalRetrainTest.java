package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cron retraining on yearly partitions with the shards and the registry in S3 (S3Proxy), incremental
 * pickup on (issue #12): the first retrain prepares 2000-2014 as span 0 and is promoted; once 2015
 * lands the next one prepares only that file as span 1 (its objects next to span 0's, the top-level
 * manifest over both), trains on both and is promoted; a worse candidate on a third partition is
 * refused; a retrain with nothing new does nothing.
 */
class S3IncrementalRetrainTest {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void retrainPicksUpANewPartitionInS3(@TempDir Path dir) throws Exception {
    S3Server s3 = S3Server.get();
    String bucket = s3.newBucket("incremental");
    String reg = "s3://" + bucket + "/registry";
    Path raw = dir.resolve("raw");
    Map<Integer, List<String>> years = IncrementalSpansTest.years();
    String header = Files.readAllLines(ItSupport.demoCsv()).get(0);
    for (int y = 2000; y <= 2014; y++) {
      IncrementalSpansTest.writeYear(raw, y, header, years.get(y));
    }
    List<String> base = RetrainTest.demo(dir, reg);
    base.addAll(s3.overrides());
    base.addAll(List.of("input.path=" + raw + "/year=*/part.csv", "shards.output=s3://" + bucket + "/shards",
        "incremental.enabled=true"));
    ModelRegistry registry = new ModelRegistry(reg, ConfigLoader.load(ItSupport.demoJob(), base).s3());

    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.UNTRAINED), "--run-id", "r1"));
    assertEquals("r1", registry.current().runId());
    List<String> keys = s3.keys(bucket, "shards/");
    assertTrue(keys.containsAll(List.of("shards/manifest.json", "shards/incremental-state.json",
        "shards/spans/0/manifest.json", "shards/spans/0/span-tail.jsonl")), keys.toString());

    IncrementalSpansTest.writeYear(raw, 2015, header, years.get(2015));
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.TRAINED), "--run-id", "r2"));
    JsonNode span1 = ItSupport.JSON.readTree(s3.get(bucket, "shards/spans/1/manifest.json"));
    assertEquals(1, span1.path("counts").path("files_read").asLong(), "only the new partition was read");
    JsonNode top = ItSupport.JSON.readTree(s3.get(bucket, "shards/manifest.json"));
    JsonNode span0 = ItSupport.JSON.readTree(s3.get(bucket, "shards/spans/0/manifest.json"));
    assertEquals(span0.path("counts").path("rows_read").asLong() + span1.path("counts").path("rows_read").asLong(),
        top.path("counts").path("rows_read").asLong());
    assertEquals(span0.path("splits").path("test").path("windows").asLong()
        + span1.path("splits").path("test").path("windows").asLong(), top.path("splits").path("test").path("windows").asLong());
    for (JsonNode shard : top.path("splits").path("test").path("shards")) {
      assertTrue(s3.keys(bucket, "shards/").contains("shards/" + shard.path("path").asText()), shard.toString());
    }
    JsonNode r2 = RetrainTest.last(registry, "retrain");
    assertEquals("promoted", r2.path("outcome").asText(), r2.toString());
    assertEquals(top.path("splits").path("test").path("windows").asLong(), r2.path("test_windows").asLong(),
        "candidate and current scored on every span's test windows");
    assertEquals("r2", registry.current().runId());

    // a third partition (2015's months again as 2016's) and a worse candidate: span 2, refused by the gate
    List<String> next = years.get(2015).stream().map(l -> l.replace(",2015-", ",2016-")).toList();
    IncrementalSpansTest.writeYear(raw, 2016, header, next);
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.UNTRAINED), "--run-id", "r3"));
    assertEquals(1, ItSupport.JSON.readTree(s3.get(bucket, "shards/spans/2/manifest.json")).path("counts")
        .path("files_read").asLong());
    assertEquals("refused", RetrainTest.last(registry, "retrain").path("outcome").asText());
    assertEquals("r2", registry.current().runId());

    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.TRAINED), "--run-id", "r4"));
    assertEquals("no_new_data", RetrainTest.last(registry, "retrain").path("outcome").asText());
    assertFalse(s3.keys(bucket, "shards/").stream().anyMatch(k -> k.startsWith("shards/spans/3/")));
    assertEquals("r2", registry.current().runId());
  }
}
