package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleBlockTest {
  private static final int WIDTH = 2;

  /** A candidate row: its hash and values (value 0 is the row id, value 1 its square or NaN). */
  private record Cand(long hash, double[] values) {}

  private static List<Cand> candidates(int n, long seed) {
    List<Cand> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Cand(SeededHash.of(seed, "series-" + (i % 5), i), new double[] {i, i % 7 == 0 ? Double.NaN : i * i}));
    }
    return out;
  }

  private static SampleBlock collect(List<Cand> rows, int k) {
    SampleBlock.Collector c = new SampleBlock.Collector(WIDTH, k);
    for (Cand r : rows) {
      c.offer(r.hash(), r.values(), 0);
    }
    return c.build();
  }

  /** The expected bottom-k, computed by sorting everything. */
  private static SampleBlock bottomK(List<Cand> rows, int k) {
    List<Cand> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(Cand::hash));
    int n = Math.min(k, sorted.size());
    long[] hashes = new long[n];
    double[] values = new double[n * WIDTH];
    for (int i = 0; i < n; i++) {
      hashes[i] = sorted.get(i).hash();
      System.arraycopy(sorted.get(i).values(), 0, values, i * WIDTH, WIDTH);
    }
    return new SampleBlock(WIDTH, n, hashes, values);
  }

  private static void assertSameSample(SampleBlock expected, SampleBlock actual, String label) {
    assertEquals(expected.size, actual.size, label);
    assertEquals(expected.width, actual.width, label);
    assertArrayEquals(expected.hashes, actual.hashes, label);
    assertArrayEquals(expected.values, actual.values, label);
  }

  @Test
  void collectorKeepsTheKSmallestHashesInOrder() {
    List<Cand> rows = candidates(1000, 42);
    SampleBlock s = collect(rows, 50);
    assertSameSample(bottomK(rows, 50), s, "k=50");
    for (int i = 1; i < s.size; i++) {
      assertEquals(-1, Long.compare(s.hashes[i - 1], s.hashes[i]));
    }
    // Fewer rows than k: all of them.
    assertSameSample(bottomK(rows.subList(0, 10), 50), collect(rows.subList(0, 10), 50), "k > n");
    assertEquals(0, collect(List.of(), 5).size);
  }

  @Test
  void collectorCopiesTheRowFromItsOffset() {
    SampleBlock.Collector c = new SampleBlock.Collector(WIDTH, 10);
    double[] buffer = {9, 9, 1, 2, 9};
    c.offer(5, buffer, 2);
    buffer[2] = -1; // the collector must have copied the values
    SampleBlock s = c.build();
    assertArrayEquals(new double[] {1, 2}, s.values);
  }

  @Test
  void mergeOfPartsEqualsOneCollectorOverAllRows() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 40; trial++) {
      int n = rnd.nextInt(400);
      int k = 1 + rnd.nextInt(60);
      List<Cand> rows = candidates(n, trial);
      SampleBlock whole = collect(rows, k);
      assertSameSample(bottomK(rows, k), whole, "single, trial " + trial);

      // Split into random parts, collect each, merge in a random order and grouping.
      Collections.shuffle(rows, rnd);
      int parts = 1 + rnd.nextInt(6);
      List<SampleBlock> samples = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        samples.add(collect(rows.subList(p * rows.size() / parts, (p + 1) * rows.size() / parts), k));
      }
      samples.add(SampleBlock.empty(WIDTH));
      Collections.shuffle(samples, rnd);
      SampleBlock merged = SampleBlock.empty(WIDTH);
      for (SampleBlock s : samples) {
        merged = rnd.nextBoolean() ? SampleBlock.merge(merged, s, k) : SampleBlock.merge(s, merged, k);
      }
      assertSameSample(whole, merged, "merged, trial " + trial);

      // Pairwise tree merge gives the same.
      List<SampleBlock> level = new ArrayList<>(samples);
      while (level.size() > 1) {
        List<SampleBlock> next = new ArrayList<>();
        for (int i = 0; i < level.size(); i += 2) {
          next.add(i + 1 < level.size() ? SampleBlock.merge(level.get(i), level.get(i + 1), k) : level.get(i));
        }
        level = next;
      }
      assertSameSample(whole, level.get(0), "tree merge, trial " + trial);
    }
  }

  @Test
  void mergeTakesTheSmallestOfBoth() {
    SampleBlock a = new SampleBlock(1, 3, new long[] {1, 4, 9}, new double[] {10, 40, 90});
    SampleBlock b = new SampleBlock(1, 2, new long[] {2, 3}, new double[] {20, 30});
    SampleBlock m = SampleBlock.merge(a, b, 4);
    assertArrayEquals(new long[] {1, 2, 3, 4}, m.hashes);
    assertArrayEquals(new double[] {10, 20, 30, 40}, m.values);
    SampleBlock all = SampleBlock.merge(b, a, 10);
    assertArrayEquals(new long[] {1, 2, 3, 4, 9}, all.hashes);
    assertArrayEquals(new double[] {10, 20, 30, 40, 90}, all.values);
  }

  @Test
  void columnSkipsEmptyCells() {
    SampleBlock s = new SampleBlock(2, 3, new long[] {1, 2, 3}, new double[] {1, Double.NaN, 2, 5, Double.NaN, 6});
    assertArrayEquals(new double[] {1, 2}, s.column(0));
    assertArrayEquals(new double[] {5, 6}, s.column(1));
    assertEquals(0, SampleBlock.empty(2).column(1).length);
  }

  @Test
  void seededHashDependsOnSeedKeyAndPosition() {
    long h = SeededHash.of(42, "a", 7);
    assertEquals(h, SeededHash.of(42, "a", 7));
    assertNotEquals(h, SeededHash.of(43, "a", 7));
    assertNotEquals(h, SeededHash.of(42, "b", 7));
    assertNotEquals(h, SeededHash.of(42, "a", 8));
    double[] unit = new double[2000];
    for (int i = 0; i < unit.length; i++) {
      unit[i] = SeededHash.unit(SeededHash.of(1, "k", i));
      assertEquals(true, unit[i] >= 0 && unit[i] < 1);
    }
    double mean = Arrays.stream(unit).average().orElseThrow();
    assertEquals(0.5, mean, 0.03);
  }
}
