package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shardcast.transforms.core.WindowSegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentCacheTest {
  private static List<WindowSegment> shard(int points) {
    float[][] values = {new float[points], new float[points]};
    WindowSegment s = new WindowSegment("s", 0, new long[points], values, null, new int[] {0}, null, 0);
    return List.of(s);
  }

  @Test
  void keepsTheFirstShardsThatFitTheBudgetAndNothingMore() {
    long one = SegmentCache.bytes(shard(1000));
    // 8 bytes per time, 2 x 4 bytes per value, plus a little per array
    assertEquals(16_000, one, 200);
    SegmentCache cache = new SegmentCache(2 * one + one / 2);
    List<WindowSegment> a = shard(1000);
    cache.offer("a", a);
    cache.offer("b", shard(1000));
    cache.offer("c", shard(1000)); // over the budget: decoded again every epoch
    cache.offer("a", shard(1000)); // already kept: the first copy stays
    assertSame(a.get(0), cache.get("a").get(0));
    assertEquals(2, cache.size());
    assertEquals(2 * one, cache.usedBytes());
    assertNull(cache.get("c"));
    SegmentCache none = new SegmentCache(0);
    none.offer("a", a);
    assertNull(none.get("a"));
  }
}
