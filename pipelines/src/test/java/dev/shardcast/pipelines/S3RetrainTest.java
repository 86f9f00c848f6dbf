package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry in S3 (S3Proxy): runs, {@code current.json} and the log are objects; the gate scores a
 * {@code current} trained with another scaler on the candidate's windows, through its own scaler.
 */
class S3RetrainTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void registryInS3PromotesRefusesAndRollsBack(@TempDir Path dir) throws Exception {
    S3Server s3 = S3Server.get();
    String bucket = s3.newBucket("registry");
    String reg = "s3://" + bucket + "/txhousing";
    List<String> base = RetrainTest.demo(dir, reg);
    base.addAll(s3.overrides());
    ModelRegistry registry = new ModelRegistry(reg, ConfigLoader.load(ItSupport.demoJob(), base).s3());

    // r1: untrained, on shards scaled with one global scaler
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.UNTRAINED), "--run-id", "r1",
        "--set", "scaler.scope=global"));
    assertEquals("r1", registry.current().runId());
    assertTrue(s3.keys(bucket, "txhousing/").containsAll(List.of("txhousing/current.json", "txhousing/registry.jsonl",
        "txhousing/models/r1/best/model.params", "txhousing/models/r1/best/manifest.json", "txhousing/models/r1/run.jsonl",
        "txhousing/models/r1/metrics.json")), s3.keys(bucket, "txhousing/").toString());

    // r2: trained, on the same windows prepared again with per-city scalers: better, promoted
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.TRAINED), "--run-id", "r2"));
    JsonNode d2 = RetrainTest.last(registry, "retrain");
    assertEquals("promoted", d2.path("outcome").asText(), d2.toString());
    // r1 scored through its own (global) scaler on r2's per-city shards: its own test MAE on the same windows
    double r1Own = registry.metrics("r1").path("test").path("all").path("mae").asDouble();
    assertEquals(r1Own, d2.path("current_score").asDouble(), 1e-4 * r1Own);
    assertEquals(registry.metrics("r1").path("test").path("windows").asLong(), d2.path("test_windows").asLong());
    assertEquals("r2", registry.current().runId());

    // r3: untrained again, refused
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, RetrainTest.UNTRAINED), "--run-id", "r3",
        "--skip-prepare"));
    assertEquals("refused", RetrainTest.last(registry, "retrain").path("outcome").asText());
    assertEquals("r2", registry.current().runId());

    // roll back and forward; predict serves current from S3
    assertEquals(0, RetrainTest.cli("promote", base, "r1"));
    JsonNode current = ItSupport.JSON.readTree(s3.get(bucket, "txhousing/current.json"));
    assertEquals("r1", current.path("run_id").asText());
    assertEquals("r2", current.path("previous").asText());
    assertEquals(1, RetrainTest.cli("promote", base, "nope"), "no such run in S3");
    assertEquals(0, RetrainTest.cli("promote", base, "r2"));
    assertEquals("r2", registry.current().runId());
    assertEquals(reg + "/models/r2/best", PredictCommand.servedModel(ConfigLoader.load(ItSupport.demoJob(), base), "x"));
    assertEquals(0, RetrainTest.cli("predict", base));
    assertEquals(6, registry.logLines().size(), "3 retrains and 3 promotes: " + registry.logLines());
  }
}
