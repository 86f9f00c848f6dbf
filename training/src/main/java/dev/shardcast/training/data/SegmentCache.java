package dev.shardcast.training.data;

import dev.shardcast.transforms.core.WindowSegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded compact shards kept for the next epochs, up to a byte budget: a compact shard decodes to
 * a few plain arrays (every point about once), so the whole split of a data set with millions of
 * windows fits in a fraction of the heap, and after the first epoch the training step waits for no
 * fetch, checksum or Parquet decode. The first shards offered stay and the rest are decoded every
 * epoch: an epoch reads every file once, so evicting the old for the new (LRU) would keep nothing.
 * Values and order are the same with or without it (decoding is deterministic).
 */
final class SegmentCache {
  /** Overrides the budget (bytes); the default is a quarter of the maximum heap. */
  static final String BUDGET_PROPERTY = "shardcast.segmentCacheBytes";

  private final long budget;
  private final Map<String, List<WindowSegment>> byShard = new HashMap<>();
  private long used;

  SegmentCache(long budget) {
    this.budget = budget;
  }

  static long defaultBudget() {
    String p = System.getProperty(BUDGET_PROPERTY);
    return p != null ? Long.parseLong(p) : Runtime.getRuntime().maxMemory() / 4;
  }

  /** The decoded segments of a shard (its path and checksum), or null when it is not kept. */
  synchronized List<WindowSegment> get(String key) {
    return byShard.get(key);
  }

  /** Keeps a shard's segments when they fit in what is left of the budget. */
  synchronized void offer(String key, List<WindowSegment> segments) {
    if (byShard.containsKey(key)) {
      return;
    }
    long bytes = bytes(segments);
    if (used + bytes <= budget) {
      byShard.put(key, List.copyOf(segments));
      used += bytes;
    }
  }

  synchronized long usedBytes() {
    return used;
  }

  synchronized int size() {
    return byShard.size();
  }

  /** Heap bytes of the segments' arrays, roughly (headers and the shared series strings ignored). */
  static long bytes(List<WindowSegment> segments) {
    long b = 0;
    for (WindowSegment s : segments) {
      b += 64 + 8L * s.times.length + 4L * s.offsets.length;
      for (float[] v : s.values) {
        b += 16 + 4L * v.length;
      }
      if (s.filled != null) {
        for (byte[] f : s.filled) {
          b += f == null ? 0 : 16 + f.length;
        }
      }
      if (s.sources != null) {
        b += 8L * s.sources.length;
      }
    }
    return b;
  }
}
