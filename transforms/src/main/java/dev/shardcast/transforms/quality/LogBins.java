package dev.shardcast.transforms.quality;

import java.util.Arrays;

/**
 * Counts per integer bin, for {@link ColumnProfile}'s log-magnitude bins: an open-addressing map of
 * primitive ints to longs. It is updated for every value of every numeric column (millions of times
 * a prepare); a boxed TreeMap made that half of all profiling time. Read in ascending key order.
 */
final class LogBins {
  /** No bin can be this: log10|x| x 1000 of a double lies within +-400,000. */
  private static final int EMPTY = Integer.MIN_VALUE;
  private int[] keys = emptyKeys(16);
  private long[] counts = new long[16];
  private int size;

  void add(int key, long count) {
    int i = slot(keys, key);
    if (keys[i] == EMPTY) {
      keys[i] = key;
      counts[i] = count;
      if (++size * 2 > keys.length) {
        grow();
      }
    } else {
      counts[i] += count;
    }
  }

  void addAll(LogBins other) {
    for (int i = 0; i < other.keys.length; i++) {
      if (other.keys[i] != EMPTY) {
        add(other.keys[i], other.counts[i]);
      }
    }
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The bins in ascending order: {@code keys[i]}, {@code counts[i]}. */
  Sorted sorted() {
    int[] k = new int[size];
    int n = 0;
    for (int key : keys) {
      if (key != EMPTY) {
        k[n++] = key;
      }
    }
    Arrays.sort(k);
    long[] c = new long[size];
    for (int i = 0; i < size; i++) {
      c[i] = counts[slot(keys, k[i])];
    }
    return new Sorted(k, c);
  }

  record Sorted(int[] keys, long[] counts) {}

  private void grow() {
    int[] oldKeys = keys;
    long[] oldCounts = counts;
    keys = emptyKeys(oldKeys.length * 2);
    counts = new long[keys.length];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int j = slot(keys, oldKeys[i]);
        keys[j] = oldKeys[i];
        counts[j] = oldCounts[i];
      }
    }
  }

  private static int slot(int[] keys, int key) {
    int mask = keys.length - 1;
    int i = (key * 0x9E3779B9) >>> 7 & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private static int[] emptyKeys(int n) {
    int[] k = new int[n];
    Arrays.fill(k, EMPTY);
    return k;
  }
}
