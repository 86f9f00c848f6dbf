package dev.shardcast.transforms.read;

import static dev.shardcast.transforms.testing.TestJobs.DAY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowRouterTest {

  /** Collects what a router hands on. */
  private static final class Collect implements RowRouter.Output {
    final List<String> keys = new ArrayList<>();
    final Map<String, List<RowChunk>> chunks = new TreeMap<>();
    final List<QuarantineRecord> quarantined = new ArrayList<>();

    @Override
    public void chunk(String series, long chunk, RowChunk rows) {
      keys.add(series + "#" + chunk);
      chunks.computeIfAbsent(series + "#" + chunk, k -> new ArrayList<>()).add(rows);
    }

    @Override
    public void quarantine(QuarantineRecord record) {
      quarantined.add(record);
    }

    List<Long> steps(String key) {
      List<Long> out = new ArrayList<>();
      for (RowChunk c : chunks.getOrDefault(key, List.of())) {
        for (int i = 0; i < c.size; i++) {
          out.add(c.steps[i]);
        }
      }
      out.sort(null);
      return out;
    }
  }

  @Test
  void rowsGoToEveryChunkThatNeedsThem() {
    JobPlan plan = TestJobs.plan("input.chunk_points=7"); // layout: 18 points, 4 back, 4 ahead
    ChunkLayout layout = ChunkLayout.of(plan);
    assertEquals(18, layout.points());
    Collect out = new Collect();
    RowRouter router = new RowRouter(plan, layout, plan.eventBucketMillis(), "f.csv", out, 1000);
    long base = 18 * 1000; // a chunk boundary: chunk 1000 owns steps 18000..18017
    for (long step = base - 6; step < base + 6; step++) {
      router.row("a", step * DAY, step, new double[] {step, 1, 2});
    }
    router.flush();
    // Chunk 999 owns up to 17999 and looks 4 ahead (to 18003); chunk 1000 looks 4 back (from 17996).
    List<Long> c999 = new ArrayList<>();
    for (long s = base - 6; s < base + 4; s++) {
      c999.add(s);
    }
    List<Long> c1000 = new ArrayList<>();
    for (long s = base - 4; s < base + 6; s++) {
      c1000.add(s);
    }
    assertEquals(c999, out.steps("a#999"));
    assertEquals(c1000, out.steps("a#1000"));
    assertEquals(2, out.chunks.size());
    assertEquals(12, router.rowsRouted());
    RowChunk first = out.chunks.get("a#1000").get(0);
    assertEquals("a", first.series);
    assertEquals("f.csv", first.source);
    int r = 0;
    assertEquals(first.steps[r] * DAY, first.times[r]);
    assertEquals(first.steps[r], first.lines[r]);
    assertArrayEquals(new double[] {first.steps[r], 1, 2}, new double[] {first.value(r, 0), first.value(r, 1),
        first.value(r, 2)});
  }

  @Test
  void offGridTimestampsAreQuarantined() {
    JobPlan plan = TestJobs.plan();
    Collect out = new Collect();
    RowRouter router = new RowRouter(plan, ChunkLayout.of(plan), plan.eventBucketMillis(), "f.csv", out, 1000);
    router.row("a", 10 * DAY, 2, new double[] {1, 2, 3});
    router.row("a", 10 * DAY + 3_600_000L, 3, new double[] {1, 2, 3});
    router.flush();
    assertEquals(1, router.rowsRouted());
    assertEquals(1, router.quarantined());
    QuarantineRecord q = out.quarantined.get(0);
    assertEquals(QuarantineRecord.OFF_FREQUENCY, q.reason());
    assertEquals(3, q.line());
    assertEquals("f.csv", q.source());
    assertTrue(q.message().contains("1d"), q.message());
    assertEquals(List.of(10L), out.steps("a#0"));
  }

  @Test
  void flushesWhenTheBufferIsFullAndKeepsSeriesApart() {
    JobPlan plan = TestJobs.plan();
    Collect out = new Collect();
    RowRouter router = new RowRouter(plan, ChunkLayout.of(plan), plan.eventBucketMillis(), "f.csv", out, 3);
    for (int i = 0; i < 7; i++) {
      router.row(i % 2 == 0 ? "a" : "b", (100 + i) * DAY, i + 2, new double[] {i, i, i});
    }
    // Flushed after rows 3 and 6 (buffer of 3 row copies); row 7 is still held.
    assertEquals(List.of("a#0", "b#0", "b#0", "a#0"), out.keys); // series in first-seen order per flush
    router.flush();
    assertEquals(List.of(100L, 102L, 104L, 106L), out.steps("a#0"));
    assertEquals(List.of(101L, 103L, 105L), out.steps("b#0"));
    router.flush(); // nothing left: no empty chunks
    assertEquals(5, out.keys.size());
  }

  @Test
  void irregularRowsGoToTimeBuckets() {
    JobPlan plan = TestJobs.plan("input.frequency=none", "input.event_bucket=6h");
    long bucket = 6 * 3_600_000L;
    assertEquals(bucket, plan.eventBucketMillis());
    Collect out = new Collect();
    RowRouter router = new RowRouter(plan, ChunkLayout.of(plan), plan.eventBucketMillis(), "f.csv", out, 1000);
    router.row("a", 1000, 2, new double[] {1, 2, 3});
    router.row("a", bucket + 5, 3, new double[] {1, 2, 3});
    router.row("a", -1, 4, new double[] {1, 2, 3});
    router.flush();
    assertEquals(List.of(1000L), out.steps("a#0"));
    assertEquals(List.of(bucket + 5), out.steps("a#1"));
    assertEquals(List.of(-1L), out.steps("a#-1"));
    assertNull(out.chunks.get("a#2"));
    assertTrue(out.quarantined.isEmpty());
  }
}
