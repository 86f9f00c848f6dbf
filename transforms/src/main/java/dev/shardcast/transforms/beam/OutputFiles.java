package dev.shardcast.transforms.beam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Files under the job's output location, through Beam's {@link FileSystems}, so the same code writes
 * to a local folder or an object store.
 */
public final class OutputFiles {
  private OutputFiles() {}

  public static ResourceId resolve(String outputDir, String relativePath) {
    ResourceId dir = FileSystems.matchNewResource(outputDir, true);
    String[] parts = relativePath.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      dir = dir.resolve(parts[i], StandardResolveOptions.RESOLVE_DIRECTORY);
    }
    return dir.resolve(parts[parts.length - 1], StandardResolveOptions.RESOLVE_FILE);
  }

  public static void write(String outputDir, String relativePath, byte[] bytes) throws IOException {
    // Closed once, through the stream: S3's channel completes its multipart upload on close, and a
    // second close would upload again into the finished upload.
    WritableByteChannel ch = FileSystems.create(resolve(outputDir, relativePath), MimeTypes.BINARY);
    try (OutputStream out = Channels.newOutputStream(ch)) {
      out.write(bytes);
    }
  }

  /** Temp file, then rename: a reader sees the whole file or none. */
  public static void writeAtomically(String outputDir, String relativePath, byte[] bytes) throws IOException {
    String tmp = relativePath + ".tmp";
    write(outputDir, tmp, bytes);
    FileSystems.rename(List.of(resolve(outputDir, tmp)), List.of(resolve(outputDir, relativePath)),
        MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  public static byte[] read(String outputDir, String relativePath) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(resolve(outputDir, relativePath)))) {
      return in.readAllBytes();
    }
  }

  /** A text file under the output location, read line by line (a quarantine file may be large). */
  public static java.io.BufferedReader reader(String outputDir, String relativePath) throws IOException {
    return new java.io.BufferedReader(Channels.newReader(FileSystems.open(resolve(outputDir, relativePath)),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Whether the file is there. A listing that failed (the object store did not answer, after its
   * retries) throws: taken as "absent" it would skip a drift baseline that exists.
   */
  public static boolean exists(String outputDir, String relativePath) throws IOException {
    return !matches(resolve(outputDir, relativePath).toString()).isEmpty();
  }

  /**
   * Deletes what matches a glob under the output location (a missing file is fine). A listing that
   * failed throws: taken as "nothing to delete" it would leave an old manifest in place next to the
   * shards this run is about to replace.
   */
  public static int deleteMatching(String outputDir, String relativeGlob) throws IOException {
    List<ResourceId> ids = new ArrayList<>();
    for (MatchResult.Metadata md : matches(resolve(outputDir, relativeGlob).toString())) {
      ids.add(md.resourceId());
    }
    FileSystems.delete(ids, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    return ids.size();
  }

  /** What a path or glob matches; none when nothing does. */
  private static List<MatchResult.Metadata> matches(String pattern) throws IOException {
    // With ALLOW, "not found" comes back as OK and empty; metadata() throws the listing's
    // IOException when the status is ERROR.
    return FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata();
  }
}
