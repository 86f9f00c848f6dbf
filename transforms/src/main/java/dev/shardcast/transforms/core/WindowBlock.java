package dev.shardcast.transforms.core;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A batch of windows, column-wise. Window {@code w}'s past value of input column {@code c} at offset
 * {@code t} is {@code past[(w * inputs + c) * pastLen + t]}; future targets likewise. The fill masks
 * (1 = the point was filled by the gap policy) are present only when the job fills gaps. {@code order}
 * carries the shuffle key, and later the window's rank in its split. {@code startStep} is the
 * window's first step in its series (grid step, or event rank with {@code frequency: none}): unlike
 * the start time it is unique per series even when events share a timestamp.
 */
public final class WindowBlock implements java.io.Serializable {
  public final int size;
  public final int inputs;
  public final int pastLen;
  public final int targets;
  public final int futureLen;
  public final String[] series;
  public final long[] windowStart;
  public final long[] forecastStart;
  public final long[] startStep;
  public final float[] past;
  public final float[] future;
  public final byte[] pastFilled; // null when the job does not fill gaps
  public final byte[] futureFilled;
  public final long[] order;
  /** Per window, the named sources of its points ("a+b"); null when the job has one source. */
  public final String[] sources;

  public WindowBlock(int size, int inputs, int pastLen, int targets, int futureLen, String[] series,
      long[] windowStart, long[] forecastStart, long[] startStep, float[] past, float[] future, byte[] pastFilled,
      byte[] futureFilled, long[] order, String[] sources) {
    this.sources = sources;
    this.size = size;
    this.inputs = inputs;
    this.pastLen = pastLen;
    this.targets = targets;
    this.futureLen = futureLen;
    this.series = series;
    this.windowStart = windowStart;
    this.forecastStart = forecastStart;
    this.startStep = startStep;
    this.past = past;
    this.future = future;
    this.pastFilled = pastFilled;
    this.futureFilled = futureFilled;
    this.order = order;
  }

  public static WindowBlock empty(int size, int inputs, int pastLen, int targets, int futureLen, boolean masks) {
    return empty(size, inputs, pastLen, targets, futureLen, masks, false);
  }

  /** @param lineage whether the block carries each window's sources (jobs with several input sources) */
  public static WindowBlock empty(int size, int inputs, int pastLen, int targets, int futureLen, boolean masks,
      boolean lineage) {
    int p = size * inputs * pastLen;
    int f = size * targets * futureLen;
    return new WindowBlock(size, inputs, pastLen, targets, futureLen, new String[size], new long[size],
        new long[size], new long[size], new float[p], new float[f], masks ? new byte[p] : null, masks ? new byte[f] : null,
        new long[size], lineage ? new String[size] : null);
  }

  public boolean hasSources() {
    return sources != null;
  }

  public boolean hasMasks() {
    return pastFilled != null;
  }

  public int pastStride() {
    return inputs * pastLen;
  }

  public int futureStride() {
    return targets * futureLen;
  }

  /** Copies window {@code from} of {@code src} into slot {@code to} of this block. */
  public void copyFrom(WindowBlock src, int from, int to) {
    series[to] = src.series[from];
    windowStart[to] = src.windowStart[from];
    forecastStart[to] = src.forecastStart[from];
    startStep[to] = src.startStep[from];
    order[to] = src.order[from];
    if (sources != null) {
      sources[to] = src.sources[from];
    }
    int ps = pastStride();
    int fs = futureStride();
    System.arraycopy(src.past, from * ps, past, to * ps, ps);
    System.arraycopy(src.future, from * fs, future, to * fs, fs);
    if (pastFilled != null) {
      System.arraycopy(src.pastFilled, from * ps, pastFilled, to * ps, ps);
      System.arraycopy(src.futureFilled, from * fs, futureFilled, to * fs, fs);
    }
  }

  /** The same windows with other order keys (blocks are values: never mutated once emitted). */
  public WindowBlock withOrder(long[] newOrder) {
    return new WindowBlock(size, inputs, pastLen, targets, futureLen, series, windowStart, forecastStart, startStep,
        past, future, pastFilled, futureFilled, newOrder, sources);
  }

  /** The same windows with other values. */
  public WindowBlock withValues(float[] newPast, float[] newFuture) {
    return new WindowBlock(size, inputs, pastLen, targets, futureLen, series, windowStart, forecastStart, startStep,
        newPast, newFuture, pastFilled, futureFilled, order, sources);
  }

  /** The windows at {@code indexes}, in that order. */
  public WindowBlock select(int[] indexes) {
    WindowBlock out = empty(indexes.length, inputs, pastLen, targets, futureLen, hasMasks(), hasSources());
    for (int i = 0; i < indexes.length; i++) {
      out.copyFrom(this, indexes[i], i);
    }
    return out;
  }

  public static WindowBlock concat(List<WindowBlock> blocks) {
    if (blocks.size() == 1) {
      return blocks.get(0);
    }
    WindowBlock first = blocks.get(0);
    int total = blocks.stream().mapToInt(b -> b.size).sum();
    WindowBlock out = empty(total, first.inputs, first.pastLen, first.targets, first.futureLen, first.hasMasks(),
        first.hasSources());
    int at = 0;
    for (WindowBlock b : blocks) {
      for (int i = 0; i < b.size; i++) {
        out.copyFrom(b, i, at++);
      }
    }
    return out;
  }

  /**
   * Sorted by {@code order}, ties by series then start step: a total order on the windows
   * themselves, so the result does not depend on the order the blocks arrived in.
   */
  public WindowBlock sortedByOrder() {
    Comparator<Integer> cmp =
        Comparator.<Integer>comparingLong(i -> order[i])
            .thenComparing(i -> series[i])
            .thenComparingLong(i -> startStep[i]);
    int[] idx = IntStream.range(0, size).boxed().sorted(cmp).mapToInt(Integer::intValue).toArray();
    return select(idx);
  }

  @Override
  public String toString() {
    return "WindowBlock{size=" + size + ", series=" + Arrays.stream(series).distinct().limit(3).toList() + "}";
  }
}
