package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.transforms.core.SeededHash;
import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The compact layout's shuffle buffer (as MosaicML Streaming does across shards): the windows of a
 * group of files, consecutive in the epoch's file order, are pooled, permuted with a generator seeded
 * by (seed, epoch, group), and cut into batches of {@code batch_size}. Every file but a split's last
 * holds exactly {@code batch_size} windows, so a group of {@code g} files gives {@code g} batches
 * and batch positions are the file positions of the window layout: resuming at a position means
 * re-pooling its group and skipping the batches before it, with the same result. The windows are
 * gathered on the reader's device ({@link #tensors}, {@link #batch}): the host sends a group's
 * points once and each batch's window starts, not every window's points.
 */
final class CompactPool {
  private final ShardManifest.Schema schema;
  private final int[] inputCols;
  private final int[] targetCols;
  private final int futureOffset;
  private final CalendarFeatures calendar; // null: no time_features

  CompactPool(ShardManifest.Schema schema, List<String> segmentColumns) {
    this.schema = schema;
    this.inputCols = schema.inputs().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.targetCols = schema.targets().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.futureOffset = schema.past() + schema.lead();
    this.calendar = CalendarFeatures.of(schema);
  }

  /**
   * The group's windows in the permuted order: each as (segment, window) and as {@code start}, the
   * position of its first point in the group's points (the segments laid end to end, in
   * {@code segments} order, {@code points} in all).
   */
  record Pooled(WindowSegment[] segment, int[] window, long[] start, WindowSegment[] segments, int points) {
    int size() {
      return window.length;
    }
  }

