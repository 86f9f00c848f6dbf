package dev.shardcast.training.data;

/**
 * A shard could not be used: unreadable, not the file the manifest describes (SHA-256, size, row
 * count), or not the shape the manifest's schema promises. Unchecked because it surfaces from
 * {@link java.util.Iterator#next()}; the message always names the shard's path.
 */
public class ShardReadException extends RuntimeException {
  private final String path;

  public ShardReadException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  public ShardReadException(String path, String message) {
    this(path, message, null);
  }

  /** The shard's path relative to the shard folder, as the manifest lists it. */
  public String path() {
    return path;
  }
}
