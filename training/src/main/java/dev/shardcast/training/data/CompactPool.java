package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 * re-pooling its group and skipping the batches before it, with the same result. On a CPU the
 * windows are copied on the host straight into the batches' tensors ({@link #hostBatches}); on a GPU
 * they are gathered on the device ({@link DeviceGather}).
 */
final class CompactPool {
  private final ShardManifest.Schema schema;
  private final int[] inputCols;
  private final int[] targetCols;
  private final int futureOffset;
  private final CalendarFeatures calendar; // null: no time_features
  private final RecycledTensors tensors; // null: gathered on the device
  private final float[] ones; // observed flags where nothing was filled, written a run at a time

  /**
   * @param tensors fill batches on the host, straight into these engine tensors ({@link #hostBatches});
   *     null: gather them on the device ({@link DeviceGather})
   */
  CompactPool(ShardManifest.Schema schema, List<String> segmentColumns, RecycledTensors tensors) {
    this.tensors = tensors;
    this.schema = schema;
    this.inputCols = schema.inputs().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.targetCols = schema.targets().stream().mapToInt(segmentColumns::indexOf).toArray();
    this.futureOffset = schema.past() + schema.lead();
    this.calendar = CalendarFeatures.of(schema);
    this.ones = new float[4096];
    java.util.Arrays.fill(ones, 1f);
  }

  /**
   * A group's windows in the permuted order, and the group's points laid end to end, segment after
   * segment in file order: window i starts at point {@code start[i]} of segment {@code segment[i]}
   * (whose series is {@code series[segment[i]]}); {@code values[c]} holds segment column c's points,
   * {@code times} their times, {@code filled[t]} target t's gap-filled flags (null when the job
   * fills no gaps). Laid end to end, a window's values are one array load away from its start, not
   * behind a chain of segment, column and array loads, each a likely cache miss in a random order.
   */
  record Pooled(int[] segment, int[] start, String[] series, long[] times, float[][] values, byte[][] filled) {
    int size() {
      return segment.length;
    }

    /** Points of the group. */
    int points() {
      return times.length;
    }
  }

