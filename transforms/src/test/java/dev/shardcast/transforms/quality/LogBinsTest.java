package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LogBinsTest {
  @Test
  void countsLikeATreeMapAndReadsInAscendingOrder() {
    LogBins bins = new LogBins();
    LogBins other = new LogBins();
    TreeMap<Integer, Long> expected = new TreeMap<>();
    SplittableRandom random = new SplittableRandom(11);
    assertTrue(bins.isEmpty());
    for (int i = 0; i < 50_000; i++) {
      // Bins over the whole range a double's log10 x 1000 can take, many repeated.
      int key = i % 3 == 0 ? random.nextInt(-324_000, 308_300) : random.nextInt(-40, 40) * 1000;
      long count = 1 + random.nextInt(3);
      (i % 2 == 0 ? bins : other).add(key, count);
      expected.merge(key, count, Long::sum);
    }
    bins.addAll(other);
    LogBins.Sorted sorted = bins.sorted();
    assertEquals(expected.size(), bins.size());
    assertArrayEquals(expected.keySet().stream().mapToInt(Integer::intValue).toArray(), sorted.keys());
    assertArrayEquals(expected.values().stream().mapToLong(Long::longValue).toArray(), sorted.counts());
    for (Map.Entry<Integer, Long> e : expected.entrySet()) {
      assertTrue(e.getValue() > 0);
    }
  }

  @Test
  void theMedianMagnitudeIsTheSameWhateverTheOrderOfValues() {
    ColumnProfile a = ColumnProfile.numeric();
    ColumnProfile b = ColumnProfile.numeric();
    double[] values = {0.001, 2, 2, 30, -400, 5000, 0, 12, 12, 12};
    for (int i = 0; i < values.length; i++) {
      a.addNumber(values[i]);
      b.addNumber(values[values.length - 1 - i]);
    }
    assertEquals(12, a.medianAbs(), 12 * 0.0012, "to the 1/1000-order magnitude bins");
    assertEquals(a.medianAbs(), b.medianAbs());
  }
}
