package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 * re-pooling its group and skipping the batches before it, with the same result.
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

  /** The group's windows, as (segment, window) pairs in the permuted order. */
  record Pooled(WindowSegment[] segment, int[] window) {
    int size() {
      return window.length;
    }
  }

  /**
   * @param files the group's decoded files, in epoch order
   */
  Pooled pool(List<List<WindowSegment>> files, long seed, int epoch, int group) {
    int n = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        n += s.windows();
      }
    }
    WindowSegment[] seg = new WindowSegment[n];
    int[] win = new int[n];
    int at = 0;
    for (List<WindowSegment> f : files) {
      for (WindowSegment s : f) {
        for (int k = 0; k < s.windows(); k++) {
          seg[at] = s;
          win[at++] = k;
        }
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
    }
    return new Pooled(seg, win);
  }

  /** Windows {@code [from, to)} of the pool as one batch on {@code manager}. */
  Batch batch(Pooled pool, int from, int to, int position, String path, NDManager manager) {
    int n = to - from;
    int inputs = inputCols.length;
    int targets = targetCols.length;
    int past = schema.past();
    int future = schema.future();
    float[] pastValues = new float[n * inputs * past];
    float[] futureValues = new float[n * targets * future];
    float[] observed = new float[n * targets * future];
    String[] series = new String[n];
    long[] windowStart = new long[n];
    long[] forecastStart = new long[n];
    for (int i = 0; i < n; i++) {
      WindowSegment s = pool.segment()[from + i];
      int o = s.offsets[pool.window()[from + i]];
      series[i] = s.series;
      windowStart[i] = s.times[o];
      forecastStart[i] = s.times[o + futureOffset];
      for (int c = 0; c < inputs; c++) {
        System.arraycopy(s.values[inputCols[c]], o, pastValues, (i * inputs + c) * past, past);
      }
      for (int c = 0; c < targets; c++) {
        int base = (i * targets + c) * future;
        System.arraycopy(s.values[targetCols[c]], o + futureOffset, futureValues, base, future);
        byte[] filled = s.filled[targetCols[c]];
        for (int t = 0; t < future; t++) {
          observed[base + t] = filled[o + futureOffset + t] != 0 ? 0f : 1f;
        }
      }
    }
    NDManager m = manager.newSubManager();
    try {
      NDArray p = m.create(pastValues, new Shape(n, inputs, past));
      NDArray f = m.create(futureValues, new Shape(n, targets, future));
      NDArray obs = m.create(observed, new Shape(n, targets, future));
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
