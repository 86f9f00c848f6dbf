package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashOrderTest {
  /** What the radix sort must give: a stable sort of indices by signed hash. */
  private static int[] expected(long[] hashes, int n) {
    return IntStream.range(0, n).boxed().sorted(Comparator.comparingLong(i -> hashes[i])).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void ordersSignedHashesStablyLikeAComparatorSort() {
    SplittableRandom random = new SplittableRandom(3);
    for (int n : new int[] {0, 1, 2, 7, 1000, 70_000}) {
      long[] hashes = new long[n + 5]; // a longer array than n: only the first n count
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = switch (i % 5) {
          case 0 -> random.nextLong();
          case 1 -> random.nextLong(-3, 3); // duplicates and both signs near zero
          case 2 -> Long.MIN_VALUE + random.nextInt(2);
          case 3 -> Long.MAX_VALUE - random.nextInt(2);
          default -> random.nextLong() & 0xffffL; // equal high digits: passes that move nothing
        };
      }
      assertArrayEquals(expected(hashes, n), HashOrder.ascending(hashes, n), "n=" + n);
    }
  }

  @Test
  void sameHighBitsEverywhereStillSortsByTheLowBits() {
    long[] hashes = {0x7000_0000_0000_0003L, 0x7000_0000_0000_0001L, 0x7000_0000_0000_0002L, 0x7000_0000_0000_0001L};
    assertArrayEquals(new int[] {1, 3, 2, 0}, HashOrder.ascending(hashes, hashes.length));
    assertArrayEquals(expected(hashes, 4), HashOrder.ascending(Arrays.copyOf(hashes, 4), 4));
  }
}
