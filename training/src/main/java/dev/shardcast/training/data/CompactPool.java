package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.transforms.core.SeededHash;
import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.ShardManifest;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The compact layout's shuffle buffer (as MosaicML Streaming does across shards): the windows of a
 * group of files, consecutive in the epoch's file order, are pooled, permuted with a generator seeded
 * by (seed, epoch, group), and cut into batches of {@code batch_size}. Every file but a split's last
 * holds exactly {@code batch_size} windows, so a group of {@code g} files gives {@code g} batches
 * and batch positions are the file positions of the window layout: resuming at a position means
 * re-pooling its group and skipping the batches before it, with the same result. The windows are
 * gathered on the reader's device when it is a GPU ({@link #tensors}, {@link #gather}): the host sends
 * a group's points once and each batch's window starts, not every window's points. On a CPU they are
 * copied on the host straight into the batch's tensors ({@link #hostBatches}).
 */
final class CompactPool {
  private final ShardManifest.Schema schema;
  private final int[] inputCols;
  private final int[] targetCols;
  private final int futureOffset;
  private final CalendarFeatures calendar; // null: no time_features
  private final boolean host;

  /**
   * @param host gather each batch on the host into the engine's tensors ({@link #hostBatches}), or on
   *     the device from the group's tensor ({@link #gather}, {@link #batch})
   */
  CompactPool(ShardManifest.Schema schema, List<String> segmentColumns, boolean host) {
    this.host = host;
    this.schema = schema;
    this.inputCols = schema.inputs().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.targetCols = schema.targets().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.futureOffset = schema.past() + schema.lead();
    this.calendar = CalendarFeatures.of(schema);
  }

