package dev.shardcast.training.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.data.CalendarFeatures;
import dev.shardcast.training.data.ShardOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Given windows of one channel (the target is its own input) as a batch source: the first 70 % are
 * train, the next 15 % val, the rest test, each cut into batches of {@code batchSize} (the last may
 * be shorter). Epoch order as the real reader's.
 */
public final class ArraySource implements BatchSource {
  public final int past;
  public final int future;
  private final Map<String, List<float[][]>> splits = new LinkedHashMap<>();
  /** Per split and shard, {windowStart, forecastStart} of its windows (all 0 unless given). */
  private final Map<String, List<long[][]>> starts = new LinkedHashMap<>();
  private final CalendarFeatures calendar;
  private final long[] windowStart;
  private final long[] forecastStart;

  public ArraySource(float[][] x, float[][] y, int batchSize) {
    this(x, y, batchSize, null, new long[x.length], new long[x.length]);
  }

  /**
   * With the calendar channels of windows starting at {@code windowStart} (forecasts at {@code
   * forecastStart}) attached to every batch, as the shard reader attaches them; calendar null: none.
   */
  public ArraySource(float[][] x, float[][] y, int batchSize, CalendarFeatures calendar, long[] windowStart,
      long[] forecastStart) {
    this.calendar = calendar;
    this.windowStart = windowStart;
    this.forecastStart = forecastStart;
    this.past = x[0].length;
    this.future = y[0].length;
    int n = x.length;
    int trainEnd = (int) (n * 0.7);
    int valEnd = (int) (n * 0.85);
    put("train", x, y, 0, trainEnd, batchSize);
    put("val", x, y, trainEnd, valEnd, batchSize);
    put("test", x, y, valEnd, n, batchSize);
  }

  /**
   * Windows of {@code series}: each {@code past} points, then {@code future} points, stride 1.
   */
  public static ArraySource ofSeries(double[] series, int past, int future, int batchSize) {
    int n = series.length - past - future + 1;
    float[][] x = new float[n][past];
    float[][] y = new float[n][future];
    for (int w = 0; w < n; w++) {
      for (int i = 0; i < past; i++) {
        x[w][i] = (float) series[w + i];
      }
      for (int h = 0; h < future; h++) {
        y[w][h] = (float) series[w + past + h];
      }
    }
    return new ArraySource(x, y, batchSize);
  }

  private void put(String split, float[][] x, float[][] y, int from, int to, int batchSize) {
    List<float[][]> shards = new ArrayList<>();
    List<long[][]> shardStarts = new ArrayList<>();
    for (int b = from; b < to; b += batchSize) {
      int size = Math.min(batchSize, to - b);
      shardStarts.add(new long[][] {java.util.Arrays.copyOfRange(windowStart, b, b + size),
          java.util.Arrays.copyOfRange(forecastStart, b, b + size)});
      float[] xs = new float[size * past];
      float[] ys = new float[size * future];
      for (int w = 0; w < size; w++) {
        System.arraycopy(x[b + w], 0, xs, w * past, past);
        System.arraycopy(y[b + w], 0, ys, w * future, future);
      }
      shards.add(new float[][] {xs, ys});
    }
    splits.put(split, shards);
    starts.put(split, shardStarts);
  }

  @Override
  public int shardCount(String split) {
    List<float[][]> s = splits.get(split);
    return s == null ? 0 : s.size();
  }

  @Override
  public Iterator<Batch> epoch(String split, long seed, int epoch, int fromShard) {
    List<float[][]> shards = splits.getOrDefault(split, List.of());
    int[] order = ShardOrder.of(shards.size(), seed, epoch);
    return new Iterator<>() {
      int pos = fromShard;

      @Override
      public boolean hasNext() {
        return pos < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        float[][] data = shards.get(order[pos]);
        int size = data[0].length / past;
        NDManager m = NDManager.newBaseManager();
        NDArray x = m.create(data[0], new Shape(size, 1, past));
        NDArray y = m.create(data[1], new Shape(size, 1, future));
        String[] series = new String[size];
        java.util.Arrays.fill(series, "s");
        long[][] st = starts.get(split).get(order[pos]);
        NDArray cal = calendar == null ? null : calendar.tensor(m, st[0], st[1]);
        return new Batch(pos++, split + "/" + order[pos - 1], m, x, y, m.ones(y.getShape()), series, st[0], st[1], cal);
      }
    };
  }

  @Override
  public void close() {}
}
