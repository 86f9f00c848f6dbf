package dev.shardcast.training.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

/**
 * The run's history as JSON Lines: one event object per line, {@code event} and {@code time}
 * first. The file is only ever opened in append mode, so a resumed (or repeated) run adds to the
 * story of the earlier ones instead of replacing it; each line is flushed as it is written, so a
 * kill loses at most the line being written.
 *
 * <p>Events: run_start, epoch, checkpoint, early_stop, run_end.
 */
public final class RunLog implements AutoCloseable {
  public static final String FILE_NAME = "run.jsonl";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final OutputStream out;

  public RunLog(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  public Path file() {
    return file;
  }

  /** Starts an event object with its name and time; add fields, then {@link #write}. */
  public ObjectNode event(String name) {
    ObjectNode n = JSON.createObjectNode();
    n.put("event", name);
    n.put("time", Instant.now().toString());
    return n;
  }

  public synchronized void write(ObjectNode event) {
    try {
      byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
      out.write(line);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to run log " + file, e);
    }
  }

  public void runStart(
      JsonNode config,
      String gitCommit,
      String configHash,
      String manifestHash,
      String device,
      String flavour,
      long seed,
      String resumedFrom) {
    ObjectNode e = event("run_start");
    e.set("config", config);
    e.put("git_commit", gitCommit);
    e.put("config_hash", configHash);
    e.put("manifest_hash", manifestHash);
    e.put("device", device);
    e.put("native_flavour", flavour);
    e.put("seed", seed);
    e.put("resumed_from", resumedFrom);
    write(e);
  }

  public void epoch(EpochMetrics m) {
    ObjectNode e = event("epoch");
    e.put("epoch", m.epoch());
    putFinite(e, "train_loss", m.trainLoss());
    putFinite(e, "val_loss", m.valLoss());
    e.put("windows", m.windows());
    putFinite(e, "windows_per_s", m.windowsPerS());
    putFinite(e, "data_wait_fraction", m.dataWaitFraction());
    e.put("seconds", m.seconds());
    write(e);
  }

  public void checkpoint(int epoch, int nextShard, long step, Path path) {
    ObjectNode e = event("checkpoint");
    e.put("epoch", epoch);
    e.put("shard", nextShard);
    e.put("step", step);
    e.put("path", path.toString());
    write(e);
  }

  public void earlyStop(int epoch, double bestLoss, int bestEpoch, int patience) {
    ObjectNode e = event("early_stop");
    e.put("epoch", epoch);
    putFinite(e, "best_val_loss", bestLoss);
    e.put("best_epoch", bestEpoch);
    e.put("patience", patience);
    write(e);
  }

  public void runEnd(Map<String, ?> testMetrics, double wallSeconds) {
    ObjectNode e = event("run_end");
    e.set("test", JSON.valueToTree(testMetrics == null ? Map.of() : testMetrics));
    e.put("wall_seconds", wallSeconds);
    write(e);
  }

  /** JSON has no NaN/Infinity: those become null. */
  private static void putFinite(ObjectNode e, String key, double v) {
    if (Double.isFinite(v)) {
      e.put(key, v);
    } else {
      e.putNull(key);
    }
  }

  public static ObjectMapper json() {
    return JSON;
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
