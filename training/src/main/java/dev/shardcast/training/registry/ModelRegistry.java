package dev.shardcast.training.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.io.AtomicFiles;
import dev.shardcast.training.io.Locations;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.S3Location;
import dev.shardcast.transforms.store.S3Objects;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A folder (local or S3) of trained runs and the pointer to the one served:
 * <pre>
 *   &lt;location&gt;/models/&lt;run-id&gt;/   one retrain's train output: best/ (model, manifest copy, scaler,
 *                              metrics), run.jsonl, metrics.json, checkpoints
 *   &lt;location&gt;/current.json         {"run_id", "model", "promoted_at", "previous", "reason"}
 *   &lt;location&gt;/registry.jsonl       one line per retrain, gate decision and promote (append-only)
 * </pre>
 * {@code current.json} is replaced whole: locally by write-then-rename, in S3 by one PUT (a reader
 * sees the old or the new pointer, never a mix). In S3 the log is read, extended by one line and
 * written back: the retrain lock keeps the writers of one host apart (docs/registry.md).
 */
public final class ModelRegistry {
  public static final String CURRENT_FILE = "current.json";
  public static final String LOG_FILE = "registry.jsonl";
  public static final String MODELS = "models";
  /** What a run id may be: it names a folder and an S3 prefix (a Step Functions execution name fits). */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final String location;
  private final JobConfig.S3 s3;

  public ModelRegistry(String location, JobConfig.S3 s3) {
    this.location = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    this.s3 = s3;
  }

  /** The job's registry; null when it has none. */
  public static ModelRegistry of(JobConfig job) {
    return job.registry() == null ? null : new ModelRegistry(job.registry().location(), S3Clients.settings(job));
  }

  /** The pointer: which run is served. */
  public record Current(String runId, String model, String promotedAt, String previous, String reason) {}

  public String location() {
    return location;
  }

  public boolean isS3() {
    return S3Location.isS3(location);
  }

  public static String checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("run id '" + runId + "' must be 1-128 of letters, digits, '.', '_', '-' "
          + "(starting with a letter or digit)");
    }
    return runId;
  }

  /** Where a run's train output goes: {@code <location>/models/<run-id>}. */
  public String runLocation(String runId) {
    return location + "/" + MODELS + "/" + checkRunId(runId);
  }

  /** A run's model folder (what predict loads): {@code <run>/best}. */
  public String modelLocation(String runId) {
    return runLocation(runId) + "/best";
  }

  /** Whether the run has a finished model (its best/model.params). */
  public boolean hasModel(String runId) throws IOException {
    return exists(MODELS + "/" + checkRunId(runId) + "/best/" + dev.shardcast.training.model.SavedModel.PARAMS_FILE);
  }

  /** The run's metrics.json, null if it has none. */
  public JsonNode metrics(String runId) throws IOException {
    byte[] b = read(MODELS + "/" + checkRunId(runId) + "/metrics.json");
    return b == null ? null : RunLog.json().readTree(b);
  }

  /** A local copy (or the folder itself) of a run's model folder. */
  public Path fetchModel(String runId) throws IOException {
    return Locations.fetchFolder(modelLocation(runId), s3);
  }

  /** The pointer, or null when nothing was promoted yet. */
  public Current current() throws IOException {
    byte[] b = read(CURRENT_FILE);
    return b == null ? null : RunLog.json().readValue(b, Current.class);
  }

  /** Points {@code current} at the run (one atomic replace), and logs it; returns the new pointer. */
  public Current setCurrent(String runId, String reason) throws IOException {
    if (!hasModel(runId)) {
      throw new FileNotFoundException("no model for run '" + runId + "' in " + location + " (expected "
          + modelLocation(runId) + "/model.params)");
    }
    Current before = current();
    Current now = new Current(runId, MODELS + "/" + runId + "/best", Instant.now().toString(),
        before == null ? null : before.runId(), reason);
    write(CURRENT_FILE, RunLog.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(now));
    return now;
  }

  /** Starts a log event ({@code event}, {@code time}); add fields, then {@link #log}. */
  public ObjectNode event(String name) {
    ObjectNode n = RunLog.json().createObjectNode();
    n.put("event", name);
    n.put("time", Instant.now().toString());
    return n;
  }

  /** Appends one line to {@code registry.jsonl}. */
  public void log(ObjectNode event) throws IOException {
    append(LOG_FILE, event);
  }

  /** Appends the gate's decision to the candidate's own run log ({@code models/<run-id>/run.jsonl}) too. */
  public void logToRun(String runId, ObjectNode event) throws IOException {
    append(MODELS + "/" + checkRunId(runId) + "/" + RunLog.FILE_NAME, event);
  }

  private void append(String rel, ObjectNode event) throws IOException {
    byte[] line = (RunLog.json().writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
    if (!isS3()) {
      Path f = Path.of(location, rel);
      Files.createDirectories(f.toAbsolutePath().getParent());
      // one write of one line in append mode: lines of concurrent writers do not interleave
      Files.write(f, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      return;
    }
    byte[] old = read(rel);
    write(rel, old == null ? line : concat(old, line));
  }

  /** The log's lines (for tests and the CLI). */
  public java.util.List<JsonNode> logLines() throws IOException {
    byte[] b = read(LOG_FILE);
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    if (b != null) {
      for (String l : new String(b, StandardCharsets.UTF_8).split("\n")) {
        if (!l.isBlank()) {
          out.add(RunLog.json().readTree(l));
        }
      }
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private boolean exists(String rel) {
    if (!isS3()) {
      return Files.isRegularFile(Path.of(location, rel));
    }
    try (S3Client client = S3Clients.create(s3)) {
      S3Location at = S3Location.parse(location).resolve(rel);
      client.headObject(b -> b.bucket(at.bucket()).key(at.key()));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private byte[] read(String rel) throws IOException {
    if (!isS3()) {
      try {
        return Files.readAllBytes(Path.of(location, rel));
      } catch (NoSuchFileException e) {
        return null;
      }
    }
    try (S3Client client = S3Clients.create(s3)) {
      return S3Objects.get(client, S3Location.parse(location).resolve(rel));
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  private void write(String rel, byte[] bytes) throws IOException {
    if (!isS3()) {
      AtomicFiles.write(Path.of(location, rel), bytes);
      return;
    }
    try (S3Client client = S3Clients.create(s3)) {
      S3Objects.put(client, S3Location.parse(location).resolve(rel), bytes);
    }
  }
}
