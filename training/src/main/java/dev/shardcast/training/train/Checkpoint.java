package dev.shardcast.training.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.shardcast.training.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Everything a killed run needs to continue exactly where it was: parameters, optimizer state, the
 * position in the data (epoch and next shard of that epoch's seeded order), the global step (which
 * also fixes every later dropout mask, see {@code ModelFactory.engineSeed}), the partial epoch's
 * loss sums, early-stopping state and the finished epochs' metrics.
 *
 * <p>One file, written atomically ({@link AtomicFiles}), so there is never a checkpoint whose
 * parameters and position disagree. Layout: magic, format version, then three length-prefixed
 * blobs (JSON {@link State}, DJL block parameters, optimizer NDList encoding), then a CRC32.
 * Only the latest checkpoint is kept.
 */
public record Checkpoint(State state, byte[] parameters, byte[] optimizer) {

  public static final String FILE_NAME = "checkpoint.ckpt";
  private static final byte[] MAGIC = "SHARDCAST-CKPT\n".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 2; // 2: epochPoints (masked loss)

  /**
   * @param epoch the epoch in progress (or the next one, when {@code nextShard} is 0)
   * @param nextShard position in {@code epoch}'s shard order to continue from
   * @param globalStep training steps (= optimizer updates) done so far
   * @param epochLossSum sum over this epoch's observed target points so far of their train loss
   * @param epochPoints observed target points in this epoch so far (filled points are no targets)
   * @param epochWindows windows in this epoch so far
   * @param bestValLoss best monitored loss so far; null before the first epoch end
   * @param finished true once training ended (all epochs, or early stop): resume does nothing
   * @param trajectoryHash hash of everything that shapes the training path; resume refuses a
   *     different one
   * @param configHash the caller's config hash (job config / manifest), informative
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record State(
      int epoch,
      int nextShard,
      long globalStep,
      double epochLossSum,
      long epochPoints,
      long epochWindows,
      Double bestValLoss,
      int bestEpoch,
      int epochsWithoutImprovement,
      boolean finished,
      boolean earlyStopped,
      long seed,
      String optimizer,
      String trajectoryHash,
      String configHash,
      List<EpochMetrics> history) {

    public State {
      history = history == null ? List.of() : List.copyOf(history);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static Path path(Path checkpointDir) {
    return checkpointDir.resolve(FILE_NAME);
  }

  public void write(Path file) throws IOException {
    byte[] header = JSON.writeValueAsBytes(state);
    ByteArrayOutputStream body = new ByteArrayOutputStream(parameters.length + optimizer.length + 4096);
    try (DataOutputStream out = new DataOutputStream(body)) {
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      writeBlob(out, header);
      writeBlob(out, parameters);
      writeBlob(out, optimizer);
    }
    byte[] bytes = body.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(bytes);
    AtomicFiles.write(
        file,
        out -> {
          out.write(bytes);
          new DataOutputStream(out).writeLong(crc.getValue());
        });
  }

  /** The checkpoint in {@code file}, or empty when there is none. */
  public static Optional<Checkpoint> readIfExists(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    byte[] all = Files.readAllBytes(file);
    if (all.length < MAGIC.length + 4 + 8) {
      throw new IOException(file + ": too short for a checkpoint (" + all.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw new IOException(file + ": checkpoint checksum mismatch (corrupt file)");
    }
    try (InputStream raw = new java.io.ByteArrayInputStream(all, 0, all.length - 8);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + ": not a shardcast checkpoint");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(file + ": checkpoint format " + version + ", expected " + FORMAT_VERSION);
      }
      State state = JSON.readValue(readBlob(in), State.class);
      return Optional.of(new Checkpoint(state, readBlob(in), readBlob(in)));
    }
  }

  private static void writeBlob(DataOutputStream out, byte[] blob) throws IOException {
    out.writeInt(blob.length);
    out.write(blob);
  }

  private static byte[] readBlob(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative blob length in checkpoint");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new IOException("checkpoint truncated");
    }
    return b;
  }
}
