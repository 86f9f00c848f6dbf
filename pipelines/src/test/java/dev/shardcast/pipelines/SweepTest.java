package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shardcast sweep}: 8 configs on the demo (2 cities, 1 epoch), stopped like a crash after the
 * third finished trial; the rerun trains only the other 5 and ranks all 8 by val MAE.
 */
class SweepTest {
  private static final Pattern ROW = Pattern.compile("^\\s+(\\d+)\\s+(t-[0-9a-f]{10})\\s+\\S+\\s+(\\S+)\\s", Pattern.MULTILINE);

  @AfterEach
  void noHook() {
    SweepCommand.afterTrialRecorded = null;
  }

  @Test
  void aSweepStoppedAfterThreeTrialsResumesAndRanks(@TempDir Path out) throws Exception {
    List<String> args = new ArrayList<>(List.of("sweep", ItSupport.demoJob().toString(), "--sample", "2",
        "--set", "input.path=" + ItSupport.demoCsv(), "--set", "shards.output=" + out,
        "--set", "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "--set", "train.epochs=1",
        "--grid", "train.optimizer.learning_rate=1e-3,1e-2", "--grid", "train.model.type=linear,mlp",
        "--grid", "train.model.hidden=[8],[16,16]"));
    AtomicInteger finished = new AtomicInteger();
    SweepCommand.afterTrialRecorded = () -> {
      if (finished.incrementAndGet() == 3) {
        throw new SweepCommand.TrialStop("stopped after 3 trials");
      }
    };
    CliRun first = CliRun.of(Duration.ofMinutes(4), args.toArray(String[]::new));
    assertEquals(1, first.code(), first.all());
    Path state = out.resolve("sweep/state.jsonl");
    List<String> kept = Files.readAllLines(state);
    assertEquals(3, kept.size(), first.all());
    Map<String, FileTime> keptTimes = new HashMap<>();
    for (String line : kept) {
      String id = ItSupport.JSON.readTree(line).path("trial").asText();
      keptTimes.put(id, Files.getLastModifiedTime(out.resolve("sweep").resolve(id).resolve("metrics.json")));
    }

    SweepCommand.afterTrialRecorded = null;
    CliRun second = CliRun.of(Duration.ofMinutes(4), args.toArray(String[]::new));
    assertEquals(0, second.code(), second.all());
    assertTrue(second.out().contains("8 trials, 3 already finished (kept), 5 to train"), second.out());
    assertEquals(8, Files.readAllLines(state).size());
    for (Map.Entry<String, FileTime> e : keptTimes.entrySet()) {
      assertEquals(e.getValue(), Files.getLastModifiedTime(out.resolve("sweep").resolve(e.getKey()).resolve("metrics.json")),
          "finished trial " + e.getKey() + " was not trained again");
    }

    // the table: 8 ranks in order, val MAE as in each trial's own metrics.json, ascending
    Matcher m = ROW.matcher(second.out());
    List<String> ids = new ArrayList<>();
    double previous = Double.NEGATIVE_INFINITY;
    while (m.find()) {
      assertEquals(ids.size() + 1, Integer.parseInt(m.group(1)));
      String id = m.group(2);
      ids.add(id);
      JsonNode metrics = ItSupport.JSON.readTree(out.resolve("sweep").resolve(id).resolve("metrics.json").toFile());
      double valMae = metrics.path("val").path("all").path("mae").asDouble();
      assertEquals(valMae, Double.parseDouble(m.group(3)), Math.abs(valMae) * 1e-3, id);
      assertTrue(valMae >= previous, "ranked by val MAE: " + second.out());
      previous = valMae;
      // every parameter named in the trial's own run log
      String runLog = Files.readString(out.resolve("sweep").resolve(id).resolve("run.jsonl"));
      assertTrue(runLog.contains("\"event\":\"sweep_trial\"") && runLog.contains("train.optimizer.learning_rate")
          && runLog.contains("train.model.hidden"), runLog);
    }
    assertEquals(8, ids.size(), second.out());
    assertEquals(8, new java.util.HashSet<>(ids).size());
    assertEquals(9, Files.readAllLines(out.resolve("sweep/summary.csv")).size());
  }
}
