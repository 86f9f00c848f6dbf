package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * One shard file as tensors, owned by its own {@link NDManager} (closing the batch frees its native
 * memory). {@code past}: float32 [B, inputs, past] (scaled); {@code future}: float32 [B, targets,
 * future] (scaled); {@code futureObserved}: float32 [B, targets, future], 1 where the target point
 * was observed and 0 where the gap policy filled it (all ones when the job fills no gaps): a filled
 * point is an input convenience, never a target to train on or score. {@code shardIndex} is the
 * file's position in this epoch's shard order. {@code calendar}: float32 [B, 2 * features, past +
 * future], the windowing.time_features channels ({@link CalendarFeatures}); null without them.
 * {@code recycle}: run on close before the manager closes, it hands the batch's tensors back to the
 * reader to be written again for a later batch ({@link RecycledTensors}); null when they are freed.
 * So a batch's tensors must not be used after it is closed (as everywhere in DJL).
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
    long[] forecastStart,
    NDArray calendar,
    Runnable recycle)
    implements AutoCloseable {

  /** A batch whose tensors are freed when it is closed. */
  public Batch(int shardIndex, String path, NDManager manager, NDArray past, NDArray future, NDArray futureObserved,
      String[] series, long[] windowStart, long[] forecastStart, NDArray calendar) {
    this(shardIndex, path, manager, past, future, futureObserved, series, windowStart, forecastStart, calendar, null);
  }

  /** A batch without calendar features. */
  public Batch(int shardIndex, String path, NDManager manager, NDArray past, NDArray future, NDArray futureObserved,
      String[] series, long[] windowStart, long[] forecastStart) {
    this(shardIndex, path, manager, past, future, futureObserved, series, windowStart, forecastStart, null);
  }

  /**
   * What a model's forward takes: {@code past} (this batch's past window, already where the model
   * is), then the calendar channels, moved by {@code move}, when the batch has them.
   */
  public NDList modelInput(NDArray past, UnaryOperator<NDArray> move) {
    return calendar == null ? new NDList(past) : new NDList(past, move.apply(calendar));
  }

  public int size() {
    return series.length;
  }

  @Override
  public void close() {
    try {
      if (recycle != null) {
        recycle.run();
      }
    } finally {
      manager.close();
    }
  }
}
