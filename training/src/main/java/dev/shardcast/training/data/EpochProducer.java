package dev.shardcast.training.data;

import dev.shardcast.transforms.shard.ShardManifest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One epoch's batches, produced on the reader's prefetch thread for its queue: {@link WindowProducer}
 * for the window layout, {@link CompactProducer} for the compact one.
 */
interface EpochProducer {
  /**
   * Hands the batches from position {@code from} on; throws what failed, only once every worker has
   * stopped and its Arrow memory is released (a consumer that closes the reader on the failure must
   * find nothing still allocated).
   *
   * @param workers threads that fetch and decode shards ahead
   * @param fetch a shard's bytes from the store
   * @param hand queues batches, in order; false when the iterator was closed (the batches are closed then)
   * @param closed whether the iterator was closed
   */
  void run(int from, int workers, String threadName, Function<ShardManifest.ShardFile, byte[]> fetch,
      Predicate<List<Batch>> hand, BooleanSupplier closed) throws Throwable;

  /** Worker threads named {@code threadName}, daemons (they never keep the JVM alive on their own). */
  static ExecutorService daemonPool(int workers, String threadName) {
    return Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }
}
