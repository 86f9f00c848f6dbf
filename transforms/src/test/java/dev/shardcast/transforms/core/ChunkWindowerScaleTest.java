package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.quality.BuiltinRules;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.quality.ScaleCheck;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A 40-day series from two sources (a: days 0..19, b: days 20..39), windowed in overlapping chunks
 * with an error scale check on x. Wrong-scale rows sit where two chunks overlap: each is rejected
 * once (by the chunk that owns it), never reaches the grid, and the row counts add up.
 */
class ChunkWindowerScaleTest {
  private static final String SERIES = "s";
  private static final long S0 = TestJobs.day("2020-01-01");
  private static final int DAYS = 40;

  private static double normal(int day) {
    return 1 + day % 9; // 1..9: typical magnitude about 10^0.7
  }

  private record In(String origin, int day, double x) {}

  /** The rows: every day once, plus a's copy of day 22 (same values as b's) and a's wrong-scale day 27. */
  private static List<In> rows() {
    List<In> out = new ArrayList<>();
    for (int d = 0; d < DAYS; d++) {
      double x = d == 6 ? 5000 : d == 10 ? 7000 : d == 24 ? 0.002 : normal(d);
      out.add(new In(d < 20 ? "a" : "b", d, x));
    }
    out.add(new In("a", 22, normal(22)));
    out.add(new In("a", 27, 4000)); // b's day 27 is normal and stays
    return out;
  }

  @Test
  void rejectedRowsAreOffTheGridAndCountedOnce() {
    JobPlan plan = TestJobs.plan("input.path=null", "input.sources=[{name: a, path: a.csv}, {name: b, path: b.csv}]",
        "quality.columns={x: {scale_check: {max_orders: 2}}}", "input.chunk_points=1");
    ChunkLayout layout = ChunkLayout.of(plan);
    assertEquals(18, layout.points(), "span 5: chunks of 2 * (4 + 4 + 1) steps");
    for (int day : new int[] {6, 10, 22, 24}) {
      AtomicInteger n = new AtomicInteger();
      layout.chunksOf(S0 + day, b -> n.incrementAndGet());
      assertEquals(2, n.get(), "day " + day + " is seen by two chunks");
    }

    List<In> rows = rows();
    DatasetProfile profile = new DatasetProfile();
    rows.forEach(r -> profile.addNumber("x", r.x()));
    ScaleCheck scale = ScaleCheck.of(plan, RuleSet.compile(plan), profile);

    Map<String, String> rejected = new TreeMap<>();
    Map<String, Long> used = new TreeMap<>();
    long owned = 0;
    long windowed = 0;
    long unused = 0;
    long checked = 0;
    long failed = 0;
    int windows = 0;
    for (long chunk = layout.owner(S0); chunk <= layout.owner(S0 + DAYS - 1); chunk++) {
      Map<String, RowChunk.Builder> parts = new TreeMap<>();
      for (In r : rows) {
        long step = S0 + r.day();
        if (step >= layout.from(chunk) && step < layout.until(chunk)) {
          parts.computeIfAbsent(r.origin(), o -> new RowChunk.Builder(SERIES, o + ".csv", o, 3))
              .add(step, step * TestJobs.DAY, r.day() + 2, new double[] {r.x(), 2, 3});
        }
      }
      List<RowChunk> chunks = new ArrayList<>();
      parts.values().forEach(b -> chunks.add(b.build()));
      Collections.reverse(chunks); // b before a: order must not matter
      ChunkWindower.Result res = ChunkWindower.process(plan, layout, SERIES, chunk, S0, S0 + DAYS - 1, chunks, scale);
      assertEquals(res.rowsOwned, res.rowsWindowed + res.rowsUnused + res.rejected.size(), "chunk " + chunk);
      for (ChunkWindower.Rejected r : res.rejected) {
        String key = r.ref().chunk().origin + "/" + (r.ref().chunk().steps[r.ref().row()] - S0);
        assertEquals(null, rejected.put(key, r.reason()), "rejected twice: " + key);
      }
      res.usedByOrigin.forEach((o, n) -> used.merge(o, n, Long::sum));
      owned += res.rowsOwned;
      windowed += res.rowsWindowed;
      unused += res.rowsUnused;
      checked += res.scaleChecked[0];
      failed += res.scaleFailed[0];
      for (WindowBlock b : res.windows) {
        for (int w = 0; b != null && w < b.size; w++) {
          windows++;
        }
        if (b != null) {
          for (float v : b.past) {
            assertTrue(v >= 1 && v <= 9, "a wrong-scale value reached a window: " + v);
          }
          for (float v : b.future) {
            assertTrue(v >= 1 && v <= 9, "a wrong-scale value reached a window: " + v);
          }
        }
      }
    }
    assertEquals(Map.of("a/6", "x.scale_check", "a/10", "x.scale_check", "b/24", "x.scale_check",
        "a/27", "x.scale_check", "b/22", BuiltinRules.UNIFIED_REDUNDANT), rejected);
    assertEquals(42, owned); // 40 days + a's day 22 + a's day 27
    assertEquals(42, checked);
    assertEquals(4, failed);
    // a: days 0..19 without 6 and 10, plus its kept copy of day 22; b: days 20..39 without 22 and 24.
    assertEquals(Map.of("a", 19L, "b", 18L), used);
    // Grid holes at days 6, 10, 24: window starts 2..10 and 20..24 are broken, 36 - 14 = 22 remain.
    assertEquals(22, windows);
    // Starts 0-1, 11-19 and 25-35 cover days 0-5, 11-23 and 25-39: days 7, 8, 9 are on the grid but unused.
    assertEquals(34, windowed);
    assertEquals(3, unused);
  }
}
