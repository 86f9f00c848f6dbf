package dev.shardcast.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;

/**
 * The linear model, DLinear (Zeng et al. 2023), on the targets' own past windows (see {@link
 * ModelFactory#coreChannels}): each channel's past window is split into a
 * trend (a centred moving average, the window's end values repeated past its edges) and the
 * remainder; each part, flattened over the channels, is mapped by its own Linear layer to all
 * targets and future steps, and the two forecasts are added.
 */
public final class DLinear {
  /** The moving average's length for a long enough window (DLinear's default). */
  public static final int KERNEL = 25;

  private DLinear() {}

  static Block build(ModelSpec spec) {
    int past = spec.past();
    float[] avg = movingAverage(past, kernel(past));
    Shape avgShape = new Shape(past, past);
    long out = (long) spec.outputs() * spec.future();
    SequentialBlock trend = new SequentialBlock();
    trend.addSingleton(x -> x.matMul(x.getManager().create(avg, avgShape)), "trend");
    trend.add(Blocks.batchFlattenBlock());
    trend.add(Linear.builder().setUnits(out).build());
    SequentialBlock remainder = new SequentialBlock();
    remainder.addSingleton(x -> x.sub(x.matMul(x.getManager().create(avg, avgShape))), "remainder");
    remainder.add(Blocks.batchFlattenBlock());
    remainder.add(Linear.builder().setUnits(out).build());
    SequentialBlock net = new SequentialBlock();
    net.add(new ParallelBlock(DLinear::sum, List.of(trend, remainder)));
    int targets = spec.outputs();
    int future = spec.future();
    net.add((NDList in) -> new NDList(in.singletonOrThrow().reshape(-1, targets, future)), "to_targets_future");
    return net;
  }

  private static NDList sum(List<NDList> parts) {
    NDArray a = parts.get(0).singletonOrThrow();
    return new NDList(a.add(parts.get(1).singletonOrThrow()));
  }

  /** The odd moving-average length for a window of {@code past} points: {@link #KERNEL} at most. */
  static int kernel(int past) {
    int k = Math.min(KERNEL, past);
    return k % 2 == 0 ? k - 1 : k;
  }

  /**
   * A [past, past] matrix A with (x A)[t] the mean of x over [t - k/2, t + k/2], indices outside the
   * window clamped to its ends (DLinear's replicate padding).
   */
  static float[] movingAverage(int past, int k) {
    float[] a = new float[past * past];
    int half = k / 2;
    for (int t = 0; t < past; t++) {
      for (int s = t - half; s <= t + half; s++) {
        int src = Math.max(0, Math.min(past - 1, s));
        a[src * past + t] += 1f / k;
      }
    }
    return a;
  }
}
