package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.transforms.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scaler.from} (prepare takes an earlier manifest's scaler instead of fitting one) and
 * retrain's {@code registry.keep_scaler} (the candidate's shards get current's scaler), issue #12
 * point 3, on the demo.
 */
class KeepScalerTest {
  private static final String EARLIER_SPLIT = "split.train_end=2010-01-01";

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void prepareUsesTheGivenScalerAndRefusesOneThatDoesNotFit(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a");
    ItSupport.run(ItSupport.demoConfig(a));
    JsonNode scalerA = ItSupport.manifest(a).path("scaler");

    // the same job with A's scaler: what it would fit itself, so the very same shard bytes
    Path b = tmp.resolve("b");
    ItSupport.run(ItSupport.demoConfig(b, "scaler.from=" + a));
    assertEquals(scalerA, ItSupport.manifest(b).path("scaler"));
    List<Path> filesA = ItSupport.allShardFiles(a);
    assertEquals(filesA.size(), ItSupport.allShardFiles(b).size());
    for (Path f : filesA) {
      assertEquals(ItSupport.sha256(f), ItSupport.sha256(b.resolve(a.relativize(f).toString())), a.relativize(f).toString());
    }

    // another train split fits another scaler; with scaler.from it keeps A's (the manifest file named directly)
    Path fitted = tmp.resolve("fitted");
    ItSupport.run(ItSupport.demoConfig(fitted, EARLIER_SPLIT));
    assertNotEquals(scalerA.path("global"), ItSupport.manifest(fitted).path("scaler").path("global"),
        "the earlier split fits another scaler (else this test shows nothing)");
    Path given = tmp.resolve("given");
    ItSupport.run(ItSupport.demoConfig(given, EARLIER_SPLIT, "scaler.from=" + a.resolve("manifest.json")));
    assertEquals(scalerA, ItSupport.manifest(given).path("scaler"));
    assertEquals(ItSupport.count(ItSupport.manifest(fitted), "windows_train"),
        ItSupport.count(ItSupport.manifest(given), "windows_train"));
    assertNotEquals(ItSupport.sha256(ItSupport.shardFiles(fitted, "train").get(0)),
        ItSupport.sha256(ItSupport.shardFiles(given, "train").get(0)), "the values are scaled by A's scaler, not a fitted one");

    ConfigException missing = assertThrows(ConfigException.class,
        () -> ItSupport.run(ItSupport.demoConfig(tmp.resolve("x"), "scaler.from=" + tmp.resolve("nope"))));
    assertTrue(missing.getMessage().startsWith("config key 'scaler.from': no manifest at "), missing.getMessage());
    ConfigException scope = assertThrows(ConfigException.class,
        () -> ItSupport.run(ItSupport.demoConfig(tmp.resolve("y"), "scaler.scope=per_series", "scaler.from=" + a)));
    assertTrue(scope.getMessage().contains("scope global") && scope.getMessage().contains("standard / per_series"),
        scope.getMessage());
    assertTrue(Files.notExists(tmp.resolve("y").resolve("manifest.json")));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void retrainPreparesWithCurrentsScalerUnlessTurnedOff(@TempDir Path dir) throws Exception {
    Path reg = dir.resolve("registry");
    List<String> base = RetrainTest.demo(dir, reg.toString());
    List<String> quick = List.of("train.model.type=linear", "train.epochs=1");
    ModelRegistry registry = new ModelRegistry(reg.toString(), null);

    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, quick), "--run-id", "r1"));
    JsonNode scaler1 = scaler(reg, "r1");
    assertTrue(RetrainTest.last(registry, "retrain").path("scaler_from").isMissingNode(), "nothing to keep yet");

    // new data (here: another train split), current's scaler kept
    List<String> moved = RetrainTest.plus(RetrainTest.plus(base, quick), List.of(EARLIER_SPLIT));
    assertEquals(0, RetrainTest.cli("retrain", moved, "--run-id", "r2"));
    assertEquals("r1", RetrainTest.last(registry, "retrain").path("scaler_from").asText());
    assertEquals(scaler1, scaler(reg, "r2"));

    // keep_scaler off: fitted on the new split
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(moved, List.of("registry.keep_scaler=false")),
        "--run-id", "r3"));
    assertTrue(RetrainTest.last(registry, "retrain").path("scaler_from").isMissingNode());
    assertNotEquals(scaler1.path("global"), scaler(reg, "r3").path("global"));
  }

  private static JsonNode scaler(Path registry, String run) throws Exception {
    return ItSupport.JSON.readTree(registry.resolve("models").resolve(run).resolve("best/manifest.json").toFile())
        .path("scaler");
  }
}
