package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 point 3: {@code train} killed with SIGKILL in the middle of an epoch, after a checkpoint,
 * then {@code train --resume}, ends with the very same parameters as a run that never stopped.
 */
@Tag("slow") // a prepare, two trainings and a child JVM with PyTorch: about 2 min on 2 cores
class TrainCrashTest {
  private static final int EPOCHS = 3;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void killedMidEpochThenResumedGivesTheUninterruptedParameters(@TempDir Path tmp) throws Exception {
    Path shards = tmp.resolve("shards");
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + shards,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "train.epochs=" + EPOCHS, "train.checkpoint_every=5", "train.device=cpu"));
    PrepareJob.run(ConfigLoader.load(ItSupport.demoJob(), o), List.of());

    Path straight = tmp.resolve("straight");
    TrainJob.run(ConfigLoader.load(ItSupport.demoJob(), with(o, "train.output=" + straight)), false, null);

    Path killed = tmp.resolve("killed");
    List<String> args = new ArrayList<>(List.of("train", ItSupport.demoJob().toString()));
    for (String s : with(o, "train.output=" + killed)) {
      args.add("--set");
      args.add(s);
    }
    Path checkpoint = killed.resolve("checkpoints/checkpoint.ckpt");
    Path log = tmp.resolve("child.log");
    Process child = ChildCli.start(ItSupport.repoRoot(), log, args.toArray(String[]::new));
    try {
      while (!Files.exists(checkpoint)) {
        if (!child.isAlive()) {
          fail("train ended (exit " + child.exitValue() + ") before its first checkpoint:\n" + Files.readString(log));
        }
        Thread.sleep(5);
      }
      assertTrue(child.isAlive(), "train finished before the kill");
    } finally {
      ChildCli.kill(child);
    }
    assertFalse(Files.exists(killed.resolve("final")), "the killed run got to its end");
    long epochsLogged = Files.readAllLines(killed.resolve("run.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"epoch\"")).count();
    assertTrue(epochsLogged < EPOCHS, epochsLogged + " epochs logged before the kill");

    TrainJob.run(ConfigLoader.load(ItSupport.demoJob(), with(o, "train.output=" + killed)), true, null);
    assertTrue(Files.readString(killed.resolve("run.jsonl")).contains("\"resumed_from\":\""), "the rerun resumed from a checkpoint");
    for (String dir : List.of("final", "best")) {
      for (String f : List.of("model.params", "model.json")) {
        assertArrayEquals(Files.readAllBytes(straight.resolve(dir).resolve(f)),
            Files.readAllBytes(killed.resolve(dir).resolve(f)), dir + "/" + f);
      }
    }
    assertEquals(valLosses(straight), valLosses(killed), "val loss per epoch");
  }

  private static List<String> with(List<String> overrides, String more) {
    List<String> all = new ArrayList<>(overrides);
    all.add(more);
    return all;
  }

  /** The val_loss of every epoch event, in order (a resumed run logs each epoch once too). */
  private static List<String> valLosses(Path trainOut) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(trainOut.resolve("run.jsonl"))) {
      var n = ItSupport.JSON.readTree(line);
      if (n.path("event").asText().equals("epoch")) {
        out.add(n.path("val_loss").asText());
      }
    }
    return out;
  }
}
