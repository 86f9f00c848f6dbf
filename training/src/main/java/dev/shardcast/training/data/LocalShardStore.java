package dev.shardcast.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A prepare output folder on the local file system. */
public final class LocalShardStore implements ShardStore {
  private final Path root;

  public LocalShardStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    Path p = root.resolve(relativePath).normalize();
    if (!p.startsWith(root)) {
      throw new IOException("path " + relativePath + " leaves the shard folder " + root);
    }
    return Files.newInputStream(p);
  }

  @Override
  public String describe() {
    return root.toString();
  }

  public Path root() {
    return root;
  }
}