  /**
   * The group's windows in the permuted order: each as its series, the times of its first point and
   * of its first forecast point, and {@code start}, the position of its first point in the group's
   * points (the segments laid end to end, in {@code segments} order, {@code points} in all).
   */
  record Pooled(String[] series, long[] windowTime, long[] forecastTime, long[] start, WindowSegment[] segments,
      int points) {
    int size() {
      return series.length;
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
    String[] series = new String[n];
    long[] wt = new long[n];
    long[] ft = new long[n];
    long[] start = new long[n];
    WindowSegment[] inOrder = new WindowSegment[segments];
    int at = 0;
    int base = 0;
    int k0 = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        inOrder[k0++] = s;
        for (int k = 0; k < s.windows(); k++) {
          int o = s.offsets[k];
          series[at] = s.series;
          wt[at] = s.times[o];
          ft[at] = s.times[o + futureOffset];
          start[at++] = base + o;
        }
        base += s.points();
      }
    }
    SplittableRandom random = new SplittableRandom(SeededHash.of(seed, "compact-pool/" + epoch, group));
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      String ts = series[i];
      series[i] = series[j];
      series[j] = ts;
      swap(wt, i, j);
      swap(ft, i, j);
      swap(start, i, j);
    }
    return new Pooled(series, wt, ft, start, inOrder, (int) points);
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** Whether batches are filled on the host ({@link #hostBatches}) rather than gathered on the device. */
  boolean host() {
    return host;
  }

  /**
   * A group's points, from which its batches' windows are gathered: each point once, not once per
   * window that uses it ({@code past + future} times). On the host they stay a Java
   * array and each batch's tensors are filled from it ({@link #hostBatches}); on a device (a GPU) they
   * are one tensor there, with the offsets, and batches are gathered there ({@link #gather}), so the
   * host sends each point over the bus once. Close it once the group's batches are built.
   *
   * @param points float32: each segment column's points (column c from {@code c * n}, n the group's
   *     points), then each target's observed flags (1 where the point was observed, 0 where filled)
   * @param onDevice {@code points} on the reader's device; null when gathering on the host
   * @param offsets int64 [1, k]: a window's k gathered values (inputs x past, targets x future, targets
   *     x future observed flags) as positions relative to the window's first point; null on the host
   */
  record GroupTensors(NDManager manager, float[] points, int n, NDArray onDevice, NDArray offsets)
      implements AutoCloseable {
    @Override
    public void close() {
      if (manager != null) {
        manager.close();
      }
    }
  }

  GroupTensors tensors(Pooled pool, NDManager parent) {
    int n = pool.points();
    int columns = columns(pool);
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
    if (host) {
      return new GroupTensors(null, points, n, null, null);
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
      return new GroupTensors(g, points, n, g.create(points, new Shape(points.length)), g.create(offsets, new Shape(1, k)));
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  private static int columns(Pooled pool) {
    return pool.segments().length == 0 ? 0 : pool.segments()[0].values.length;
  }

  /**
   * Consecutive batches of the pool, filled on the host: batch b holds windows {@code [bounds[b],
   * bounds[b + 1])}, has position {@code firstPosition + b} and file {@code paths[b]}, and its own
   * manager under {@code manager}. The chunk's three tensors are allocated by the engine and their
   * memory written in place, a bulk copy per run of a window's points; each batch's tensors are views
   * of them (one split per tensor). On a CPU this is several times faster than the engine's index add
   * and take: one copy of contiguous runs instead of one indexed load per value, and three
   * allocations per chunk instead of per batch.
   */
  List<Batch> hostBatches(Pooled pool, GroupTensors group, int[] bounds, int firstPosition, String[] paths,
      NDManager manager) {
    int from = bounds[0];
    int n = bounds[bounds.length - 1] - from;
    int past = schema.past();
    int future = schema.future();
    List<Batch> out = new ArrayList<>(bounds.length - 1);
    try (NDManager chunk = manager.newSubManager()) {
      NDArray p = chunk.create(new Shape(n, inputCols.length, past), DataType.FLOAT32);
      NDArray f = chunk.create(new Shape(n, targetCols.length, future), DataType.FLOAT32);
      NDArray obs = chunk.create(new Shape(n, targetCols.length, future), DataType.FLOAT32);
      if (n > 0) {
        fill(pool, group, from, n, p.toByteBuffer(true).asFloatBuffer(), f.toByteBuffer(true).asFloatBuffer(),
            obs.toByteBuffer(true).asFloatBuffer());
      }
      long[] cuts = new long[bounds.length - 2];
      for (int b = 1; b < bounds.length - 1; b++) {
        cuts[b - 1] = bounds[b] - from;
      }
      NDList ps = p.split(cuts, 0);
      NDList fs = f.split(cuts, 0);
      NDList os = obs.split(cuts, 0);
      for (int b = 0; b + 1 < bounds.length; b++) {
        NDManager m = manager.newSubManager();
        try {
          // Views of the chunk's tensors, moved to the batch's manager: they keep their memory when the chunk closes.
          ps.get(b).attach(m);
          fs.get(b).attach(m);
          os.get(b).attach(m);
          out.add(batch(pool, bounds[b], bounds[b + 1], firstPosition + b, paths[b], m, ps.get(b), fs.get(b), os.get(b)));
        } catch (RuntimeException e) {
          m.close();
          throw e;
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.forEach(Batch::close);
      throw e;
    }
  }

  /** Writes windows {@code [from, from + n)} of the pool: inputs x past, targets x future, targets' observed flags. */
  private void fill(Pooled pool, GroupTensors group, int from, int n, FloatBuffer pb, FloatBuffer fb, FloatBuffer ob) {
    int past = schema.past();
    int future = schema.future();
    int stride = group.n();
    int columns = columns(pool);
    float[] points = group.points();
    long[] start = pool.start();
    for (int i = from; i < from + n; i++) {
      int s = (int) start[i];
      for (int c : inputCols) {
        pb.put(points, c * stride + s, past);
      }
      for (int c : targetCols) {
        fb.put(points, c * stride + s + futureOffset, future);
      }
      for (int c = 0; c < targetCols.length; c++) {
        ob.put(points, (columns + c) * stride + s + futureOffset, future);
      }
    }
    if (pb.hasRemaining() || fb.hasRemaining() || ob.hasRemaining()) {
      throw new IllegalStateException("a chunk's tensors were not filled whole");
    }
  }

  /**
   * Whether the engine's tensors on {@code manager}'s device can be filled in place from the host:
   * a CPU device whose {@link NDArray#toByteBuffer(boolean)} hands out the tensor's own memory
   * (checked with a probe, not assumed: an engine may return a copy).
   */
  static boolean canFillInPlace(NDManager manager) {
    if (!manager.getDevice().equals(ai.djl.Device.cpu())) {
      return false;
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray probe = m.create(new Shape(1), DataType.FLOAT32);
      java.nio.ByteBuffer b = probe.toByteBuffer(true);
      if (!b.isDirect()) {
        return false;
      }
      b.asFloatBuffer().put(0, 42f);
      return probe.toFloatArray()[0] == 42f;
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
      NDArray all = group.onDevice().take(m, starts.add(group.offsets()));
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
      return batch(pool, from, to, position, path, m, p, f, obs);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The batch of windows {@code [from, to)} with its tensors: their series, times and calendar channels added. */
  private Batch batch(Pooled pool, int from, int to, int position, String path, NDManager m, NDArray p, NDArray f,
      NDArray obs) {
    String[] series = java.util.Arrays.copyOfRange(pool.series(), from, to);
    long[] windowStart = java.util.Arrays.copyOfRange(pool.windowTime(), from, to);
    long[] forecastStart = java.util.Arrays.copyOfRange(pool.forecastTime(), from, to);
    return new Batch(position, path, m, p, f, obs, series, windowStart, forecastStart,
        calendar == null ? null : calendar.tensor(m, windowStart, forecastStart));
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
