package dev.shardcast.transforms.core;

import java.util.Arrays;

/**
 * A seeded bottom-k sample of rows: the {@code k} rows with the smallest hashes, each with its
 * {@code width} values. Merging two bottom-k samples gives the bottom-k sample of their union, so the
 * sample is the same whatever the order and grouping of the inputs.
 */
public final class SampleBlock implements java.io.Serializable {
  public final int width;
  public final int size;
  public final long[] hashes; // ascending
  public final double[] values; // row-major, NaN for empty cells

  public SampleBlock(int width, int size, long[] hashes, double[] values) {
    this.width = width;
    this.size = size;
    this.hashes = hashes;
    this.values = values;
  }

  public static SampleBlock empty(int width) {
    return new SampleBlock(width, 0, new long[0], new double[0]);
  }

  /**
   * Collects candidates, keeping the k smallest hashes. Primitive arrays, not a heap of boxed pairs:
   * a chunk offers every training row (up to 100 k), and a heap of {@code long[]} made sampling a
   * tenth of prepare's CPU time. Candidates are appended; when 2k have piled up, the k smallest are
   * kept and their largest hash becomes the bound below which later offers must fall.
   */
  public static final class Collector {
    private final int width;
    private final int k;
    private long[] hashes = new long[16];
    private double[] rows;
    private int count;
    private boolean bounded; // k rows were kept by a compaction: only hashes below bound can enter
    private long bound;

    public Collector(int width, int k) {
      this.width = width;
      this.k = k;
      this.rows = new double[width * 16];
    }

    /** Whether a row with this hash would be kept so far: callers skip building rows that would not. */
    public boolean wants(long hash) {
      return k > 0 && (!bounded || hash < bound);
    }

    public void offer(long hash, double[] src, int offset) {
      if (!wants(hash)) {
        return;
      }
      if (count == hashes.length) {
        hashes = Arrays.copyOf(hashes, count * 2);
        rows = Arrays.copyOf(rows, Math.max(rows.length, 1) * 2);
      }
      hashes[count] = hash;
      System.arraycopy(src, offset, rows, count * width, width);
      count++;
      if (count >= 2 * k && count >= 64) {
        keepSmallest();
        bounded = true;
        bound = hashes[count - 1];
      }
    }

    /** Keeps the min(k, count) smallest hashes, in ascending order (stable for equal hashes). */
    private void keepSmallest() {
      int[] order = HashOrder.ascending(hashes, count);
      int n = Math.min(k, count);
      long[] h = new long[Math.max(16, 2 * n)];
      double[] v = new double[h.length * width];
      for (int i = 0; i < n; i++) {
        h[i] = hashes[order[i]];
        System.arraycopy(rows, order[i] * width, v, i * width, width);
      }
      hashes = h;
      rows = v;
      count = n;
    }

    public SampleBlock build() {
      keepSmallest();
      return new SampleBlock(width, count, Arrays.copyOf(hashes, count), Arrays.copyOf(rows, count * width));
    }
  }

  /** Bottom-k of the union of two bottom-k samples (a merge of two sorted lists). */
  public static SampleBlock merge(SampleBlock a, SampleBlock b, int k) {
    int n = Math.min(k, a.size + b.size);
    int width = Math.max(a.width, b.width);
    long[] hashes = new long[n];
    double[] values = new double[n * width];
    int i = 0;
    int j = 0;
    for (int o = 0; o < n; o++) {
      boolean takeA = j >= b.size || (i < a.size && a.hashes[i] <= b.hashes[j]);
      SampleBlock src = takeA ? a : b;
      int at = takeA ? i++ : j++;
      hashes[o] = src.hashes[at];
      System.arraycopy(src.values, at * width, values, o * width, width);
    }
    return new SampleBlock(width, n, hashes, values);
  }

  /** The non-empty values of one column. */
  public double[] column(int c) {
    double[] out = new double[size];
    int n = 0;
    for (int r = 0; r < size; r++) {
      double v = values[r * width + c];
      if (!Double.isNaN(v)) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
