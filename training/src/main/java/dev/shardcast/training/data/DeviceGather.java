package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The compact layout's windows gathered on the reader's device, for a GPU: the host sends a group's
 * points there once ({@link #tensors}), not once per window that uses them ({@code past + future}
 * times), and each chunk of batches is one engine gather there ({@link #gather}) from its windows'
 * first points plus the offsets of a window's values. Same values and order as {@link
 * CompactPool#hostBatches} (a test compares them).
 */
final class DeviceGather {
  private final CompactPool pool;

  DeviceGather(CompactPool pool) {
    this.pool = pool;
  }

  /**
   * A group's points on the device. Close it once the group's batches are built.
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

  GroupTensors tensors(CompactPool.Pooled pooled, NDManager parent) {
    int n = pooled.points();
    float[][] values = pooled.values();
    int columns = values.length;
    int targets = pool.targetColumns().length;
    float[] points = new float[(columns + targets) * n]; // CompactPool.pool checked that it fits
    for (int c = 0; c < columns; c++) {
      System.arraycopy(values[c], 0, points, c * n, n);
    }
    for (int t = 0; t < targets; t++) {
      int o = (columns + t) * n;
      byte[] filled = pooled.filled() == null ? null : pooled.filled()[t];
      for (int k = 0; k < n; k++) {
        points[o + k] = filled != null && filled[k] != 0 ? 0f : 1f;
      }
    }
    int past = pool.schema().past();
    int future = pool.schema().future();
    int futureOffset = pool.futureOffset();
    long[] offsets = new long[pool.valuesPerWindow()];
    int k = 0;
    for (int col : pool.inputColumns()) {
      for (int t = 0; t < past; t++) {
        offsets[k++] = (long) col * n + t;
      }
    }
    for (int col : pool.targetColumns()) {
      for (int t = 0; t < future; t++) {
        offsets[k++] = (long) col * n + futureOffset + t;
      }
    }
    for (int c = 0; c < targets; c++) {
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

  Chunk gather(CompactPool.Pooled pooled, GroupTensors group, int from, int to) {
    int n = to - from;
    int inputs = pool.inputColumns().length;
    int targets = pool.targetColumns().length;
    int past = pool.schema().past();
    int future = pool.schema().future();
    int a = inputs * past;
    int b = a + targets * future;
    long[] starts = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = pooled.start()[from + i];
    }
    NDManager m = group.manager().newSubManager();
    try {
      // One gather for the chunk: index [n, k] = each window's first point + the group's offsets.
      NDArray all = group.points().take(m, m.create(starts, new Shape(n, 1)).add(group.offsets()));
      return new Chunk(m, from,
          all.get(":, 0:" + a).reshape(n, inputs, past),
          all.get(":, " + a + ":" + b).reshape(n, targets, future),
          all.get(":, " + b + ":").reshape(n, targets, future));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Windows {@code [from, to)} of the pool as one batch on {@code manager}: rows of {@code chunk}, which holds them. */
  Batch batch(CompactPool.Pooled pooled, Chunk chunk, int from, int to, int position, String path, NDManager manager) {
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
      return pool.batch(pooled, from, to, position, path, m, p, f, obs);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }
}
