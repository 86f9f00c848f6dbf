package dev.shardcast.training.data;

import ai.djl.ndarray.NDManager;
import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One epoch of a compact-layout split, on the reader's prefetch thread: the files of a group
 * ({@code shuffle_buffer} files, consecutive in the epoch's order) are fetched and decoded by worker
 * threads, the next group's while this one is batched; their windows are pooled, permuted and cut
 * into batches ({@link CompactPool}), handed over in position order from {@code from}.
 */
final class CompactProducer implements EpochProducer {
  private final ShardManifest.Schema schema;
  private final CompactDecoder decoder;
  private final CompactPool pool;
  private final SegmentCache cache;
  private final List<ShardManifest.ShardFile> shards;
  private final int[] order;
  private final long seed;
  private final int epoch;
  private final NDManager parent;

  CompactProducer(ShardManifest.Schema schema, CompactDecoder decoder, CompactPool pool, SegmentCache cache,
      List<ShardManifest.ShardFile> shards, int[] order, long seed, int epoch, NDManager parent) {
    this.schema = schema;
    this.decoder = decoder;
    this.pool = pool;
    this.cache = cache;
    this.shards = shards;
    this.order = order;
    this.seed = seed;
    this.epoch = epoch;
    this.parent = parent;
  }

  @Override
  public void run(int from, int workers, String threadName, Function<ShardManifest.ShardFile, byte[]> fetch,
      Predicate<Batch> hand, BooleanSupplier closed) throws Throwable {
    int groupSize = schema.shuffleBuffer();
    ExecutorService executor = EpochProducer.daemonPool(workers, threadName);
    try {
      List<Future<List<WindowSegment>>> next = submit(executor, from / groupSize, groupSize, fetch);
      for (int group = from / groupSize; group * groupSize < order.length && !closed.getAsBoolean(); group++) {
        List<Future<List<WindowSegment>>> current = next;
        next = submit(executor, group + 1, groupSize, fetch);
        List<List<WindowSegment>> files = new ArrayList<>();
        for (Future<List<WindowSegment>> f : current) {
          try {
            files.add(f.get());
          } catch (ExecutionException e) {
            throw e.getCause();
          }
        }
        CompactPool.Pooled pooled = pool.pool(files, seed, epoch, group);
        int lo = group * groupSize;
        int hi = Math.min(order.length, lo + groupSize);
        // One batch per file, as many windows as a file holds: batch_size, except a split's last file
        // (and, in an incremental output, each span's last); the partial ones go last in the group.
        long[] sizes = new long[hi - lo];
        long total = 0;
        for (int pos = lo; pos < hi; pos++) {
          sizes[pos - lo] = -shards.get(order[pos]).rows();
          total += shards.get(order[pos]).rows();
        }
        java.util.Arrays.sort(sizes);
        if (pooled.size() != total) {
          throw new ShardReadException(shards.get(order[lo]).path(), "the " + (hi - lo) + " shards from "
              + shards.get(order[lo]).path() + " hold " + pooled.size() + " windows, not the " + total
              + " their manifest entries say");
        }
        int start = 0;
        for (int b = 0; b < Math.max(lo, from) - lo; b++) {
          start += (int) -sizes[b];
        }
        try (CompactPool.GroupTensors tensors = pool.tensors(pooled, parent)) {
          int pos = Math.max(lo, from);
          while (pos < hi && !closed.getAsBoolean()) {
            // A chunk: the next whole batches whose windows' values fit CompactPool.CHUNK_VALUES (one at least).
            int chunkEnd = pos + 1;
            long windows = -sizes[pos - lo];
            while (chunkEnd < hi && (windows - sizes[chunkEnd - lo]) * pool.valuesPerWindow() <= CompactPool.CHUNK_VALUES) {
              windows -= sizes[chunkEnd++ - lo];
            }
            try (CompactPool.Chunk chunk = pool.gather(pooled, tensors, start, start + (int) windows)) {
              for (; pos < chunkEnd && !closed.getAsBoolean(); pos++) {
                int end = start + (int) -sizes[pos - lo];
                Batch batch = pool.batch(pooled, chunk, start, end, pos, shards.get(order[pos]).path(), parent);
                start = end;
                if (!hand.test(batch)) {
                  return;
                }
              }
            }
          }
        }
      }
    } finally {
      // Decoded segments are plain Java arrays, but a worker still decoding holds Arrow memory of the
      // reader's allocator: wait for the workers (interrupt flag cleared) so that a reader closed
      // right after a failure finds every Arrow buffer released.
      executor.shutdownNow();
      boolean interrupted = Thread.interrupted();
      try {
        executor.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private List<Future<List<WindowSegment>>> submit(ExecutorService executor, int group, int groupSize,
      Function<ShardManifest.ShardFile, byte[]> fetch) {
    List<Future<List<WindowSegment>>> out = new ArrayList<>();
    for (int pos = group * groupSize; pos < Math.min(order.length, (group + 1) * groupSize); pos++) {
      ShardManifest.ShardFile f = shards.get(order[pos]);
      String key = f.path() + "#" + f.sha256();
      List<WindowSegment> kept = cache.get(key);
      if (kept != null) {
        out.add(java.util.concurrent.CompletableFuture.completedFuture(kept));
        continue;
      }
      out.add(executor.submit(() -> {
        List<WindowSegment> segments = decoder.decode(f, fetch.apply(f));
        pool.check(f, segments);
        cache.offer(key, segments);
        return segments;
      }));
    }
    return out;
  }
}
