package dev.shardcast.transforms.store;

import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An S3 request that still failed when its retries ran out (the store did not answer, answered
 * HTTP 5xx, or kept throttling): the message names the operation, the object and the attempts.
 *
 * <p>An {@link SdkClientException}, so code that handles the SDK's client errors (Beam's S3
 * channels wrap them in an IOException, shardcast's own readers) treats it as before; the CLI finds
 * it in the cause chain and exits {@link #EXIT_CODE} with this message, not the innermost socket
 * error ("Connection refused") that names nothing.
 */
public final class S3StorageException extends SdkClientException {
  /** The CLI's exit code for a storage failure: not a bug (1) and not the job's fault (2); run it again later. */
  public static final int EXIT_CODE = 6;

  private static final long serialVersionUID = 1L;
  private final String location;
  private final int attempts;

  S3StorageException(String message, String location, int attempts, Throwable cause) {
    super(SdkClientException.builder().message(message).cause(cause));
    this.location = location;
    this.attempts = attempts;
  }

  /** {@code s3://bucket/key} (or the bucket, or a prefix) the failed request was about. */
  public String location() {
    return location;
  }

  /** How many times the request was sent. */
  public int attempts() {
    return attempts;
  }

  @Override
  public String getMessage() {
    return rawMessage(); // the SDK's getMessage() would append its own attempt count to ours
  }
}
