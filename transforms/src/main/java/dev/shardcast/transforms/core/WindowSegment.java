package dev.shardcast.transforms.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A run of consecutive points of one series and the windows that start in it: the unit of the
 * compact shard layout ({@code shards.layout: compact}, docs/shard-format.md). Windows that overlap
 * share their points instead of each carrying its own copy, so storage is about
 * {@code (W + span - 1) / W} points per window instead of {@code past + future}.
 *
 * <p>{@code values[c][i]} is column {@code c} (the order of {@code ShardSchema.segmentColumns()}) at
 * point {@code i}; {@code filled} (null when the job does not fill gaps) marks points the gap policy
 * filled. Window {@code k} starts at point {@code offsets[k]}: its past inputs are points
 * {@code offsets[k] .. +past-1}, its future targets {@code offsets[k] + futureOffset .. +future-1}.
 * Points no window reads as that column may be NaN. {@code order} carries the shuffle key, later the
 * rank of the segment's first window in its split. Values, never mutated once built.
 */
public final class WindowSegment implements java.io.Serializable {
  public final String series;
  /** The grid step (or event rank) of point 0: with the series, the segment's identity. */
  public final long firstStep;
  public final long[] times;
  public final float[][] values;
  public final byte[][] filled;
  public final int[] offsets;
  /** Per window, its sources ("a+b"); null when the job has one source. */
  public final String[] sources;
  public final long order;

  public WindowSegment(String series, long firstStep, long[] times, float[][] values, byte[][] filled, int[] offsets,
      String[] sources, long order) {
    this.series = series;
    this.firstStep = firstStep;
    this.times = times;
    this.values = values;
    this.filled = filled;
    this.offsets = offsets;
    this.sources = sources;
    this.order = order;
  }

  public int points() {
    return times.length;
  }

  public int windows() {
    return offsets.length;
  }

  /** The grid step of window {@code k}'s first point (its identity in the series). */
  public long startStep(int k) {
    return firstStep + offsets[k];
  }

  public WindowSegment withOrder(long newOrder) {
    return new WindowSegment(series, firstStep, times, values, filled, offsets, sources, newOrder);
  }

  /**
   * Windows {@code [from, to)} alone, with only the points they need (a segment cut where a batch
   * file ends).
   */
  public WindowSegment slice(int from, int to, int span) {
    int first = offsets[from];
    int until = offsets[to - 1] + span;
    float[][] v = new float[values.length][];
    byte[][] f = filled == null ? null : new byte[filled.length][];
    for (int c = 0; c < values.length; c++) {
      v[c] = Arrays.copyOfRange(values[c], first, until);
      if (f != null) {
        f[c] = Arrays.copyOfRange(filled[c], first, until);
      }
    }
    int[] o = new int[to - from];
    for (int k = 0; k < o.length; k++) {
      o[k] = offsets[from + k] - first;
    }
    return new WindowSegment(series, firstStep + first, Arrays.copyOfRange(times, first, until), v, f, o,
        sources == null ? null : Arrays.copyOfRange(sources, from, to), order);
  }

  /**
   * A scaled copy: every point of column {@code c} by the scale of {@code columns.get(c)}, as the
   * window layout scales its float values (the same float results).
   */
  public WindowSegment scaled(Map<String, ColumnScale> scales, List<String> columns) {
    float[][] v = new float[values.length][];
    for (int c = 0; c < values.length; c++) {
      ColumnScale s = scales.get(columns.get(c));
      v[c] = new float[values[c].length];
      for (int i = 0; i < v[c].length; i++) {
        v[c][i] = (float) s.apply(values[c][i]);
      }
    }
    return new WindowSegment(series, firstStep, times, v, filled, offsets, sources, order);
  }

  /**
   * Copies window {@code k} into slot {@code slot} of a window block (the reader's gather).
   *
   * @param inputCols the segment column of each block input
   * @param targetCols the segment column of each block target
   * @param futureOffset points from a window's first past point to its first future point
   */
  public void copyWindow(int k, WindowBlock dst, int slot, int[] inputCols, int[] targetCols, int futureOffset) {
    int o = offsets[k];
    dst.series[slot] = series;
    dst.windowStart[slot] = times[o];
    dst.forecastStart[slot] = times[o + futureOffset];
    dst.startStep[slot] = firstStep + o;
    dst.order[slot] = order;
    if (dst.sources != null) {
      dst.sources[slot] = sources[k];
    }
    for (int c = 0; c < inputCols.length; c++) {
      int base = (slot * inputCols.length + c) * dst.pastLen;
      System.arraycopy(values[inputCols[c]], o, dst.past, base, dst.pastLen);
      if (dst.pastFilled != null) {
        System.arraycopy(filled[inputCols[c]], o, dst.pastFilled, base, dst.pastLen);
      }
    }
    for (int c = 0; c < targetCols.length; c++) {
      int base = (slot * targetCols.length + c) * dst.futureLen;
      System.arraycopy(values[targetCols[c]], o + futureOffset, dst.future, base, dst.futureLen);
      if (dst.futureFilled != null) {
        System.arraycopy(filled[targetCols[c]], o + futureOffset, dst.futureFilled, base, dst.futureLen);
      }
    }
  }

  /**
   * Cuts the window starts of one split of one chunk into segments: consecutive starts share a
   * segment while they share points (next start within {@code span} of the previous one) and the
   * segment has fewer than {@code maxWindows} windows.
   *
   * @param positions window start positions on the chunk's grid, ascending
   * @param columns the value columns stored (indexes into {@code values}), in segment column order
   * @param lo the grid step of position 0
   * @param sourceOf each window's sources, or null
   */
  public static List<WindowSegment> cut(String series, List<Integer> positions, int span, int maxWindows,
      double[][] values, boolean[][] filled, long[] times, int[] columns, long lo,
      java.util.function.IntFunction<String> sourceOf) {
    List<WindowSegment> out = new ArrayList<>();
    int i = 0;
    while (i < positions.size()) {
      int j = i + 1;
      while (j < positions.size() && j - i < maxWindows && positions.get(j) - positions.get(j - 1) <= span) {
        j++;
      }
      int first = positions.get(i);
      int until = positions.get(j - 1) + span;
      float[][] v = new float[columns.length][until - first];
      byte[][] f = filled == null ? null : new byte[columns.length][until - first];
      for (int c = 0; c < columns.length; c++) {
        for (int p = first; p < until; p++) {
          v[c][p - first] = (float) values[columns[c]][p];
          if (f != null && filled[columns[c]][p]) {
            f[c][p - first] = 1;
          }
        }
      }
      int[] o = new int[j - i];
      String[] src = sourceOf == null ? null : new String[j - i];
      for (int k = i; k < j; k++) {
        o[k - i] = positions.get(k) - first;
        if (src != null) {
          src[k - i] = sourceOf.apply(positions.get(k));
        }
      }
      out.add(new WindowSegment(series, lo + first, Arrays.copyOfRange(times, first, until), v, f, o, src, 0));
      i = j;
    }
    return out;
  }

  @Override
  public String toString() {
    return "WindowSegment{" + series + "@" + firstStep + ", " + windows() + " windows, " + points() + " points}";
  }
}
