package dev.shardcast.transforms.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Stateless seeded 64-bit hashing. Every random choice in prepare (scaler sample, window shuffle) is
 * a hash of the seed and the item's identity, so the result does not depend on bundle order,
 * parallelism or runner.
 */
public final class SeededHash {
  private SeededHash() {}

  /** SplitMix64's finalizer: a bijection on 64 bits that spreads every input bit over the output. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * The first 64 bits of MurmurHash3_x64_128 (datasketches' implementation, seeded with {@code
   * seed}) over the key's UTF-8 bytes followed by {@code position} as 8 little-endian bytes. A real
   * hash of the whole key: keys that share String.hashCode and length ("Ab", "BC") still land
   * apart. The bytes and the algorithm are fixed, so the value is the same on every JVM and platform.
   */
  public static long of(long seed, String key, long position) {
    byte[] text = key.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = ByteBuffer.allocate(text.length + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .put(text).putLong(position).array();
    return MurmurHash3.hash(bytes, seed)[0];
  }

  /** {@link #of} for one key and many positions, the key encoded once (a chunk hashes every row). */
  public static final class Keyed {
    private final long seed;
    private final ByteBuffer bytes;
    private final int positionAt;

    public Keyed(long seed, String key) {
      byte[] text = key.getBytes(StandardCharsets.UTF_8);
      this.seed = seed;
      this.positionAt = text.length;
      this.bytes = ByteBuffer.allocate(text.length + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).put(text);
    }

    /** The same value as {@code of(seed, key, position)}. */
    public long at(long position) {
      bytes.putLong(positionAt, position);
      return MurmurHash3.hash(bytes.array(), seed)[0];
    }
  }

  /** Uniform double in [0, 1) from a hash. */
  public static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
