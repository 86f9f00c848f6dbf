package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.training.train.RunLog;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retrain (or promote) at a time per registry: a local lock file holding the holder's pid, host
 * and start time. It is created complete or not at all (written to a temp file, then hard-linked to
 * the lock's name, which fails if the name exists). A lock is stale, and taken over, when its
 * process is gone (same host) or it is older than {@code registry.lock_max_age_minutes}.
 *
 * <p>For a local registry the lock is {@code <registry>/retrain.lock}; for an S3 registry a local
 * file in the system temp folder named after the registry's URI, so it keeps apart the runs of one
 * host (cron), not of several hosts (docs/registry.md).
 */
final class RetrainLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RetrainLock.class);
  static final String FILE_NAME = "retrain.lock";

  private final Path file;
  private final String token;

  private RetrainLock(Path file, String token) {
    this.file = file;
    this.token = token;
  }

  /** Where the lock of a registry lives. */
  static Path pathFor(ModelRegistry registry) {
    if (!registry.isS3()) {
      return Path.of(registry.location(), FILE_NAME);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(registry.location().getBytes(StandardCharsets.UTF_8));
      return Path.of(System.getProperty("java.io.tmpdir"), "shardcast-retrain-" + HexFormat.of().formatHex(h, 0, 8)
          + ".lock");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who holds a lock (for the message of the run that was refused). */
  record Holder(long pid, String host, String started, String command) {
    static Holder of(JsonNode n) {
      return new Holder(n.path("pid").asLong(-1), n.path("host").asText("?"), n.path("started").asText("?"),
          n.path("command").asText("?"));
    }

    @Override
    public String toString() {
      return command + " pid " + pid + " on " + host + " since " + started;
    }
  }

  /** Thrown when another live run holds the lock. */
  static final class HeldException extends Exception {
    final Holder holder;
    final Path file;

    HeldException(Path file, Holder holder) {
      super("another run holds the lock " + file + " (" + holder + ")");
      this.file = file;
      this.holder = holder;
    }
  }

  /**
   * Takes the lock, after clearing a stale one.
   *
   * @throws HeldException when a live run holds it
   */
  static RetrainLock acquire(Path file, String command, Duration maxAge) throws IOException, HeldException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    ObjectNode me = RunLog.json().createObjectNode();
    me.put("pid", ProcessHandle.current().pid());
    me.put("host", host());
    me.put("started", Instant.now().toString());
    me.put("command", command);
    me.put("token", java.util.UUID.randomUUID().toString());
    byte[] content = RunLog.json().writeValueAsBytes(me);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (create(file, content)) {
        return new RetrainLock(file, me.get("token").asText());
      }
      byte[] held;
      try {
        held = Files.readAllBytes(file);
      } catch (NoSuchFileException gone) {
        continue; // released meanwhile: try again
      }
      JsonNode other = parse(held);
      String stale = staleReason(file, other, maxAge);
      if (stale == null) {
        throw new HeldException(file, Holder.of(other));
      }
      // Moved aside rather than deleted: if another run took it over first, what we moved is its
      // fresh lock, which goes back.
      Path aside = file.resolveSibling(file.getFileName() + ".stale-" + me.get("token").asText());
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException gone) {
        continue;
      }
      byte[] moved = Files.readAllBytes(aside);
      if (!java.util.Arrays.equals(moved, held)) {
        create(file, moved);
        Files.deleteIfExists(aside);
        throw new HeldException(file, Holder.of(parse(moved)));
      }
      Files.deleteIfExists(aside);
      LOG.warn("lock {} was stale ({}): {}; taken over", file, stale, Holder.of(other));
    }
    throw new IOException("could not take the lock " + file + " after 3 attempts");
  }

  /** Null when the lock's holder may still run; else why it is stale. */
  static String staleReason(Path file, JsonNode holder, Duration maxAge) throws IOException {
    Instant started;
    try {
      started = Instant.parse(holder.path("started").asText());
    } catch (RuntimeException e) {
      // unreadable: a lock is written whole, so this is not one being written; judge by its age
      started = Files.getLastModifiedTime(file).toInstant();
    }
    if (Duration.between(started, Instant.now()).compareTo(maxAge) > 0) {
      return "older than " + maxAge.toMinutes() + " minutes";
    }
    long pid = holder.path("pid").asLong(-1);
    if (host().equals(holder.path("host").asText()) && pid > 0
        && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
      return "its process " + pid + " is gone";
    }
    return null;
  }

  private static JsonNode parse(byte[] b) {
    try {
      return RunLog.json().readTree(b);
    } catch (IOException e) {
      return RunLog.json().createObjectNode();
    }
  }

  /** Creates the lock whole or not at all; false if it exists. */
  private static boolean create(Path file, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".new");
    try {
      Files.write(tmp, content);
      try {
        Files.createLink(file, tmp);
      } catch (UnsupportedOperationException e) {
        Files.write(file, content, java.nio.file.StandardOpenOption.CREATE_NEW);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  Path file() {
    return file;
  }

  /** Removes the lock if it is still this run's. */
  @Override
  public void close() throws IOException {
    try {
      if (token.equals(parse(Files.readAllBytes(file)).path("token").asText())) {
        Files.delete(file);
      }
    } catch (NoSuchFileException e) {
      // gone already (taken over as stale): nothing to release
    }
  }
}
