package dev.shardcast.training.data;

import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.SpanManifests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An incremental output seen with {@code train.replay_fraction}: the same store, whose manifest's
 * train split holds the newest span's shards and that share of the older spans' ({@link
 * SpanManifests#replay}). Everything that reads the manifest (reader, checks, ridge fit) sees the same cut.
 */
public final class ReplayStore implements ShardStore {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayStore.class);
  private final ShardStore store;
  private final byte[] manifest;

  private ReplayStore(ShardStore store, byte[] manifest) {
    this.store = store;
    this.manifest = manifest;
  }

  /** {@code store} itself when there is no fraction or no manifest with spans. */
  public static ShardStore of(ShardStore store, Double fraction, long seed) throws IOException {
    if (fraction == null || !store.hasManifest()) {
      return store;
    }
    ShardManifest all = ShardManifest.fromJson(store.readAll(ShardManifest.FILE_NAME));
    ShardManifest cut = SpanManifests.replay(all, fraction, seed);
    if (cut == all) {
      LOG.info("train.replay_fraction {}: {} has no spans, every train shard is used", fraction, store.describe());
      return store;
    }
    LOG.info("train.replay_fraction {}: training on {} of {} train shards ({} of {} windows): the newest span's and "
        + "a seeded share of the older spans'", fraction, cut.splits().get("train").shardCount(),
        all.splits().get("train").shardCount(), cut.splits().get("train").windows(), all.splits().get("train").windows());
    return new ReplayStore(store, cut.toJson());
  }

  @Override
  public InputStream open(String relativePath) throws IOException {
    return ShardManifest.FILE_NAME.equals(relativePath) ? new ByteArrayInputStream(manifest) : store.open(relativePath);
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public int parallelFetches() {
    return store.parallelFetches();
  }

  @Override
  public void close() {
    store.close();
  }
}
