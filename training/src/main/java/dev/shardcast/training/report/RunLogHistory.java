package dev.shardcast.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.train.EpochMetrics;
import dev.shardcast.training.train.RunLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The current run's epochs and starting point, read back from a {@code run.jsonl}. The log is
 * append-only across runs: a fresh {@code run_start} (not resumed) starts the story over, a resumed
 * one continues it, and an epoch logged twice (redone after a kill) counts once, the last line winning.
 * A line torn by a kill is skipped.
 *
 * @param startingPoint the starting point's val loss, null when the run had none
 */
public record RunLogHistory(List<EpochMetrics> epochs, Double startingPoint) {

  public static RunLogHistory read(Path runLog) throws IOException {
    TreeMap<Integer, EpochMetrics> epochs = new TreeMap<>();
    Double start = null;
    if (!Files.isRegularFile(runLog)) {
      return new RunLogHistory(List.of(), null);
    }
    for (String line : Files.readAllLines(runLog, StandardCharsets.UTF_8)) {
      JsonNode e;
      try {
        e = RunLog.json().readTree(line);
      } catch (IOException torn) {
        continue;
      }
      if (e == null) {
        continue;
      }
      switch (e.path("event").asText()) {
        case "run_start" -> {
          if (e.path("resumed_from").isNull() || e.path("resumed_from").isMissingNode()) {
            epochs.clear();
            start = null;
          }
        }
        case "starting_point" -> start = e.path("val_loss").isNumber() ? e.get("val_loss").asDouble() : null;
        case "epoch" -> epochs.put(e.path("epoch").asInt(), new EpochMetrics(e.path("epoch").asInt(),
            num(e, "train_loss"), num(e, "val_loss"), e.path("windows").asLong(), num(e, "windows_per_s"),
            num(e, "data_wait_fraction"), num(e, "seconds")));
        default -> { }
      }
    }
    return new RunLogHistory(new ArrayList<>(epochs.values()), start);
  }

  private static double num(JsonNode e, String key) {
    return e.path(key).isNumber() ? e.get(key).asDouble() : Double.NaN;
  }
}
