package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkLayoutTest {

  @Test
  void ofDerivesOverlapFromSpanAndMaxFill() {
    // past 3 + future 2 = span 5: windows reach 4 steps back and ahead.
    ChunkLayout base = ChunkLayout.of(TestJobs.plan());
    assertEquals(new ChunkLayout(100_000, 4, 4), base);
    // chunk_points below the minimum 2 * (lookBack + lookAhead + 1) is raised to it.
    assertEquals(new ChunkLayout(18, 4, 4), ChunkLayout.of(TestJobs.plan("input.chunk_points=7")));
    assertEquals(new ChunkLayout(18, 4, 4), ChunkLayout.of(TestJobs.plan("input.chunk_points=18")));
    assertEquals(new ChunkLayout(19, 4, 4), ChunkLayout.of(TestJobs.plan("input.chunk_points=19")));
    // Forward fill needs max_fill more steps before.
    assertEquals(new ChunkLayout(22, 6, 4),
        ChunkLayout.of(TestJobs.plan("input.chunk_points=7", "gaps.policy=ffill", "gaps.max_fill=2")));
    // max_fill without a policy adds nothing.
    assertEquals(new ChunkLayout(18, 4, 4), ChunkLayout.of(TestJobs.plan("input.chunk_points=7", "gaps.max_fill=9")));
    // lead 2: span 7.
    assertEquals(new ChunkLayout(26, 6, 6),
        ChunkLayout.of(TestJobs.plan("input.chunk_points=1", "windowing.lead=2")));
  }

  @Test
  void ownershipPartitionsTheSteps() {
    ChunkLayout l = new ChunkLayout(10, 3, 2);
    assertEquals(0, l.owner(0));
    assertEquals(0, l.owner(9));
    assertEquals(1, l.owner(10));
    assertEquals(-1, l.owner(-1));
    assertEquals(-1, l.owner(-10));
    assertEquals(-2, l.owner(-11));
    assertEquals(20, l.ownedFrom(2));
    assertEquals(30, l.ownedUntil(2));
    assertEquals(17, l.from(2));
    assertEquals(32, l.until(2));
    for (long step = -100; step < 100; step++) {
      long b = l.owner(step);
      assertTrue(l.ownedFrom(b) <= step && step < l.ownedUntil(b), "step " + step);
    }
  }

  @Test
  void chunksOfListsExactlyTheChunksWhoseRangeHoldsTheStep() {
    for (ChunkLayout l : List.of(new ChunkLayout(10, 3, 2), new ChunkLayout(18, 4, 4), new ChunkLayout(22, 10, 0),
        new ChunkLayout(26, 0, 12))) {
      for (long step = -80; step < 80; step++) {
        List<Long> expected = new ArrayList<>();
        for (long b = -20; b <= 20; b++) {
          if (b * l.points() - l.lookBack() <= step && step < (b + 1) * l.points() + l.lookAhead()) {
            expected.add(b);
          }
        }
        List<Long> got = new ArrayList<>();
        l.chunksOf(step, got::add);
        assertEquals(expected, got, l + " step " + step);
        assertTrue(got.contains(l.owner(step)));
      }
    }
  }
}
