package dev.shardcast.transforms.core;

/**
 * Stateless seeded 64-bit hashing (SplitMix64 finalizer). Every random choice in prepare (scaler
 * sample, window shuffle) is a hash of the seed and the item's identity, so the result does not
 * depend on bundle order, parallelism or runner.
 */
public final class SeededHash {
  private SeededHash() {}

  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** String.hashCode is specified by the JLS, so this is stable across JVMs. */
  public static long of(long seed, String key, long position) {
    long h = mix(seed * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L);
    h = mix(h ^ key.hashCode());
    h = mix(h ^ key.length() * 0x2545f4914f6cdd1dL);
    return mix(h ^ position);
  }

  /** Uniform double in [0, 1) from a hash. */
  public static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
