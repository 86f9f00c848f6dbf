package dev.shardcast.transforms.core;

/**
 * The order that sorts 64-bit hashes ascending (as signed longs), by an LSD radix sort: linear in
 * the count, stable, and without the boxed pairs a comparator sort of indices needs.
 */
final class HashOrder {
  private static final int BITS = 16;
  private static final int BUCKETS = 1 << BITS;

  private HashOrder() {}

  /** Indices {@code 0..n-1} ordered by {@code hashes[i]} ascending; equal hashes keep index order. */
  static int[] ascending(long[] hashes, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (n < 2) {
      return order;
    }
    int[] next = new int[n];
    int[] counts = new int[BUCKETS + 1];
    for (int shift = 0; shift < Long.SIZE; shift += BITS) {
      java.util.Arrays.fill(counts, 0);
      for (int i = 0; i < n; i++) {
        counts[digit(hashes[i], shift) + 1]++;
      }
      if (counts[digit(hashes[0], shift) + 1] == n) {
        continue; // every hash shares this digit: the pass would not move anything
      }
      for (int b = 0; b < BUCKETS; b++) {
        counts[b + 1] += counts[b];
      }
      for (int i = 0; i < n; i++) {
        int at = order[i];
        next[counts[digit(hashes[at], shift)]++] = at;
      }
      int[] t = order;
      order = next;
      next = t;
    }
    return order;
  }

  /** A 16-bit digit of the hash with its sign bit flipped, so unsigned digit order is signed order. */
  private static int digit(long hash, int shift) {
    return (int) (((hash ^ Long.MIN_VALUE) >>> shift) & (BUCKETS - 1));
  }
}
