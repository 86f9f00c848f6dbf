package dev.shardcast.transforms.core;

import java.util.Arrays;
import java.util.PriorityQueue;

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

  /** Collects candidates, keeping the k smallest hashes. */
  public static final class Collector {
    private final int width;
    private final int k;
    private final PriorityQueue<long[]> heap; // max-heap of {hash, rowIndex}
    private double[] rows;
    private int rowCount;

    public Collector(int width, int k) {
      this.width = width;
      this.k = k;
      this.heap = new PriorityQueue<>(Math.min(k, 1024) + 1, (a, b) -> Long.compare(b[0], a[0]));
      this.rows = new double[width * 16];
    }

    public void offer(long hash, double[] src, int offset) {
      if (heap.size() == k && Long.compare(hash, heap.peek()[0]) >= 0) {
        return;
      }
      if ((rowCount + 1) * width > rows.length) {
        rows = Arrays.copyOf(rows, rows.length * 2);
      }
      System.arraycopy(src, offset, rows, rowCount * width, width);
      heap.add(new long[] {hash, rowCount++});
      if (heap.size() > k) {
        heap.poll();
      }
    }

    public SampleBlock build() {
      long[][] kept = heap.toArray(new long[0][]);
      Arrays.sort(kept, (a, b) -> Long.compare(a[0], b[0]));
      long[] hashes = new long[kept.length];
      double[] values = new double[kept.length * width];
      for (int i = 0; i < kept.length; i++) {
        hashes[i] = kept[i][0];
        System.arraycopy(rows, (int) kept[i][1] * width, values, i * width, width);
      }
      return new SampleBlock(width, kept.length, hashes, values);
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
