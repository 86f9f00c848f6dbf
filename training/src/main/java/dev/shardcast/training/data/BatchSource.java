package dev.shardcast.training.data;

import java.util.Iterator;

/** The batches of one split, one epoch at a time, in a seeded shard order. */
public interface BatchSource extends AutoCloseable {
  /** Number of shard files (= batches) in a split. */
  int shardCount(String split);

  /**
   * Batches of {@code split} for {@code epoch}, in the order {@link ShardOrder} draws from (seed,
   * epoch), starting at position {@code fromShard} of that order (0 for a whole epoch; more when resuming).
   * The caller closes each batch.
   */
  Iterator<Batch> epoch(String split, long seed, int epoch, int fromShard);

  @Override
  void close();
}
