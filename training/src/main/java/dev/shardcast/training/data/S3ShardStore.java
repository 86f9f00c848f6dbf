package dev.shardcast.training.data;

import dev.shardcast.transforms.store.S3Location;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A prepare output under an S3 prefix: each shard is one whole-object sequential GET (no ranges, no
 * seeks: a shard is one training batch, read once per epoch). The reader fetches several at a time
 * ({@link #parallelFetches}), so per-request latency overlaps instead of adding up.
 */
public final class S3ShardStore implements ShardStore {
  /** GETs in flight per epoch iterator: enough to hide ~50 ms request latency behind decoding. */
  static final int PARALLEL_FETCHES = 4;

  private final S3Client client;
  private final S3Location root;

  public S3ShardStore(S3Client client, S3Location root) {
    this.client = client;
    this.root = root;
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    S3Location at = root.resolve(relativePath);
    try {
      return client.getObject(b -> b.bucket(at.bucket()).key(at.key()));
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(at + " does not exist");
    } catch (SdkException e) {
      throw new IOException("GET " + at + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * One GET that reads the whole body inside the SDK call, so a connection lost mid-body is retried
   * as a failed request is ({@code s3.retry}); a stream from {@link #open} fails on its own then.
   */
  @Override
  public byte[] readAll(String relativePath) throws IOException {
    S3Location at = root.resolve(relativePath);
    try {
      return client.getObjectAsBytes(b -> b.bucket(at.bucket()).key(at.key())).asByteArray();
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException(at + " does not exist");
    } catch (SdkException e) {
      throw new IOException("GET " + at + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int parallelFetches() {
    return PARALLEL_FETCHES;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String describe() {
    return root.toString().replaceAll("/$", "");
  }
}
