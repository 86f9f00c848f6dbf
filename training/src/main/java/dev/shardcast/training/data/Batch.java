package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One shard file as tensors, owned by its own {@link NDManager} (closing the batch frees its native
 * memory). {@code past}: float32 [B, inputs, past] (scaled); {@code future}: float32 [B, targets,
 * future] (scaled); {@code futureObserved}: float32 [B, targets, future], 1 where the target point
 * was observed and 0 where the gap policy filled it (all ones when the job fills no gaps): a filled
 * point is an input convenience, never a target to train on or score. {@code shardIndex} is the
 * file's position in this epoch's shard order.
 */
public record Batch(
    int shardIndex,
    String path,
    NDManager manager,
    NDArray past,
    NDArray future,
    NDArray futureObserved,
    String[] series,
    long[] windowStart,
    long[] forecastStart)
    implements AutoCloseable {

  public int size() {
    return series.length;
  }

  @Override
  public void close() {
    manager.close();
  }
}
