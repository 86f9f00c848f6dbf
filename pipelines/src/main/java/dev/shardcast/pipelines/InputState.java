package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.transforms.beam.OutputFiles;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.InputPaths;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What a retrain's shards were prepared from: every input file (local: size and SHA-256; remote:
 * size and last-modified time, as the object store lists them) and a digest of the config that
 * shapes the shards (without {@code train:}, {@code runner:}, {@code s3:}, {@code incremental:},
 * {@code registry:} but its keep_scaler, and
 * {@code scaler.from}, which keep_scaler sets to a path that changes from run to run). Kept as {@value #FILE} beside the manifest, written after it; retrain compares it
 * with the inputs of now and skips a run that would only prepare and train on the same data again.
 */
record InputState(String configDigest, List<FileState> files) {
  static final String FILE = "retrain-inputs.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One input file: size and last-modified time; for local files also the SHA-256 (what a change is
   * judged by), for remote ones the last-modified time is (as the object store lists it).
   */
  record FileState(String source, String path, long bytes, String sha256, Long lastModifiedMillis) {
    /** The same content: SHA-256 where both have one, else size and last-modified time. */
    boolean sameAs(FileState o) {
      if (sha256 != null && o.sha256 != null) {
        return bytes == o.bytes && sha256.equals(o.sha256);
      }
      return bytes == o.bytes && java.util.Objects.equals(lastModifiedMillis, o.lastModifiedMillis);
    }
  }

  static InputState of(JobConfig config) throws IOException {
    return of(config, List.of());
  }

  /**
   * @param known files recorded before: a local file with the same path, size and modification time
   *     keeps its recorded SHA-256 instead of being read again (as git's index does), so a daily run
   *     over a growing history reads only the new files
   */
  static InputState of(JobConfig config, java.util.Collection<FileState> known) throws IOException {
    java.util.Map<String, FileState> byPath = new java.util.HashMap<>();
    known.forEach(f -> byPath.put(f.path(), f));
    JobPlan plan = new JobPlan(config);
    List<FileState> files = new ArrayList<>();
    List<JobConfig.Source> sources = plan.sources();
    for (int i = 0; i < sources.size(); i++) {
      JobConfig.Source src = sources.get(i);
      String key = plan.sourcePathKey(i);
      if (InputPaths.isLocal(src.path())) {
        for (String f : InputPaths.match(key, src.path())) {
          Path p = Path.of(f);
          long bytes = Files.size(p);
          long modified = Files.getLastModifiedTime(p).toMillis();
          FileState before = byPath.get(f);
          String sha = before != null && before.sha256() != null && before.bytes() == bytes
              && Long.valueOf(modified).equals(before.lastModifiedMillis()) ? before.sha256() : sha256(p);
          files.add(new FileState(src.name(), f, bytes, sha, modified));
        }
      } else {
        for (MatchResult.Metadata m : FileSystems.match(src.path()).metadata()) {
          files.add(new FileState(src.name(), m.resourceId().toString(), m.sizeBytes(), null, m.lastModifiedMillis()));
        }
      }
    }
    return new InputState(configDigest(config), files);
  }

  /** The same config digest and the same files with the same content (a touched, unchanged file is the same). */
  boolean sameAs(InputState o) {
    if (o == null || !configDigest.equals(o.configDigest) || files.size() != o.files.size()) {
      return false;
    }
    for (int i = 0; i < files.size(); i++) {
      if (!files.get(i).path().equals(o.files.get(i).path()) || !files.get(i).sameAs(o.files.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The state the last finished retrain prepare left in {@code output}, or null. */
  static InputState read(String output) throws IOException {
    if (!OutputFiles.exists(output, FILE) || !OutputFiles.exists(output, dev.shardcast.transforms.shard.ShardManifest.FILE_NAME)) {
      return null;
    }
    try {
      return JSON.readValue(OutputFiles.read(output, FILE), InputState.class);
    } catch (IOException e) {
      return null; // unreadable (a kill mid-write): prepare again
    }
  }

  void write(String output) throws IOException {
    OutputFiles.writeAtomically(output, FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
  }

  static String configDigest(JobConfig config) {
    ObjectNode tree = ConfigLoader.toTree(config).deepCopy();
    tree.remove("train");
    tree.remove("registry");
    // how changes are picked up, where it runs and how it reaches S3: not what the shards are (the
    // runners write the same bytes, FlinkRunnerTest)
    tree.remove("incremental");
    tree.remove("runner");
    tree.remove("s3");
    // which scaler the shards get is part of what they are
    tree.put("keep_scaler", config.registry() != null && config.registry().keepScalerOrDefault());
    JsonNode scaler = tree.get("scaler");
    if (scaler instanceof ObjectNode s) {
      s.remove("from");
    }
    return sha256(tree.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
