package dev.shardcast.training.data;

import ai.djl.ndarray.NDManager;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoch of a window-layout split, on the reader's prefetch thread: each file is one batch, fetched
 * and decoded by worker threads several files ahead of the one handed over, in the epoch's order.
 * Decoding (SHA-256, Arrow) is the reader's cost, and with a small model one thread could not keep up
 * with the training step; with an object store the workers also overlap the GETs' latency. At most
 * {@code workers} files are in the works beyond the reader's queue.
 */
final class WindowProducer implements EpochProducer {
  private static final Logger LOG = LoggerFactory.getLogger(WindowProducer.class);
  private static final long JOIN_MILLIS = 60_000;

  private final ShardDecoder decoder;
  private final List<ShardManifest.ShardFile> shards;
  private final int[] order;
  private final NDManager parent;

  WindowProducer(ShardDecoder decoder, List<ShardManifest.ShardFile> shards, int[] order, NDManager parent) {
    this.decoder = decoder;
    this.shards = shards;
    this.order = order;
    this.parent = parent;
  }

  @Override
  public void run(int from, int workers, String threadName, Function<ShardManifest.ShardFile, byte[]> fetch,
      Predicate<List<Batch>> hand, BooleanSupplier closed) throws Throwable {
    ExecutorService pool = workers == 1 ? null : EpochProducer.daemonPool(workers, threadName);
    Map<Integer, Future<Batch>> inFlight = new HashMap<>();
    try {
      for (int pos = from; pos < order.length && !closed.getAsBoolean(); pos++) {
        for (int next = pos; pool != null && next < Math.min(order.length, pos + workers); next++) {
          ShardManifest.ShardFile f = shards.get(order[next]);
          int at = next;
          inFlight.computeIfAbsent(next, k -> pool.submit(() -> decoder.decode(f, fetch.apply(f), at, parent)));
        }
        Batch batch;
        if (pool == null) {
          ShardManifest.ShardFile file = shards.get(order[pos]);
          batch = decoder.decode(file, fetch.apply(file), pos, parent);
        } else {
          // Removed only once it has its result: if close() interrupts this wait, the worker may
          // still finish the batch, and the finally below must find it to close it.
          try {
            batch = inFlight.get(pos).get();
          } catch (ExecutionException e) {
            throw e.getCause();
          }
          inFlight.remove(pos);
        }
        if (!hand.test(List.of(batch))) {
          return;
        }
      }
    } finally {
      if (pool != null) {
        stop(pool, threadName);
        // Shards decoded ahead that nobody will take: free them now, not when the reader closes.
        for (Future<Batch> f : inFlight.values()) {
          if (f.isDone() && !f.isCancelled()) {
            try {
              f.get().close();
            } catch (Exception ignored) {
              // it failed: nothing was allocated
            }
          }
        }
      }
    }
  }

  /**
   * close() interrupts the prefetch thread; a flag still set would make the wait return at once and
   * leave a worker's batch, finished a moment later, unclosed. The workers stop promptly
   * (interrupted), so wait for them with the flag cleared.
   */
  private static void stop(ExecutorService pool, String threadName) {
    pool.shutdownNow();
    boolean interrupted = Thread.interrupted();
    try {
      if (!pool.awaitTermination(JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
        LOG.warn("decode workers {} did not stop within {} ms", threadName, JOIN_MILLIS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
