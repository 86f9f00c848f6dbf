package dev.shardcast.transforms.config;

import java.io.Serializable;

/**
 * Window arithmetic on step indices: a window starting at step {@code s} takes its past inputs from
 * steps {@code s .. s+past-1} and its future targets from {@code s+past+lead .. s+span-1}.
 */
public record WindowSpec(int past, int future, int stride, int lead) implements Serializable {
  public int span() {
    return past + lead + future;
  }

  public int futureOffset() {
    return past + lead;
  }

  /** Number of windows a gap-free run of {@code points} consecutive steps yields. */
  public long windowsIn(long points) {
    return points < span() ? 0 : (points - span()) / stride + 1;
  }
}
