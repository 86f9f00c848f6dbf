package dev.shardcast.training.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Read access to one prepare output folder, by paths relative to it (as the manifest lists them).
 * The shard reader uses nothing else, so an object store can be added without touching it.
 */
public interface ShardStore extends AutoCloseable {
  /** Frees what the store holds (an S3 client's connections); a local folder holds nothing. */
  @Override
  default void close() {}

  /** Whole-object sequential read. */
  InputStream open(String relativePath) throws IOException;

  default byte[] readAll(String relativePath) throws IOException {
    try (InputStream in = open(relativePath)) {
      return in.readAllBytes();
    }
  }

  /** Where the store is, for messages. */
  String describe();

  /** How many whole-shard reads the reader keeps in flight (1: one after the other). */
  default int parallelFetches() {
    return 1;
  }

  /** The prepare output at {@code location}: a local folder, or {@code s3://bucket/prefix}. */
  static ShardStore of(String location, dev.shardcast.transforms.config.JobConfig.S3 s3) {
    if (dev.shardcast.transforms.store.S3Location.isS3(location)) {
      return new S3ShardStore(dev.shardcast.transforms.store.S3Clients.create(s3),
          dev.shardcast.transforms.store.S3Location.parse(location));
    }
    return new LocalShardStore(java.nio.file.Path.of(location));
  }

  /** Whether the output has a manifest: prepare writes it last, so without one the output is incomplete. */
  default boolean hasManifest() {
    try (InputStream in = open(dev.shardcast.transforms.shard.ShardManifest.FILE_NAME)) {
      return true;
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
