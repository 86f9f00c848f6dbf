package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobPlan;
import java.io.Serializable;
import java.util.function.LongConsumer;

/**
 * How a series is cut into chunks of {@code points} steps so that each chunk can be windowed on its
 * own. Chunk {@code b} owns steps {@code [b*points, (b+1)*points)} and windows starting there; it also
 * receives copies of the {@code lookBack} steps before (windows that start earlier may cover its rows,
 * and forward fill needs the last observation) and the {@code lookAhead} steps after (its last windows
 * run into the next chunk).
 */
public record ChunkLayout(long points, int lookBack, int lookAhead) implements Serializable {

  public static ChunkLayout of(JobPlan plan) {
    int span = plan.window().span();
    int lookBack = span - 1 + plan.maxFill();
    int lookAhead = span - 1;
    long points = Math.max(plan.config().input().chunkPoints(), 2L * (lookBack + lookAhead + 1));
    return new ChunkLayout(points, lookBack, lookAhead);
  }

  public long owner(long step) {
    return Math.floorDiv(step, points);
  }

  public long ownedFrom(long chunk) {
    return chunk * points;
  }

  public long ownedUntil(long chunk) {
    return (chunk + 1) * points;
  }

  /** First step a chunk receives (inclusive). */
  public long from(long chunk) {
    return chunk * points - lookBack;
  }

  /** Last step a chunk receives (exclusive). */
  public long until(long chunk) {
    return (chunk + 1) * points + lookAhead;
  }

  /** Every chunk that must receive the row at {@code step}: its owner and up to two neighbours. */
  public void chunksOf(long step, LongConsumer sink) {
    long owner = owner(step);
    for (long b = owner - 1; b <= owner + 1; b++) {
      if (step >= from(b) && step < until(b)) {
        sink.accept(b);
      }
    }
  }
}