  /**
   * @param files the group's decoded files, in epoch order
   */
  Pooled pool(List<List<WindowSegment>> files, long seed, int epoch, int group) {
    int n = 0;
    int segments = 0;
    long points = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        n += s.windows();
        points += s.points();
        segments++;
      }
    }
    if (points > Integer.MAX_VALUE) {
      throw new IllegalStateException("a group of " + files.size() + " shards holds " + points
          + " points, more than one tensor takes: lower shards.shuffle_buffer");
    }
    WindowSegment[] seg = new WindowSegment[n];
    int[] win = new int[n];
    long[] start = new long[n];
    WindowSegment[] inOrder = new WindowSegment[segments];
    int at = 0;
    int base = 0;
    int k0 = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        inOrder[k0++] = s;
        for (int k = 0; k < s.windows(); k++) {
          seg[at] = s;
          start[at] = base + s.offsets[k];
          win[at++] = k;
        }
        base += s.points();
      }
    }
    SplittableRandom random = new SplittableRandom(SeededHash.of(seed, "compact-pool/" + epoch, group));
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      WindowSegment ts = seg[i];
      seg[i] = seg[j];
      seg[j] = ts;
      int tw = win[i];
      win[i] = win[j];
      win[j] = tw;
      long tl = start[i];
      start[i] = start[j];
      start[j] = tl;
    }
    return new Pooled(seg, win, start, inOrder, (int) points);
  }

  /**
   * A group's points as one tensor on the reader's device, from which its batches' windows are
   * gathered there: the host copies each point to the device once, not once per window that uses it
   * ({@code past + future} times). Close it once the group's batches are built.
   *
   * @param points float32: each segment column's points (column c from {@code c * n}, n the group's
   *     points), then each target's observed flags (1 where the point was observed, 0 where filled)
   * @param offsets int64 [1, k]: a window's k gathered values (inputs x past, targets x future, targets
   *     x future observed flags) as positions relative to the window's first point
   */
  record GroupTensors(NDManager manager, NDArray points, NDArray offsets) implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
    }
  }

  GroupTensors tensors(Pooled pool, NDManager parent) {
    int n = pool.points();
    int columns = pool.segments().length == 0 ? 0 : pool.segments()[0].values.length;
    long size = (long) (columns + targetCols.length) * n;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a group of " + pool.segments().length + " segments holds " + size
          + " values, more than one tensor takes: lower shards.shuffle_buffer");
    }
    float[] points = new float[(int) size];
    int base = 0;
    for (WindowSegment s : pool.segments()) {
      int len = s.points();
      for (int c = 0; c < columns; c++) {
        System.arraycopy(s.values[c], 0, points, c * n + base, len);
      }
      for (int c = 0; c < targetCols.length; c++) {
        byte[] filled = s.filled[targetCols[c]];
        int o = (columns + c) * n + base;
        for (int t = 0; t < len; t++) {
          points[o + t] = filled[t] != 0 ? 0f : 1f;
        }
      }
      base += len;
    }
    int past = schema.past();
    int future = schema.future();
    long[] offsets = new long[inputCols.length * past + 2 * targetCols.length * future];
    int k = 0;
    for (int col : inputCols) {
      for (int t = 0; t < past; t++) {
        offsets[k++] = (long) col * n + t;
      }
    }
    for (int col : targetCols) {
      for (int t = 0; t < future; t++) {
        offsets[k++] = (long) col * n + futureOffset + t;
      }
    }
    for (int c = 0; c < targetCols.length; c++) {
      for (int t = 0; t < future; t++) {
        offsets[k++] = (long) (columns + c) * n + futureOffset + t;
      }
    }
    NDManager g = parent.newSubManager();
    try {
      return new GroupTensors(g, g.create(points, new Shape(points.length)), g.create(offsets, new Shape(1, k)));
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  /**
   * Values one chunk's gather may hold (its index int64, its result float32). A group's batches are
   * gathered a chunk of whole batches at a time, each batch then a view of its chunk's rows: on a CPU
   * the per-batch index add and gather were most of the loader's time (each a PyTorch op with its own
   * thread hand-off for some 40 k values); per chunk they run once over up to this many values.
   */
  static final long CHUNK_VALUES = 1L << 18;

  /** Values gathered per window: inputs x past, then targets x future twice (values, observed flags). */
  int valuesPerWindow() {
    return inputCols.length * schema.past() + 2 * targetCols.length * schema.future();
  }

  /**
   * Windows {@code [from, to)} of the pool gathered from the group's tensor: {@code past} [n, inputs,
   * past], {@code future} and {@code observed} [n, targets, future], row i the pool's window from + i.
   * Batches are row ranges of it ({@link #batch}); close it once they are built (they keep their rows).
   */
  record Chunk(NDManager manager, int from, NDArray past, NDArray future, NDArray observed) implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
    }
  }

  Chunk gather(Pooled pool, GroupTensors group, int from, int to) {
    int n = to - from;
    int a = inputCols.length * schema.past();
    int b = a + targetCols.length * schema.future();
    NDManager m = group.manager().newSubManager();
    try {
      // One gather for the chunk: index [n, k] = each window's first point + the group's offsets.
      NDArray starts = m.create(java.util.Arrays.copyOfRange(pool.start(), from, to), new Shape(n, 1));
      NDArray all = group.points().take(m, starts.add(group.offsets()));
      return new Chunk(m, from,
          all.get(":, 0:" + a).reshape(n, inputCols.length, schema.past()),
          all.get(":, " + a + ":" + b).reshape(n, targetCols.length, schema.future()),
          all.get(":, " + b + ":").reshape(n, targetCols.length, schema.future()));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Windows {@code [from, to)} of the pool as one batch on {@code manager}: rows of {@code chunk}, which holds them. */
  Batch batch(Pooled pool, Chunk chunk, int from, int to, int position, String path, NDManager manager) {
    int n = to - from;
    String[] series = new String[n];
    long[] windowStart = new long[n];
    long[] forecastStart = new long[n];
    for (int i = 0; i < n; i++) {
      WindowSegment s = pool.segment()[from + i];
      int o = s.offsets[pool.window()[from + i]];
      series[i] = s.series;
      windowStart[i] = s.times[o];
      forecastStart[i] = s.times[o + futureOffset];
    }
    NDManager m = manager.newSubManager();
    try {
      // Views of the chunk's rows, moved to the batch's manager: they keep their memory when the chunk closes.
      NDIndex rows = new NDIndex().addSliceDim(from - chunk.from(), to - chunk.from());
      NDArray p = chunk.past().get(rows);
      NDArray f = chunk.future().get(rows);
      NDArray obs = chunk.observed().get(rows);
      p.attach(m);
      f.attach(m);
      obs.attach(m);
      return new Batch(position, path, m, p, f, obs, series, windowStart, forecastStart,
          calendar == null ? null : calendar.tensor(m, windowStart, forecastStart));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Checks a window's points lie inside its segment (a corrupt offset must not read another window). */
  void check(ShardManifest.ShardFile file, List<WindowSegment> segments) {
    int span = futureOffset + schema.future();
    for (WindowSegment s : segments) {
      for (int o : s.offsets) {
        if (o + span > s.points()) {
          throw new ShardReadException(file.path(), "shard " + file.path() + ": a window at offset " + o
              + " needs " + span + " points, its segment has " + s.points());
        }
      }
    }
  }
}
