package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.train.RunLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sweep/state.jsonl}: one line per finished trial (id, parameters, scores), appended once the
 * trial's model and metrics are written. A trial without a line is not finished and is trained
 * (again) by the next sweep; a line torn by a kill is ignored, so that trial is trained again.
 */
final class SweepState {
  static final String FILE_NAME = "state.jsonl";

  private final Path file;

  SweepState(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The finished trials by id (the last line of a trial wins). */
  synchronized Map<String, JsonNode> finished() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = RunLog.json().readTree(line);
        if (n.hasNonNull("trial")) {
          out.put(n.get("trial").asText(), n);
        }
      } catch (IOException torn) {
        // the half line a kill -9 left: that trial is not finished
      }
    }
    return out;
  }

  /** Appends one line in one write: concurrent trials (one JVM) do not interleave. */
  synchronized void record(ObjectNode line) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] bytes = (RunLog.json().writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    // a line torn by an earlier kill must not swallow this one: start on a fresh line
    if (Files.isRegularFile(file) && Files.size(file) > 0) {
      byte[] all = Files.readAllBytes(file);
      if (all[all.length - 1] != '\n') {
        bytes = ("\n" + new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      }
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(bytes);
    }
  }
}
