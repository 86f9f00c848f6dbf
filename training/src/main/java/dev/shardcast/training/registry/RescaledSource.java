package dev.shardcast.training.registry;

import ai.djl.ndarray.NDArray;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.transforms.core.ColumnScale;
import java.util.Iterator;
import java.util.List;

/**
 * The shards' batches in another scaler's units: each value un-scaled with the scaler the shards
 * were written with, then scaled with the model's own (the one it was trained with, from its
 * manifest copy). So a model trained on older data sees its inputs as it saw them in training, and
 * its forecasts, un-scaled with its own scaler, are in original units like everyone's.
 */
final class RescaledSource implements BatchSource {
  private final BatchSource shards;
  private final ScaleLookup from;
  private final ScaleLookup to;
  private final List<String> inputs;
  private final List<String> targets;

  RescaledSource(BatchSource shards, ScaleLookup from, ScaleLookup to, List<String> inputs, List<String> targets) {
    this.shards = shards;
    this.from = from;
    this.to = to;
    this.inputs = inputs;
    this.targets = targets;
  }

  @Override
  public int shardCount(String split) {
    return shards.shardCount(split);
  }

  @Override
  public Iterator<Batch> epoch(String split, long seed, int epoch, int fromShard) {
    Iterator<Batch> it = shards.epoch(split, seed, epoch, fromShard);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Batch next() {
        Batch b = it.next();
        NDArray past = rescale(b, b.past(), inputs);
        NDArray future = rescale(b, b.future(), targets);
        return new Batch(b.shardIndex(), b.path(), b.manager(), past, future, b.futureObserved(), b.series(),
            b.windowStart(), b.forecastStart(), b.calendar(), b.recycle());
      }
    };
  }

  /** [B, columns, steps] from the shards' scaling to the model's. */
  private NDArray rescale(Batch b, NDArray a, List<String> columns) {
    float[] v = a.toFloatArray();
    int steps = (int) a.getShape().get(2);
    for (int w = 0; w < b.size(); w++) {
      for (int c = 0; c < columns.size(); c++) {
        ColumnScale f = from.of(b.series()[w], columns.get(c));
        ColumnScale t = to.of(b.series()[w], columns.get(c));
        int base = (w * columns.size() + c) * steps;
        for (int i = 0; i < steps; i++) {
          v[base + i] = (float) t.apply(f.invert(v[base + i]));
        }
      }
    }
    return b.manager().create(v, a.getShape());
  }

  @Override
  public void close() {
    // the shards' reader belongs to the caller
  }
}
