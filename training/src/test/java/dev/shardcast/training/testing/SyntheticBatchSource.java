package dev.shardcast.training.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.data.ShardOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * In-memory stand-in for the shard reader: every split is a list of "shards" (batches) of
 * synthetic windows where the future is a fixed linear function of the past plus a little noise,
 * so a model can learn it. Everything derives from {@code dataSeed}; the epoch order is a shuffle
 * seeded by (seed, epoch), as the real reader does.
 */
public final class SyntheticBatchSource implements BatchSource {
  public final int inputs;
  public final int targets;
  public final int past;
  public final int future;
  public final int batchSize;
  private final Map<String, List<float[][]>> splits = new LinkedHashMap<>();
  /** Per split and shard, 1 where a future point is observed, 0 where it counts as filled; null: all observed. */
  private Map<String, List<float[]>> observed;
  /** fromShard of every epoch() call, for assertions. */
  public final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  public SyntheticBatchSource(
      long dataSeed, int inputs, int targets, int past, int future, int batchSize,
      Map<String, Integer> shardsPerSplit) {
    this.inputs = inputs;
    this.targets = targets;
    this.past = past;
    this.future = future;
    this.batchSize = batchSize;
    Random rnd = new Random(dataSeed);
    int in = inputs * past;
    int out = targets * future;
    // W: out x in, scaled so each output has about unit variance
    float[][] w = new float[out][in];
    for (float[] row : w) {
      for (int j = 0; j < in; j++) {
        row[j] = (float) (rnd.nextGaussian() / Math.sqrt(in));
      }
    }
    // sorted: Map.of iterates in a per-JVM random order, which would change the data between runs
    for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(shardsPerSplit).entrySet()) {
      List<float[][]> shards = new ArrayList<>();
      for (int s = 0; s < e.getValue(); s++) {
        float[] x = new float[batchSize * in];
        float[] y = new float[batchSize * out];
        for (int b = 0; b < batchSize; b++) {
          for (int j = 0; j < in; j++) {
            x[b * in + j] = (float) rnd.nextGaussian();
          }
          for (int o = 0; o < out; o++) {
            double v = 0;
            for (int j = 0; j < in; j++) {
              v += w[o][j] * x[b * in + j];
            }
            y[b * out + o] = (float) (v + 0.05 * rnd.nextGaussian());
          }
        }
        shards.add(new float[][] {x, y});
      }
      splits.put(e.getKey(), shards);
    }
  }

  /**
   * A copy in which about {@code fraction} of the future points count as filled by the gap policy:
   * their value is replaced by {@code garbage} and their mask says not observed. A trainer that
   * honours the masks gives the same result whatever {@code garbage} is.
   */
  public SyntheticBatchSource withFilledTargets(long maskSeed, double fraction, float garbage) {
    SyntheticBatchSource copy = new SyntheticBatchSource(this);
    Random rnd = new Random(maskSeed);
    copy.observed = new LinkedHashMap<>();
    for (Map.Entry<String, List<float[][]>> e : splits.entrySet()) {
      List<float[][]> shards = new ArrayList<>();
      List<float[]> masks = new ArrayList<>();
      for (float[][] shard : e.getValue()) {
        float[] y = shard[1].clone();
        float[] mask = new float[y.length];
        for (int i = 0; i < y.length; i++) {
          boolean filled = rnd.nextDouble() < fraction;
          mask[i] = filled ? 0f : 1f;
          if (filled) {
            y[i] = garbage;
          }
        }
        shards.add(new float[][] {shard[0], y});
        masks.add(mask);
      }
      copy.splits.put(e.getKey(), shards);
      copy.observed.put(e.getKey(), masks);
    }
    return copy;
  }

  private SyntheticBatchSource(SyntheticBatchSource o) {
    this.inputs = o.inputs;
    this.targets = o.targets;
    this.past = o.past;
    this.future = o.future;
    this.batchSize = o.batchSize;
  }

  /** A small default: 2 inputs, 1 target, past 8, future 3, batches of 16. */
  public static SyntheticBatchSource small(int trainShards, int valShards) {
    return new SyntheticBatchSource(
        11L, 2, 1, 8, 3, 16, Map.of("train", trainShards, "val", valShards, "test", 2));
  }

  @Override
  public int shardCount(String split) {
    List<float[][]> s = splits.get(split);
    return s == null ? 0 : s.size();
  }

  @Override
  public Iterator<Batch> epoch(String split, long seed, int epoch, int fromShard) {
    calls.add(split + ":" + epoch + ":" + fromShard);
    List<float[][]> shards = splits.getOrDefault(split, List.of());
    // The reader's own order (seed and epoch mixed in ShardOrder), not a shuffle of its own.
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
        int idx = order[pos];
        float[][] data = shards.get(idx);
        NDManager m = NDManager.newBaseManager();
        NDArray x = m.create(data[0], new Shape(batchSize, inputs, past));
        NDArray y = m.create(data[1], new Shape(batchSize, targets, future));
        NDArray obs = observed == null ? m.ones(y.getShape())
            : m.create(observed.get(split).get(idx), new Shape(batchSize, targets, future));
        String[] series = new String[batchSize];
        Arrays.fill(series, "s" + idx);
        long[] starts = new long[batchSize];
        Batch b = new Batch(pos, split + "/shard-" + idx, m, x, y, obs, series, starts, starts);
        pos++;
        return b;
      }
    };
  }

  @Override
  public void close() {}
}
