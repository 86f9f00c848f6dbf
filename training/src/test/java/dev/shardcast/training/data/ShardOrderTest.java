package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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

  @Test
  void aLargeOrderIsAPermutation() {
    int[] order = ShardOrder.of(100_000, -7, 3);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 100_000).toArray(), sorted);
    assertArrayEquals(order, ShardOrder.of(100_000, -7, 3));
  }
}
