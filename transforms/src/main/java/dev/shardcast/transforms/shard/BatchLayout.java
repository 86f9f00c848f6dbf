package dev.shardcast.transforms.shard;

import dev.shardcast.transforms.core.SeededHash;

/**
 * How the windows of a split become batches. Each window gets a seeded shuffle key from its identity
 * (series and start step: the grid step, or the event rank with frequency none, unique even when
 * events share a timestamp); windows are ranked by it (ties by series and start step), and batch
 * {@code b} holds ranks {@code [b*B, (b+1)*B)}.
 * To rank without one global sort, the key space is cut into equal ranges, each sorted on its own;
 * a range's first rank is the number of windows in the ranges before it.
 */
public final class BatchLayout {
  /** Windows per key range: the unit of sorting work. */
  public static final long WINDOWS_PER_RANGE = 250_000;

  private BatchLayout() {}

  public static long shuffleKey(long seed, int split, String series, long startStep) {
    return SeededHash.of(seed * 31 + split, series, startStep);
  }

  public static int rangeCount(long windowsInSplit) {
    return (int) Math.max(1, (windowsInSplit + WINDOWS_PER_RANGE - 1) / WINDOWS_PER_RANGE);
  }

  public static int rangeOf(long shuffleKey, int ranges) {
    return Math.min(ranges - 1, (int) (SeededHash.unit(shuffleKey) * ranges));
  }

  public static long batchCount(long windows, int batchSize) {
    return (windows + batchSize - 1) / batchSize;
  }
}
