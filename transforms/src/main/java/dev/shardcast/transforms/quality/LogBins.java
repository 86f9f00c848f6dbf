package dev.shardcast.transforms.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Counts per integer bin, for the log-magnitude bins of {@link ColumnProfile} and {@link ValueSketch}: an open-addressing map of
 * primitive ints to longs. It is updated for every value of every numeric column (millions of times
 * a prepare); a boxed TreeMap made that half of all profiling time. Read in ascending key order.
 */
final class LogBins {
  /** No bin can be this: log10|x| x 1000 of a double lies within +-400,000. */
  private static final int EMPTY = Integer.MIN_VALUE;
  private int[] keys = emptyKeys(16);
  private long[] counts = new long[16];
  /** Per bin, the smallest value added to it ({@link #withLows} only): a real value that stands for the bin. */
  private double[] lows;
  private int size;

  /** Bins that also keep each bin's smallest value (the same whatever the order of adds and merges). */
  static LogBins withLows() {
    LogBins b = new LogBins();
    b.lows = new double[b.keys.length];
    return b;
  }

  void add(int key, long count) {
    add(key, count, Double.NaN);
  }

  /** Adds {@code count} values to bin {@code key}, the smallest of them {@code low} (with lows). */
  void add(int key, long count, double low) {
    int i = slot(keys, key);
    if (keys[i] == EMPTY) {
      keys[i] = key;
      counts[i] = count;
      if (lows != null) {
        lows[i] = low;
      }
      if (++size * 2 > keys.length) {
        grow();
      }
    } else {
      counts[i] += count;
      if (lows != null) {
        lows[i] = Math.min(lows[i], low);
      }
    }
  }

  void addAll(LogBins other) {
    for (int i = 0; i < other.keys.length; i++) {
      if (other.keys[i] != EMPTY) {
        add(other.keys[i], other.counts[i], other.lows == null ? Double.NaN : other.lows[i]);
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
    double[] l = lows == null ? null : new double[size];
    for (int i = 0; i < size; i++) {
      int at = slot(keys, k[i]);
      c[i] = counts[at];
      if (l != null) {
        l[i] = lows[at];
      }
    }
    return new Sorted(k, c, l);
  }

  /** {@code lows} null without {@link #withLows}. */
  record Sorted(int[] keys, long[] counts, double[] lows) {}

  /** The sum of all counts. */
  long total() {
    long t = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != EMPTY) {
        t += counts[i];
      }
    }
    return t;
  }

  /** In ascending key order, so equal bins write equal bytes. */
  void writeTo(DataOutputStream out) throws IOException {
    Sorted s = sorted();
    out.writeInt(s.keys().length);
    for (int i = 0; i < s.keys().length; i++) {
      out.writeInt(s.keys()[i]);
      out.writeLong(s.counts()[i]);
      if (lows != null) {
        out.writeDouble(s.lows()[i]);
      }
    }
  }

  /** Reads what {@link #writeTo} wrote, from bins with lows when {@code withLows}. */
  static LogBins readFrom(DataInputStream in, boolean withLows) throws IOException {
    LogBins b = withLows ? withLows() : new LogBins();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      b.add(in.readInt(), in.readLong(), withLows ? in.readDouble() : Double.NaN);
    }
    return b;
  }

  private void grow() {
    int[] oldKeys = keys;
    long[] oldCounts = counts;
    double[] oldLows = lows;
    keys = emptyKeys(oldKeys.length * 2);
    counts = new long[keys.length];
    lows = oldLows == null ? null : new double[keys.length];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int j = slot(keys, oldKeys[i]);
        keys[j] = oldKeys[i];
        counts[j] = oldCounts[i];
        if (lows != null) {
          lows[j] = oldLows[i];
        }
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
