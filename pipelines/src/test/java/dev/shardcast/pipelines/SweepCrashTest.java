package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 point 3 and #12 point 5: a {@code sweep} of 8 configs on the demo, killed with SIGKILL
 * in a child JVM once 3 trials are recorded, then rerun: the rerun keeps the finished trials, trains
 * the rest (the interrupted one from its checkpoint or from scratch) and ends with every trial's
 * parameters and scores equal to a sweep that never stopped.
 */
@Tag("slow") // two sweeps of 8 short trials and a child JVM with PyTorch: about 2 min on 2 cores
class SweepCrashTest {

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void killedSweepRerunEqualsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
    // Every sweep in a fresh child JVM, as the CLI runs: the property under test is crash and resume,
    // so nothing a test JVM ran before may take part (CI once saw a linear trial's val MAE differ in
    // the 9th digit between this JVM, after ~170 other tests, and a fresh one; see the closing note).
    Path straight = tmp.resolve("straight");
    assertEquals(0, runChild(tmp, "straight", args(straight)));

    Path killed = tmp.resolve("killed");
    // the shards first, in this JVM, so the child spends its time in trials
    CliRun prepared = CliRun.of(Duration.ofMinutes(3), prepareArgs(killed));
    assertEquals(0, prepared.code(), prepared.all());
    Path state = killed.resolve("sweep/state.jsonl");
    Path log = tmp.resolve("child.log");
    Process child = ChildCli.start(ItSupport.repoRoot(), log, args(killed));
    int recordedAtKill;
    try {
      while (lines(state) < 3) {
        if (!child.isAlive()) {
          fail("sweep ended (exit " + child.exitValue() + ") before its third trial:\n" + Files.readString(log));
        }
        Thread.sleep(5);
      }
      assertTrue(child.isAlive(), "the sweep finished before the kill");
    } finally {
      ChildCli.kill(child);
    }
    recordedAtKill = lines(state);
    assertTrue(recordedAtKill < 8, recordedAtKill + " trials recorded before the kill");

    assertEquals(0, runChild(tmp, "rerun", args(killed)));
    String rerun = Files.readString(tmp.resolve("rerun.log"));
    assertTrue(rerun.contains("8 trials, " + recordedAtKill + " already finished (kept), " + (8 - recordedAtKill)
        + " to train"), rerun);

    // trial ids hash the whole config, shards.output included: match the two sweeps' trials by parameters
    Map<String, String> a = trials(straight);
    Map<String, String> b = trials(killed);
    assertEquals(8, a.size());
    assertEquals(a.keySet(), b.keySet(), "the same 8 parameter sets");
    for (String params : a.keySet()) {
      Path x = straight.resolve("sweep").resolve(a.get(params));
      Path y = killed.resolve("sweep").resolve(b.get(params));
      JsonNode mx = ItSupport.JSON.readTree(x.resolve("metrics.json").toFile());
      JsonNode my = ItSupport.JSON.readTree(y.resolve("metrics.json").toFile());
      for (String split : List.of("val", "test")) {
        assertEquals(mx.path(split).path("all").path("mae").asDouble(), my.path(split).path("all").path("mae").asDouble(),
            0.0, params + " " + split + " MAE");
      }
      for (String f : List.of("model.params", "model.json")) {
        assertArrayEquals(Files.readAllBytes(x.resolve("best").resolve(f)), Files.readAllBytes(y.resolve("best").resolve(f)),
            params + " best/" + f);
      }
    }
    assertEquals(8, lines(state), "one state line per trial, none twice");
  }

  /** The CLI in a child JVM to its end; its exit code (its output in {@code <name>.log}). */
  private static int runChild(Path tmp, String name, String[] args) throws Exception {
    Path log = tmp.resolve(name + ".log");
    Process p = ChildCli.start(ItSupport.repoRoot(), log, args);
    try {
      if (!p.waitFor(4, TimeUnit.MINUTES)) {
        fail(name + " did not end within 4 minutes:\n" + Files.readString(log));
      }
    } finally {
      if (p.isAlive()) {
        ChildCli.kill(p);
      }
    }
    if (p.exitValue() != 0) {
      System.err.println(Files.readString(log));
    }
    return p.exitValue();
  }

  private static String[] args(Path out) {
    List<String> a = new ArrayList<>(List.of("sweep", ItSupport.demoJob().toString()));
    a.addAll(common(out));
    a.addAll(List.of("--set", "train.epochs=2", "--set", "train.checkpoint_every=3",
        "--grid", "train.optimizer.learning_rate=1e-3,1e-2", "--grid", "train.model.type=linear,mlp",
        "--grid", "train.model.hidden=[8],[16,16]"));
    return a.toArray(String[]::new);
  }

  private static String[] prepareArgs(Path out) {
    List<String> a = new ArrayList<>(List.of("prepare", ItSupport.demoJob().toString()));
    a.addAll(common(out));
    return a.toArray(String[]::new);
  }

  private static List<String> common(Path out) {
    return List.of("--sample", "4", "--set", "input.path=" + ItSupport.demoCsv(), "--set", "shards.output=" + out,
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "--set", "train.device=cpu");
  }

  /** Complete state lines (a line torn by the kill has no newline yet). */
  private static int lines(Path state) throws Exception {
    if (!Files.exists(state)) {
      return 0;
    }
    String text = Files.readString(state);
    return (int) text.chars().filter(c -> c == '\n').count();
  }

  /** Each finished trial's id by its parameters (state.jsonl). */
  private static Map<String, String> trials(Path out) throws Exception {
    Map<String, String> m = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("sweep/state.jsonl"))) {
      JsonNode n = ItSupport.JSON.readTree(line);
      assertTrue(n.path("params").isObject(), line);
      assertEquals(null, m.put(n.path("params").toString(), n.path("trial").asText()), "one line per trial: " + line);
    }
    return m;
  }
}
