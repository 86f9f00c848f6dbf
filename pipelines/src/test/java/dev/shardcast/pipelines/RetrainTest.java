package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrain} and {@code promote} on the demo's first two cities, with a registry folder: the
 * gate promotes a better candidate and refuses a worse one (an untrained network against a trained
 * linear model), a second retrain is refused by the lock, and promote rolls back and forward.
 */
class RetrainTest {
  /** An untrained network: one epoch at a learning rate that moves nothing, no baseline to lean on. */
  static final List<String> UNTRAINED = List.of("train.model.type=mlp", "train.model.baseline=none",
      "train.model.residual=false", "train.model.window_scale=false", "train.epochs=1",
      "train.optimizer.learning_rate=1e-12");
  /** The linear model from the ridge fit, trained on. */
  static final List<String> TRAINED = List.of("train.model.type=linear", "train.epochs=3");

  static List<String> demo(Path dir, String registry) {
    return new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + dir.resolve("shards"),
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "input.sample_series=2", "registry.location=" + registry, "registry.tolerance=0.02"));
  }

  static int cli(String command, List<String> sets, String... more) {
    List<String> args = new ArrayList<>(List.of(command, ItSupport.demoJob().toString()));
    for (String s : sets) {
      args.add("--set");
      args.add(s);
    }
    args.addAll(List.of(more));
    return ShardcastCli.commandLine().execute(args.toArray(String[]::new));
  }

  static List<String> plus(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static JsonNode last(ModelRegistry registry, String event) throws Exception {
    List<JsonNode> lines = registry.logLines();
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).path("event").asText().equals(event)) {
        return lines.get(i);
      }
    }
    throw new AssertionError("no " + event + " in " + lines);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void gatePromotesBetterRefusesWorseLockRefusesSecondRunPromoteRollsBack(@TempDir Path dir) throws Exception {
    Path reg = dir.resolve("registry");
    List<String> base = demo(dir, reg.toString());
    ModelRegistry registry = new ModelRegistry(reg.toString(), null);
    Path notified = dir.resolve("notified.txt");
    String notify = "cat > '" + notified + "'; printf %s \"$SHARDCAST_EXIT_CODE\" > '" + notified + ".code'";

    // 1. the first candidate (untrained) has no current to beat: promoted
    assertEquals(0, cli("retrain", plus(base, UNTRAINED), "--run-id", "r1", "--notify", notify));
    assertEquals("r1", registry.current().runId());
    String summary1 = Files.readString(notified).trim();
    assertTrue(summary1.startsWith("shardcast retrain: run r1 PROMOTED"), summary1);
    assertEquals("0", Files.readString(Path.of(notified + ".code")));
    assertEquals(summary1, last(registry, "retrain").path("summary").asText());

    // 2. a trained linear model (on the shards r1 prepared), while a second retrain tries to start: the
    // lock refuses that one. (The trainer runs on this thread: a ridge-started model failed to train on
    // a pool thread, see the report.)
    Path lock = reg.resolve(RetrainLock.FILE_NAME);
    CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.exists(lock) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return Files.exists(lock) ? cli("retrain", plus(base, TRAINED), "--run-id", "rx", "--skip-prepare", "--notify",
          notify) : -1;
    });
    assertEquals(0, cli("retrain", plus(base, TRAINED), "--run-id", "r2", "--skip-prepare"));
    assertEquals(RetrainCommand.EXIT_LOCKED, second.get(1, TimeUnit.MINUTES), "the second run was refused by the lock");
    assertTrue(Files.readString(notified).startsWith("shardcast retrain: skipped, another run holds the lock"),
        Files.readString(notified));
    assertEquals("5", Files.readString(Path.of(notified + ".code")));
    assertFalse(Files.exists(reg.resolve("models/rx")), "the refused run trained nothing");
    assertEquals(1, registry.logLines().stream().filter(l -> l.path("outcome").asText().equals("locked")).count());
    assertFalse(Files.exists(lock), "released at the end");
    JsonNode d2 = last(registry, "retrain");
    assertEquals("r2", d2.path("run_id").asText());
    assertEquals("promoted", d2.path("outcome").asText(), d2.toString());
    assertEquals("r1", d2.path("current_run").asText());
    double r2Score = d2.path("candidate_score").asDouble();
    double r1Score = d2.path("current_score").asDouble();
    assertTrue(r2Score < r1Score, d2.toString());
    // The gate scored both on the same windows: r1 on r2's shards (the same data here) is r1's own test MAE,
    // and r2's is r2's.
    assertEquals(registry.metrics("r1").path("test").path("all").path("mae").asDouble(), r1Score, 1e-6 * r1Score);
    assertEquals(registry.metrics("r2").path("test").path("all").path("mae").asDouble(), r2Score, 1e-6 * r2Score);
    assertEquals(registry.metrics("r2").path("test").path("windows").asLong(), d2.path("test_windows").asLong());
    assertEquals("r2", registry.current().runId());
    assertEquals("r1", registry.current().previous());

    // 3. the untrained network again: worse than current by far more than the tolerance, refused
    assertEquals(0, cli("retrain", plus(base, UNTRAINED), "--run-id", "r3", "--skip-prepare"));
    JsonNode d3 = last(registry, "retrain");
    assertEquals("refused", d3.path("outcome").asText(), d3.toString());
    assertTrue(d3.path("candidate_score").asDouble() > d3.path("current_score").asDouble() * 1.02, d3.toString());
    assertEquals(r2Score, d3.path("current_score").asDouble(), 1e-6 * r2Score);
    assertEquals("r2", registry.current().runId(), "current unchanged");
    assertTrue(registry.hasModel("r3"), "the refused candidate stays in the registry (promote can still take it)");
    JsonNode gate3 = ItSupport.JSON.readTree(Files.readAllLines(reg.resolve("models/r3/run.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"gate\"")).findFirst().orElseThrow());
    assertEquals(d3.path("candidate_score").asDouble(), gate3.path("candidate_score").asDouble(), 0.0);
    assertEquals(d3.path("current_score").asDouble(), gate3.path("current_score").asDouble(), 0.0);
    assertEquals("refused", gate3.path("decision").asText());

    // 3b. warm start: a candidate of current's spec starts from current's weights (its starting point's val
    // loss is current's best), one with warm_start off from the ridge fit
    assertEquals(0, cli("retrain", plus(base, TRAINED), "--run-id", "r4", "--skip-prepare"));
    assertEquals("r2", last(registry, "retrain").path("warm_start_offered_from").asText());
    JsonNode start4 = startingPoint(reg.resolve("models/r4"));
    assertEquals("current model", start4.path("from").asText());
    double r2Val = registry.metrics("r2").path("best_val_loss").asDouble();
    assertEquals(r2Val, start4.path("val_loss").asDouble(), 1e-6 * r2Val);
    assertEquals(0, cli("retrain", plus(base, TRAINED), "--run-id", "r5", "--skip-prepare", "--set",
        "registry.warm_start=false"));
    assertEquals("ridge fit", startingPoint(reg.resolve("models/r5")).path("from").asText());
    assertEquals(0, cli("promote", base, "r2"));

    // 4. predict serves current
    assertEquals(registry.modelLocation("r2"), PredictCommand.servedModel(ConfigLoader.load(ItSupport.demoJob(), base),
        dir.resolve("shards/model").toString()));

    // 5. roll back to r1 and forward to r2; a run that does not exist is refused
    assertEquals(0, cli("promote", base, "r1"));
    assertEquals("r1", registry.current().runId());
    assertEquals("r2", registry.current().previous());
    assertEquals("models/r1/best", registry.current().model());
    // over a stale lock (its process is gone): taken over
    Files.writeString(lock, "{\"pid\":" + deadPid() + ",\"host\":\"" + RetrainLock.host() + "\",\"started\":\""
        + Instant.now() + "\",\"command\":\"retrain\",\"token\":\"crashed\"}");
    assertEquals(0, cli("promote", base, "r2"));
    assertEquals("r2", registry.current().runId());
    assertFalse(Files.exists(lock));
    assertEquals(1, cli("promote", base, "nope"));
    assertEquals("r2", registry.current().runId());
    // --gate: r3 against current r2 is refused, r1 too
    assertEquals(0, cli("promote", base, "r3", "--gate"));
    assertEquals("r2", registry.current().runId());
    assertEquals("refused", last(registry, "promote").path("decision").asText());
  }

  static JsonNode startingPoint(Path run) throws Exception {
    for (String l : Files.readAllLines(run.resolve("run.jsonl"))) {
      JsonNode n = ItSupport.JSON.readTree(l);
      if (n.path("event").asText().equals("starting_point")) {
        return n;
      }
    }
    throw new AssertionError("no starting_point in " + run);
  }

  /** A pid that no process has any more: a child that already exited. */
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void aLockIsStaleWhenItsProcessIsGoneOrItIsTooOld(@TempDir Path dir) throws Exception {
    Path lock = dir.resolve("retrain.lock");
    Duration maxAge = Duration.ofMinutes(60);
    String me = RetrainLock.host();
    long live = ProcessHandle.current().pid();
    // a live process of this host, recent: held
    Files.writeString(lock, "{\"pid\":" + live + ",\"host\":\"" + me + "\",\"started\":\"" + Instant.now()
        + "\",\"command\":\"retrain\"}");
    RetrainLock.HeldException held = assertThrows(RetrainLock.HeldException.class,
        () -> RetrainLock.acquire(lock, "retrain", maxAge));
    assertTrue(held.getMessage().contains("pid " + live), held.getMessage());
    // another host's process cannot be checked: held while recent...
    Files.writeString(lock, "{\"pid\":1,\"host\":\"elsewhere\",\"started\":\"" + Instant.now() + "\"}");
    assertThrows(RetrainLock.HeldException.class, () -> RetrainLock.acquire(lock, "retrain", maxAge));
    // ...and stale once older than the max age
    Files.writeString(lock, "{\"pid\":1,\"host\":\"elsewhere\",\"started\":\"" + Instant.now().minus(Duration.ofMinutes(61))
        + "\"}");
    try (RetrainLock l = RetrainLock.acquire(lock, "retrain", maxAge)) {
      assertTrue(Files.readString(lock).contains("\"pid\":" + live));
    }
    assertFalse(Files.exists(lock), "released");
    // a dead process of this host: stale at once
    Files.writeString(lock, "{\"pid\":" + deadPid() + ",\"host\":\"" + me + "\",\"started\":\"" + Instant.now() + "\"}");
    try (RetrainLock l = RetrainLock.acquire(lock, "retrain", maxAge)) {
      assertNotNull(l.file());
      // while held, nobody else gets it
      assertThrows(RetrainLock.HeldException.class, () -> RetrainLock.acquire(lock, "promote", maxAge));
    }
    assertFalse(Files.exists(lock));
  }

  /** While a live run holds the registry's lock, retrain exits 5 at once, trains nothing and logs it. */
  @Test
  void retrainIsRefusedWhileTheLockIsHeld(@TempDir Path dir) throws Exception {
    Path reg = dir.resolve("registry");
    Path notified = dir.resolve("notified.txt");
    try (RetrainLock held = RetrainLock.acquire(reg.resolve(RetrainLock.FILE_NAME), "retrain", Duration.ofHours(1))) {
      assertEquals(RetrainCommand.EXIT_LOCKED, cli("retrain", demo(dir, reg.toString()), "--notify",
          "cat > '" + notified + "'"));
      assertTrue(Files.exists(held.file()), "the holder's lock is left alone");
    }
    assertTrue(Files.readString(notified).contains("another run holds the lock"), Files.readString(notified));
    assertFalse(Files.exists(dir.resolve("shards")), "nothing prepared");
    assertFalse(Files.exists(reg.resolve("models")), "nothing trained");
    JsonNode line = new ModelRegistry(reg.toString(), null).logLines().get(0);
    assertEquals("locked", line.path("outcome").asText());
    assertEquals(5, line.path("exit_code").asInt());
  }

  @Test
  void registryConfigErrorsNameTheKey(@TempDir Path dir) {
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine c = ShardcastCli.commandLine();
    c.setErr(new java.io.PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("promote", ItSupport.demoJob().toString(), "r1"));
    for (String s : demo(dir, dir.toString())) {
      args.add("--set");
      args.add(s);
    }
    args.addAll(List.of("--set", "registry.tolerance=-0.1"));
    assertEquals(2, c.execute(args.toArray(String[]::new)));
    assertTrue(err.toString().contains("'registry.tolerance' must be >= 0"), err.toString());
    // retrain without a registry: exit 2, and the summary line says so
    assertEquals(2, cli("retrain", List.of("input.path=" + ItSupport.demoCsv())));
  }
}
