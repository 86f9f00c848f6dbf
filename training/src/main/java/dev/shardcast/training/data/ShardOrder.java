package dev.shardcast.training.data;

import dev.shardcast.transforms.core.SeededHash;

/**
 * The shard order of one epoch: a Fisher-Yates shuffle of the positions {@code 0..n-1} (the order
 * of the manifest's shard list) driven by a SplitMix64 generator whose start state mixes the seed
 * and the epoch. Not {@code seed + epoch}: then (seed s, epoch e+1) would read exactly the order of
 * (seed s+1, epoch e), so runs with neighbouring seeds would share all but one epoch's orders.
 *
 * <p>Why not {@code java.util.Random} or {@code Collections.shuffle}: their algorithms are not part
 * of any contract we control, and a resumed run must see exactly the order the interrupted run saw,
 * possibly on another JVM. Everything here is spelled out, so the order is a pure function of
 * (n, seed, epoch):
 *
 * <pre>
 *   state = mix(seed * 0x9e3779b97f4a7c15L + mix(epoch + 0x632be59bd9b4e019L))   // mix = SeededHash.mix
 *   next() = SeededHash.mix(state += 0x9e3779b97f4a7c15L)          // SplitMix64
 *   for i = n-1 down to 1:
 *     j = uniform integer in [0, i] from next() (rejection sampling, no modulo bias)
 *     swap(order[i], order[j])
 * </pre>
 *
 * <p>For a fixed epoch, distinct seeds give distinct start states (both steps are bijections), and
 * for a fixed seed so do distinct epochs; across seeds and epochs states meet only by chance.
 */
public final class ShardOrder {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final long EPOCH_OFFSET = 0x632be59bd9b4e019L;

  private ShardOrder() {}

  /** Positions into the manifest's shard list, in this epoch's reading order. */
  public static int[] of(int n, long seed, int epoch) {
    if (n < 0) {
      throw new IllegalArgumentException("shard count must be >= 0, got " + n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long[] state = {start(seed, epoch)};
    for (int i = n - 1; i > 0; i--) {
      int j = uniform(state, i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** The generator's start state for (seed, epoch); see the class comment. */
  static long start(long seed, int epoch) {
    return SeededHash.mix(seed * GOLDEN_GAMMA + SeededHash.mix(epoch + EPOCH_OFFSET));
  }

  /**
   * Uniform integer in [0, bound) from 63-bit draws: a draw in the incomplete last block of size
   * {@code 2^63 mod bound} is rejected, so every value is equally likely.
   */
  private static int uniform(long[] state, int bound) {
    while (true) {
      long r = next(state) >>> 1;
      long v = r % bound;
      if (r - v + (bound - 1) >= 0) { // no overflow: r lies in a complete block
        return (int) v;
      }
    }
  }

  private static long next(long[] state) {
    state[0] += GOLDEN_GAMMA;
    return SeededHash.mix(state[0]);
  }
}
