package dev.shardcast.training.io;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.S3Location;
import dev.shardcast.transforms.store.S3Objects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where train writes its model folder, checkpoints and run log: a local folder as it is, or an S3
 * prefix mirrored from a local working folder. The trainer only ever writes local files (atomic
 * renames, appends); {@link #push} uploads what changed since the last push, and the trainer
 * pushes after every checkpoint, so a killed run on one machine resumes on another from the
 * checkpoint in S3 ({@link #open} with resume downloads the prefix first).
 *
 * <p>Each object is replaced whole by one PUT (multipart above 64 MiB), so a reader sees the old or
 * the new checkpoint, never half of one; the checkpoint is pushed after the run log and the best
 * model, so the state it points to is in S3 before it is.
 */
public final class ModelOutput implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelOutput.class);

  private final String location;
  private final Path local;
  private final S3Client client;
  private final S3Location remote;
  private final Map<Path, String> pushed = new HashMap<>(); // file → size:mtime at its last upload

  private ModelOutput(String location, Path local, S3Client client, S3Location remote) {
    this.location = location;
    this.local = local;
    this.client = client;
    this.remote = remote;
  }

  /**
   * @param resume for an S3 output, download what a previous run left (checkpoint, run log,
   *     models) so the run continues from it; a fresh run starts from an empty working folder
   */
  public static ModelOutput open(String location, JobConfig.S3 s3, boolean resume) throws IOException {
    if (!S3Location.isS3(location)) {
      Path dir = Path.of(location);
      Files.createDirectories(dir);
      return new ModelOutput(location, dir, null, null);
    }
    S3Location remote = S3Location.parse(location);
    S3Client client = S3Clients.create(s3);
    Path work = Files.createTempDirectory("shardcast-model-");
    ModelOutput out = new ModelOutput(location, work, client, remote);
    // The run log is append-only across runs: always continue the one in S3.
    int n = resume ? S3Objects.download(client, remote, work) : downloadRunLog(client, remote, work);
    LOG.info("model output {} (working copy {}; {} object(s) brought down{})", location, work, n,
        resume ? " to resume" : "");
    out.rememberAll();
    return out;
  }

  private static int downloadRunLog(S3Client client, S3Location remote, Path work) throws IOException {
    String log = dev.shardcast.training.train.RunLog.FILE_NAME;
    if (!S3Objects.list(client, remote).containsKey(log)) {
      return 0;
    }
    Files.write(work.resolve(log), S3Objects.get(client, remote.resolve(log)));
    return 1;
  }

  /** The folder the trainer writes into. */
  public Path local() {
    return local;
  }

  /** Where a local path of this output is for the user (its S3 URI for an S3 output). */
  public String describe(Path file) {
    if (remote == null) {
      return file.toString();
    }
    return remote.resolve(local.relativize(file).toString().replace('\\', '/')).toString();
  }

  public String location() {
    return location;
  }

  /** Uploads every file that changed since the last push; the checkpoint last. No-op for a local output. */
  public synchronized void push() throws IOException {
    if (remote == null) {
      return;
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(local)) {
      files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(AtomicFiles.TMP_SUFFIX))
          .sorted((a, b) -> Boolean.compare(isCheckpoint(a), isCheckpoint(b))).toList();
    }
    for (Path f : files) {
      String stamp = Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis();
      if (!stamp.equals(pushed.get(f))) {
        S3Objects.put(client, remote.resolve(local.relativize(f).toString().replace('\\', '/')), f);
        pushed.put(f, stamp);
      }
    }
  }

  private static boolean isCheckpoint(Path p) {
    return p.getFileName().toString().endsWith(".ckpt");
  }

  private void rememberAll() throws IOException {
    try (Stream<Path> s = Files.walk(local)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        pushed.put(f, Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis());
      }
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
