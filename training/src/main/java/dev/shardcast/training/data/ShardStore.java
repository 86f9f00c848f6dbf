package dev.shardcast.training.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Read access to one prepare output folder, by paths relative to it (as the manifest lists them).
 * The shard reader uses nothing else, so an object store can be added without touching it.
 */
public interface ShardStore {
  /** Whole-object sequential read. */
  InputStream open(String relativePath) throws IOException;

  default byte[] readAll(String relativePath) throws IOException {
    try (InputStream in = open(relativePath)) {
      return in.readAllBytes();
    }
  }

  /** Where the store is, for messages. */
  String describe();
}
