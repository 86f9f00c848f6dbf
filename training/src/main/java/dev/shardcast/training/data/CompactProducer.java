package dev.shardcast.training.data;

import ai.djl.ndarray.NDManager;
import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.ArrayDeque;
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
  private final DeviceGather device;
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
    this.device = new DeviceGather(pool);
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
    // Fills get their own threads, so that they never queue behind the next group's decodes (in epoch 0
    // a file's fetch, checksum and decode take milliseconds; a chunk's fill well under one).
    ExecutorService fillers = pool.host() ? EpochProducer.daemonPool(workers, threadName.replace("-decode", "-fill")) : null;
    try {
      List<Future<List<WindowSegment>>> next = submit(executor, from / groupSize, groupSize, fetch);
      Group ahead = null;
      for (int group = from / groupSize; group * groupSize < order.length && !closed.getAsBoolean(); group++) {
        List<Future<List<WindowSegment>>> current = next;
        next = submit(executor, group + 1, groupSize, fetch);
        Group g = ahead != null ? ahead : prepare(group, current);
        ahead = null;
        int lo = g.lo();
        int hi = g.hi();
        long[] sizes = g.sizes();
        CompactPool.Pooled pooled = g.pooled();
        int start = windows(lo, Math.max(lo, from), lo, sizes); // the windows of the batches skipped on resume
        if (pool.host()) {
          // The next group is pooled on this thread while the workers fill this group's batches.
          int following = group + 1;
          List<Future<List<WindowSegment>>> followingFiles = next;
          Group[] prepared = new Group[1];
          WhileFilling prepareNext = () -> {
            if (following * groupSize >= order.length) {
              return true;
            }
            // Only once its files are decoded: waiting here for decodes would hold back this group's batches.
            if (followingFiles.stream().allMatch(Future::isDone)) {
              prepared[0] = prepare(following, followingFiles);
              return true;
            }
            return false;
          };
          if (!fillOnHost(fillers, workers, pooled, lo, hi, sizes, Math.max(lo, from), start, hand, closed,
              prepareNext)) {
            return;
          }
          ahead = prepared[0];
          continue;
        }
        try (DeviceGather.GroupTensors tensors = device.tensors(pooled, parent)) {
          int pos = Math.max(lo, from);
          while (pos < hi && !closed.getAsBoolean()) {
            int chunkEnd = chunkEnd(pos, lo, hi, sizes);
            try (DeviceGather.Chunk chunk = device.gather(pooled, tensors, start, start + windows(pos, chunkEnd, lo, sizes))) {
              for (; pos < chunkEnd && !closed.getAsBoolean(); pos++) {
                int end = start + (int) -sizes[pos - lo];
                Batch batch = device.batch(pooled, chunk, start, end, pos, shards.get(order[pos]).path(), parent);
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
      List<ExecutorService> pools = fillers == null ? List.of(executor) : List.of(executor, fillers);
      pools.forEach(ExecutorService::shutdownNow);
      boolean interrupted = Thread.interrupted();
      try {
        for (ExecutorService p : pools) {
          p.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A group ready to be cut into batches: its positions {@code [lo, hi)}, pooled windows and batch sizes (negated, sorted). */
  private record Group(int lo, int hi, CompactPool.Pooled pooled, long[] sizes) {}

  private Group prepare(int group, List<Future<List<WindowSegment>>> decoded) throws Throwable {
    List<List<WindowSegment>> files = new ArrayList<>();
    for (Future<List<WindowSegment>> f : decoded) {
      try {
        files.add(f.get());
      } catch (ExecutionException e) {
        throw e.getCause();
      }
    }
    CompactPool.Pooled pooled = pool.pool(files, seed, epoch, group);
    int lo = group * schema.shuffleBuffer();
    int hi = Math.min(order.length, lo + schema.shuffleBuffer());
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
    return new Group(lo, hi, pooled, sizes);
  }

  /** A chunk from batch {@code pos}: the next whole batches whose values fit CompactPool.CHUNK_VALUES (one at least); its end. */
  private int chunkEnd(int pos, int lo, int hi, long[] sizes) {
    int end = pos + 1;
    long windows = -sizes[pos - lo];
    while (end < hi && (windows - sizes[end - lo]) * pool.valuesPerWindow() <= CompactPool.CHUNK_VALUES) {
      windows -= sizes[end++ - lo];
    }
    return end;
  }

  /** Windows in batches {@code [first, last)} of a group. */
  private static int windows(int first, int last, int lo, long[] sizes) {
    long n = 0;
    for (int b = first; b < last; b++) {
      n -= sizes[b - lo];
    }
    return (int) n;
  }

  /** Work for the calling thread while the workers fill, tried between batches until it says done (it may throw what a decode threw). */
  private interface WhileFilling {
    boolean run() throws Throwable;
  }

  /**
   * Hands over the group's batches from position {@code pos} (its windows from {@code start}), filled
   * on the host by the worker threads a chunk of whole batches per task (as many as fit
   * {@link CompactPool#CHUNK_VALUES}: fewer thread hand-offs than a task per batch), a few chunks
   * ahead of the one handed over, in position order.
   *
   * @return false when the consumer stopped taking batches
   */
  private boolean fillOnHost(ExecutorService executor, int workers, CompactPool.Pooled pooled,
      int lo, int hi, long[] sizes, int pos, int start, Predicate<Batch> hand,
      BooleanSupplier closed, WhileFilling meanwhile) throws Throwable {
    ArrayDeque<Future<List<Batch>>> inFlight = new ArrayDeque<>();
    boolean done = false;
    ArrayDeque<Batch> ready = new ArrayDeque<>();
    try {
      int next = pos;
      int nextStart = start;
      while ((next < hi || !inFlight.isEmpty()) && !closed.getAsBoolean()) {
        while (next < hi && inFlight.size() < 2 * workers) {
          int first = next;
          // The group's first chunk is one batch: the consumer gets it after one batch's fill, not a chunk's.
          int last = first == pos ? first + 1 : chunkEnd(first, lo, hi, sizes);
          int from = nextStart;
          inFlight.add(executor.submit(() -> fill(pooled, lo, sizes, first, last, from)));
          next = last;
          nextStart = from + windows(first, last, lo, sizes);
        }
        if (!done) {
          done = meanwhile.run();
        }
        try {
          ready.addAll(inFlight.poll().get());
        } catch (ExecutionException e) {
          throw e.getCause();
        }
        while (!ready.isEmpty()) {
          if (!hand.test(ready.poll())) {
            return false;
          }
        }
      }
      return true;
    } finally {
      // Batches filled but not handed over: wait for them (a chunk takes about a millisecond) and free them.
      ready.forEach(Batch::close);
      for (Future<List<Batch>> f : inFlight) {
        try {
          f.get().forEach(Batch::close);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          // the failure that matters was thrown above, or the consumer is gone
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Batches {@code [first, last)} of a group, filled on the host (their windows from {@code start}). */
  private List<Batch> fill(CompactPool.Pooled pooled, int lo, long[] sizes,
      int first, int last, int start) {
    int[] bounds = new int[last - first + 1];
    String[] paths = new String[last - first];
    bounds[0] = start;
    for (int pos = first; pos < last; pos++) {
      bounds[pos - first + 1] = bounds[pos - first] + (int) -sizes[pos - lo];
      paths[pos - first] = shards.get(order[pos]).path();
    }
    return pool.hostBatches(pooled, bounds, first, paths, parent);
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
