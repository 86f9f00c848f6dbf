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
      Predicate<List<Batch>> hand, BooleanSupplier closed) throws Throwable {
    if (from >= order.length) {
      return;
    }
    ExecutorService executor = EpochProducer.daemonPool(workers, threadName);
    // Fills get their own threads, so that they never queue behind the next group's decodes (in epoch 0
    // a file's fetch, checksum and decode take milliseconds; a chunk's fill well under one).
    ExecutorService fillers = pool.host() ? EpochProducer.daemonPool(workers, threadName.replace("-decode", "-fill")) : null;
    try {
      if (pool.host()) {
        onHost(executor, fillers, workers, from, fetch, hand, closed);
      } else {
        onDevice(executor, from, fetch, hand, closed);
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

  /** The device path: a group's windows moved to the device once, each chunk of batches gathered there. */
  private void onDevice(ExecutorService executor, int from, Function<ShardManifest.ShardFile, byte[]> fetch,
      Predicate<List<Batch>> hand, BooleanSupplier closed) throws Throwable {
    int groupSize = schema.shuffleBuffer();
    List<Future<List<WindowSegment>>> next = submit(executor, from / groupSize, groupSize, fetch);
    for (int group = from / groupSize; group * groupSize < order.length && !closed.getAsBoolean(); group++) {
      List<Future<List<WindowSegment>>> current = next;
      next = submit(executor, group + 1, groupSize, fetch);
      Group g = prepare(group, current);
      int lo = g.lo();
      int pos = Math.max(lo, from);
      int start = windows(lo, pos, lo, g.sizes()); // the windows of the batches skipped on resume
      try (DeviceGather.GroupTensors tensors = device.tensors(g.pooled(), parent)) {
        while (pos < g.hi() && !closed.getAsBoolean()) {
          int chunkEnd = chunkEnd(pos, lo, g.hi(), g.sizes(), CompactPool.CHUNK_VALUES);
          try (DeviceGather.Chunk chunk = device.gather(g.pooled(), tensors, start,
              start + windows(pos, chunkEnd, lo, g.sizes()))) {
            for (; pos < chunkEnd && !closed.getAsBoolean(); pos++) {
              int end = start + (int) -g.sizes()[pos - lo];
              Batch batch = device.batch(g.pooled(), chunk, start, end, pos, shards.get(order[pos]).path(), parent);
              start = end;
              if (!hand.test(List.of(batch))) {
                return;
              }
            }
          }
        }
      }
    }
  }

  /**
   * The host path: batches filled by the fill threads a chunk of whole batches per task (as many as
   * fit {@link CompactPool#CHUNK_VALUES}: fewer thread hand-offs than a task per batch), up to two
   * chunks a thread ahead of the one handed over, in position order. The chunks run on across group
   * boundaries: the next group is pooled on this thread while the current one's chunks are filled
   * (once its files are decoded), so that the fill threads never wait for a group to drain.
   */
  private void onHost(ExecutorService executor, ExecutorService fillers, int workers, int from,
      Function<ShardManifest.ShardFile, byte[]> fetch, Predicate<List<Batch>> hand, BooleanSupplier closed) throws Throwable {
    int groupSize = schema.shuffleBuffer();
    int group = from / groupSize;
    List<Future<List<WindowSegment>>> files = submit(executor, group, groupSize, fetch);
    // The next group's decodes are queued behind this one's before waiting for it, as on the device path.
    List<Future<List<WindowSegment>>> decoding = submit(executor, group + 1, groupSize, fetch);
    Group current = prepare(group, files);
    Group ahead = null;
    int next = Math.max(current.lo(), from);
    int nextStart = windows(current.lo(), next, current.lo(), current.sizes()); // the windows skipped on resume
    ArrayDeque<Future<List<Batch>>> inFlight = new ArrayDeque<>();
    ArrayDeque<Integer> inFlightWindows = new ArrayDeque<>(); // each chunk's windows
    long windowsInFlight = 0;
    try {
      while (!closed.getAsBoolean()) {
        while (inFlight.size() < 2 * workers) {
          if (next >= current.hi()) {
            if (ahead == null) {
              break;
            }
            current = ahead;
            ahead = null;
            group++;
            next = current.lo();
            nextStart = 0;
            decoding = submit(executor, group + 1, groupSize, fetch);
          }
          // With nothing in flight the consumer waits: it gets one batch's fill first, not a chunk's. Then
          // a chunk holds at most what is already in flight, so chunks grow 1, 1, 2, 4... batches up to
          // CHUNK_VALUES: the consumer has batches to work on while the next, bigger chunk fills.
          int first = next;
          long limit = Math.min(CompactPool.CHUNK_VALUES, windowsInFlight * pool.valuesPerWindow());
          int last = chunkEnd(first, current.lo(), current.hi(), current.sizes(), limit);
          int start = nextStart;
          Group g = current;
          inFlight.add(fillers.submit(() -> fill(g.pooled(), g.lo(), g.sizes(), first, last, start)));
          int windows = windows(first, last, g.lo(), g.sizes());
          inFlightWindows.add(windows);
          windowsInFlight += windows;
          next = last;
          nextStart = start + windows;
        }
        // Pool the next group ahead, but wait for its decodes only when nothing else is left to hand over.
        if (ahead == null && (group + 1) * groupSize < order.length
            && (inFlight.isEmpty() || decoding.stream().allMatch(Future::isDone))) {
          ahead = prepare(group + 1, decoding);
          continue;
        }
        if (inFlight.isEmpty()) {
          return;
        }
        List<Batch> chunk;
        try {
          windowsInFlight -= inFlightWindows.poll();
          chunk = inFlight.poll().get();
        } catch (ExecutionException e) {
          throw e.getCause();
        }
        if (!hand.test(chunk)) { // a chunk at a time: the consumer is woken once for its batches
          return;
        }
      }
    } finally {
      // Batches filled but not handed over: wait for them (a chunk takes a few milliseconds) and free them.
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

  /** A chunk from batch {@code pos}: the next whole batches whose values fit {@code maxValues} (one at least); its end. */
  private int chunkEnd(int pos, int lo, int hi, long[] sizes, long maxValues) {
    int end = pos + 1;
    long windows = -sizes[pos - lo];
    while (end < hi && (windows - sizes[end - lo]) * pool.valuesPerWindow() <= maxValues) {
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
