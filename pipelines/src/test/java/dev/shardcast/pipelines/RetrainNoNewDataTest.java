package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.registry.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cron retrain with nothing new (issue #12 points 1 and 4): the same input files and config as the
 * last retrain's prepare make a run that does nothing and exits 0, saying so in the summary and the
 * registry log; a changed input file, another shard-shaping config, or --force retrain.
 */
class RetrainNoNewDataTest {

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void sameInputsDoNothingChangedInputsRetrain(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("txhousing.csv");
    Files.copy(ItSupport.demoCsv(), csv);
    Path reg = dir.resolve("registry");
    List<String> base = new ArrayList<>(RetrainTest.demo(dir, reg.toString()));
    base.add("input.path=" + csv);
    base.addAll(List.of("train.model.type=linear", "train.epochs=1"));
    ModelRegistry registry = new ModelRegistry(reg.toString(), null);

    assertEquals(0, RetrainTest.cli("retrain", base, "--run-id", "r1"));
    assertTrue(Files.exists(dir.resolve("shards").resolve(InputState.FILE)));

    // nothing new: no run, current unchanged, the log says why
    assertEquals(0, RetrainTest.cli("retrain", base, "--run-id", "r2"));
    assertFalse(Files.exists(reg.resolve("models/r2")), "nothing was trained");
    var skipped = RetrainTest.last(registry, "retrain");
    assertEquals("no_new_data", skipped.path("outcome").asText(), skipped.toString());
    assertTrue(skipped.path("summary").asText().contains("no new input since the last prepare"), skipped.toString());
    assertEquals("r1", registry.current().runId());

    // --force: retrained on the same data
    assertEquals(0, RetrainTest.cli("retrain", base, "--run-id", "r3", "--force"));
    assertTrue(registry.hasModel("r3"));

    // a train setting is no reason to prepare again ...
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, List.of("train.epochs=2")), "--run-id", "r4"));
    assertFalse(Files.exists(reg.resolve("models/r4")));
    // ... a shard-shaping one is
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, List.of("windowing.past=12")), "--run-id", "r5"));
    assertTrue(registry.hasModel("r5"));

    // new rows in the input file (a copy of Abilene's last month, a month later): retrained
    String last = Files.readAllLines(csv).stream().filter(l -> l.startsWith("Abilene,2015-07-01,")).findFirst().orElseThrow();
    Files.writeString(csv, last.replace("2015-07-01", "2015-08-01") + "\n", StandardOpenOption.APPEND);
    assertEquals(0, RetrainTest.cli("retrain", RetrainTest.plus(base, List.of("windowing.past=12")), "--run-id", "r6"));
    assertTrue(registry.hasModel("r6"));
    assertEquals("r6", RetrainTest.last(registry, "retrain").path("run_id").asText());
  }
}
