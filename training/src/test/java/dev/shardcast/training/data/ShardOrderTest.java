package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardOrderTest {
  @Test
  void everyOrderOfThreeShardsIsAboutEquallyLikely() {
    Map<String, Integer> counts = new HashMap<>();
    int draws = 60_000;
    for (int epoch = 0; epoch < draws; epoch++) {
      counts.merge(Arrays.toString(ShardOrder.of(3, 2024, epoch)), 1, Integer::sum);
    }
    assertEquals(6, counts.size());
    // 10,000 expected each; a fair shuffle stays within ~4 standard deviations (±370)
    counts.forEach((order, n) -> assertTrue(Math.abs(n - draws / 6) < 400, order + " drawn " + n + " times"));
  }

  /** With state = seed + epoch, (s, e+1) read exactly the order of (s+1, e): neighbouring seeds shared epochs. */
  @Test
  void neighbouringSeedsDoNotShareEpochOrders() {
    for (long seed : new long[] {0, 1, 42, -1, Long.MAX_VALUE}) {
      for (int epoch = 0; epoch < 50; epoch++) {
        assertFalse(Arrays.equals(ShardOrder.of(20, seed, epoch + 1), ShardOrder.of(20, seed + 1, epoch)),
            "seed " + seed + " epoch " + (epoch + 1) + " reads the order of seed " + (seed + 1) + " epoch " + epoch);
      }
    }
  }

  @Test
  void startStatesDifferAcrossSeedsAndEpochs() {
    Set<Long> states = new HashSet<>();
    for (long seed = -20; seed <= 20; seed++) {
      for (int epoch = 0; epoch < 200; epoch++) {
        assertTrue(states.add(ShardOrder.start(seed, epoch)), "seed " + seed + " epoch " + epoch);
      }
    }
  }

  @Test
  void aPureFunctionOfCountSeedAndEpoch() {
    for (int epoch = 0; epoch < 5; epoch++) {
      assertArrayEquals(ShardOrder.of(37, 7, epoch), ShardOrder.of(37, 7, epoch));
    }
    assertFalse(Arrays.equals(ShardOrder.of(37, 7, 0), ShardOrder.of(37, 7, 1)), "epochs differ");
    assertFalse(Arrays.equals(ShardOrder.of(37, 7, 0), ShardOrder.of(37, 8, 0)), "seeds differ");
  }

  @Test
  void aLargeOrderIsAPermutation() {
    int[] order = ShardOrder.of(100_000, -7, 3);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 100_000).toArray(), sorted);
    assertArrayEquals(order, ShardOrder.of(100_000, -7, 3));
  }
}