  /**
   * @param files the group's decoded files, in epoch order
   */
  Pooled pool(List<List<WindowSegment>> files, long seed, int epoch, int group) {
    int n = 0;
    int segments = 0;
    long points = 0;
    int columns = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        n += s.windows();
        points += s.points();
        segments++;
        columns = s.values.length;
      }
    }
    if (points * Math.max(1, columns + targetCols.length) > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a group of " + files.size() + " shards holds " + points
          + " points, more than one tensor takes: lower shards.shuffle_buffer");
    }
    int[] segment = new int[n];
    int[] start = new int[n];
    String[] series = new String[segments];
    long[] times = new long[(int) points];
    float[][] values = new float[columns][(int) points];
    byte[][] filled = schema.fillMasks() ? new byte[targetCols.length][(int) points] : null;
    int at = 0;
    int k0 = 0;
    int first = 0; // the segment's first point
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        int len = s.points();
        System.arraycopy(s.times, 0, times, first, len);
        for (int c = 0; c < columns; c++) {
          System.arraycopy(s.values[c], 0, values[c], first, len);
        }
        for (int t = 0; filled != null && t < targetCols.length; t++) {
          System.arraycopy(s.filled[targetCols[t]], 0, filled[t], first, len);
        }
        for (int k = 0; k < s.windows(); k++) {
          segment[at] = k0;
          start[at++] = first + s.offsets[k];
        }
        series[k0++] = s.series;
        first += len;
      }
    }
    SplittableRandom random = new SplittableRandom(SeededHash.of(seed, "compact-pool/" + epoch, group));
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int t = segment[i];
      segment[i] = segment[j];
      segment[j] = t;
      t = start[i];
      start[i] = start[j];
      start[j] = t;
    }
    return new Pooled(segment, start, series, times, values, filled);
  }

  /** Whether batches are filled on the host ({@link #hostBatches}) rather than gathered on the device. */
  boolean host() {
    return tensors != null;
  }

  ShardManifest.Schema schema() {
    return schema;
  }

  /** The inputs' and then the targets' positions in a segment's {@link WindowSegment#values}. */
  int[] inputColumns() {
    return inputCols;
  }

  int[] targetColumns() {
    return targetCols;
  }

  /** A window's first forecast point, relative to its first point. */
  int futureOffset() {
    return futureOffset;
  }

  /**
   * Consecutive batches of the pool, filled on the host: batch b holds windows {@code [bounds[b],
   * bounds[b + 1])}, has position {@code firstPosition + b} and file {@code paths[b]}, and its own
   * manager under {@code manager}. Each batch's tensors are the engine's, taken from the recycled
   * ones when a closed batch left some ({@link RecycledTensors}), and their memory is written in place
   * from the pooled points ({@link #fill}). On a
   * CPU this is several times faster than the engine's index add and take: one copy of contiguous
   * runs instead of one indexed load per value. (Three tensors a chunk, split into views per batch,
   * cost more than three tensors a batch: the split's views had to move to each batch's manager.)
   */
  List<Batch> hostBatches(Pooled pool, int[] bounds, int firstPosition, String[] paths, NDManager manager) {
    List<Batch> out = new ArrayList<>(bounds.length - 1);
    try {
      for (int b = 0; b + 1 < bounds.length; b++) {
        int size = bounds[b + 1] - bounds[b];
        NDManager m = manager.newSubManager();
        try {
          RecycledTensors.Slot slot = tensors.take(m, new Shape(size, inputCols.length, schema.past()),
              new Shape(size, targetCols.length, schema.future()));
          String[] series = new String[size];
          long[] ws = new long[size];
          long[] fs = new long[size];
          if (size > 0) {
            FloatBuffer pb = slot.pastValues();
            FloatBuffer fb = slot.futureValues();
            FloatBuffer ob = slot.observedValues();
            fill(pool, bounds[b], size, pb, fb, ob, series, ws, fs);
            while (pool.filled() == null && ob.hasRemaining()) { // nothing was filled: every target point observed
              ob.put(ones, 0, Math.min(ones.length, ob.remaining()));
            }
            if (pb.hasRemaining() || fb.hasRemaining() || ob.hasRemaining()) {
              throw new IllegalStateException("a batch's tensors were not filled whole");
            }
          }
          out.add(new Batch(firstPosition + b, paths[b], m, slot.past(), slot.future(), slot.observed(), series, ws, fs,
              calendar == null ? null : calendar.tensor(m, ws, fs), tensors.giveBack(slot, m)));
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

  /**
   * Writes windows {@code [from, from + n)} of the pool: inputs x past, targets x future, targets'
   * observed flags where the job fills gaps, and each window's series and times (in the same pass).
   */
  private void fill(Pooled pool, int from, int n, FloatBuffer pb, FloatBuffer fb, FloatBuffer ob, String[] series,
      long[] windowStart, long[] forecastStart) {
    int past = schema.past();
    int future = schema.future();
    int[] segment = pool.segment();
    int[] start = pool.start();
    String[] names = pool.series();
    long[] times = pool.times();
    float[][] values = pool.values();
    byte[][] filled = pool.filled();
    for (int i = from; i < from + n; i++) {
      int p0 = start[i];
      series[i - from] = names[segment[i]];
      windowStart[i - from] = times[p0];
      forecastStart[i - from] = times[p0 + futureOffset];
      for (int c : inputCols) {
        pb.put(values[c], p0, past);
      }
      for (int c : targetCols) {
        fb.put(values[c], p0 + futureOffset, future);
      }
      for (int t = 0; filled != null && t < targetCols.length; t++) {
        byte[] f = filled[t];
        for (int k = p0 + futureOffset; k < p0 + futureOffset + future; k++) {
          ob.put(f[k] != 0 ? 0f : 1f);
        }
      }
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
   * Values one chunk may hold: a group's batches are built a chunk of whole batches at a time (on the
   * host, a worker's task, handed to the consumer at once; on the device, one gather), so that
   * per-chunk costs (thread hand-offs and wake-ups; on the device an allocation and an engine op) are
   * paid once for up to this many values. Each hand-off wakes a parked thread, which on this
   * development VM costs tens of microseconds: 4 MB chunks (2^20 values) rather than 1 MB ones made
   * the flights loader's median epoch 7-38 % faster in interleaved runs.
   */
  static final long CHUNK_VALUES = 1L << 20;

  /** Values gathered per window: inputs x past, then targets x future twice (values, observed flags). */
  int valuesPerWindow() {
    return inputCols.length * schema.past() + 2 * targetCols.length * schema.future();
  }

  /** The batch of windows {@code [from, to)} of the pool with its tensors: their series, times and calendar channels added. */
  Batch batch(Pooled pool, int from, int to, int position, String path, NDManager m, NDArray p, NDArray f,
      NDArray obs) {
    int n = to - from;
    String[] series = new String[n];
    long[] windowStart = new long[n];
    long[] forecastStart = new long[n];
    for (int i = 0; i < n; i++) {
      int p0 = pool.start()[from + i];
      series[i] = pool.series()[pool.segment()[from + i]];
      windowStart[i] = pool.times()[p0];
      forecastStart[i] = pool.times()[p0 + futureOffset];
    }
    return batch(position, path, m, p, f, obs, series, windowStart, forecastStart);
  }

  private Batch batch(int position, String path, NDManager m, NDArray p, NDArray f, NDArray obs, String[] series,
      long[] windowStart, long[] forecastStart) {
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
