package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeededHashTest {
  /** Groups of keys with equal String.hashCode and equal length: the old hash could not tell them apart. */
  private static final List<List<String>> HASHCODE_TWINS = List.of(
      List.of("Ab", "BC"),
      List.of("Aa", "BB"),
      List.of("AaAa", "AaBB", "BBAa", "BBBB"),
      List.of("city-Ab", "city-BC"),
      List.of("Ab/Aa", "BC/BB", "Ab/BB", "BC/Aa"));

  @Test
  void keyedGivesTheSameHashAsOfForEveryPosition() {
    for (String key : List.of("", "ABQ", "séries/ü", "a-much-longer-series-key-than-sixteen-bytes")) {
      SeededHash.Keyed keyed = new SeededHash.Keyed(99, key);
      for (long position : new long[] {0, 1, -1, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE, 12345}) {
        assertEquals(SeededHash.of(99, key, position), keyed.at(position), key + " at " + position);
      }
    }
  }

  @Test
  void keysWithTheSameJavaHashCodeGetDifferentHashes() {
    for (List<String> twins : HASHCODE_TWINS) {
      for (String k : twins) {
        assertEquals(twins.get(0).hashCode(), k.hashCode(), "the fixture: " + twins);
        assertEquals(twins.get(0).length(), k.length(), "the fixture: " + twins);
      }
      for (long seed : new long[] {0, 1, 42, -7}) {
        for (long position = 0; position < 1000; position++) {
          Set<Long> hashes = new HashSet<>();
          for (String k : twins) {
            hashes.add(SeededHash.of(seed, k, position));
          }
          assertEquals(twins.size(), hashes.size(), twins + " at seed " + seed + ", position " + position);
        }
      }
    }
  }

  /** Twins share a shuffle range (of 4) about a quarter of the time, as any two keys do, not always. */
  @Test
  void twinsLandTogetherOnlyByChance() {
    int together = 0;
    int n = 4000;
    for (long position = 0; position < n; position++) {
      long a = SeededHash.of(42, "Ab", position);
      long b = SeededHash.of(42, "BC", position);
      together += (int) (SeededHash.unit(a) * 4) == (int) (SeededHash.unit(b) * 4) ? 1 : 0;
    }
    assertEquals(0.25, together / (double) n, 0.03);
  }

  @Test
  void aPureFunctionOfSeedKeyAndPosition() {
    long h = SeededHash.of(42, "a", 7);
    assertEquals(h, SeededHash.of(42, "a", 7));
    assertEquals(h, SeededHash.of(42, new String(new char[] {'a'}), 7), "the key's content, not its identity");
    assertNotEquals(h, SeededHash.of(43, "a", 7));
    assertNotEquals(h, SeededHash.of(42, "b", 7));
    assertNotEquals(h, SeededHash.of(42, "a", 8));
    assertNotEquals(SeededHash.of(42, "", 7), SeededHash.of(42, "\u0000", 7), "the key's length counts");
  }

  /**
   * Fixed values, so a change of algorithm or byte layout cannot pass unnoticed: shards would change.
   * Cross-checked with an independent implementation (Guava's Hashing.murmur3_128(42) over the same
   * bytes: UTF-8 key, then the position as 8 little-endian bytes).
   */
  @Test
  void stableValues() {
    assertEquals(8499407948460080221L, SeededHash.of(42, "series-1", 1_600_000_000_000L));
    assertEquals(4583154689215796204L, SeededHash.of(42, "Austin, TX/ü", 1_600_000_000_000L));
    assertEquals(-4926922395844917231L, SeededHash.of(42, "Ab", 1_600_000_000_000L));
    assertEquals(-6311672714817231519L, SeededHash.of(42, "BC", 1_600_000_000_000L));
  }
}
