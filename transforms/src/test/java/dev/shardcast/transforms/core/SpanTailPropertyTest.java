package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.TestSeries.Row;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Incremental spans on random series (gaps, empty cells, duplicate steps, every gap policy, strides
 * and leads, small chunks): the rows up to a random step windowed as span 0, the rows after it as span
 * 1 with span 0's tail (through its JSON line, as prepare stores it) as context. Span 0's windows plus
 * span 1's must be exactly the windows of the whole series windowed at once, and span 1 must own and
 * count exactly its new rows.
 */
class SpanTailPropertyTest {
  private static final String SERIES = "s-1";
  private static final int WIDTH = 3;

  @Test
  void spansTogetherMakeTheWholeSeriesWindows() throws IOException {
    Random rnd = new Random(20261203);
    int checked = 0;
    for (int c = 0; c < 300; c++) {
      int past = 1 + rnd.nextInt(5);
      int future = 1 + rnd.nextInt(4);
      int stride = 1 + rnd.nextInt(4);
      int lead = rnd.nextInt(3);
      String policy = List.of("none", "ffill", "zero").get(rnd.nextInt(3));
      int maxFill = policy.equals("none") ? 0 : 1 + rnd.nextInt(3);
      int n = 2 + rnd.nextInt(200);
      long first = TestJobs.day("2020-01-01") + rnd.nextInt(30);
      List<Row> rows = new ArrayList<>();
      long line = 2;
      double pGap = rnd.nextDouble() * 0.15;
      double pNaN = rnd.nextDouble() * 0.1;
      for (int i = 0; i < n; i++) {
        if (i > 0 && i < n - 1 && rnd.nextDouble() < pGap) {
          continue;
        }
        int copies = rnd.nextDouble() < 0.03 ? 2 : 1;
        for (int k = 0; k < copies; k++) {
          double[] v = new double[WIDTH];
          for (int j = 0; j < WIDTH; j++) {
            v[j] = rnd.nextDouble() < pNaN ? Double.NaN : rnd.nextInt(2000) - 1000 + 0.5;
          }
          rows.add(new Row(first + i, line++, v));
        }
      }
      long train = first + rnd.nextInt(n);
      long val = train + 1 + rnd.nextInt(n / 2 + 1);
      JobPlan plan = TestJobs.plan("windowing.past=" + past, "windowing.future=" + future, "windowing.stride=" + stride,
          "windowing.lead=" + lead, "gaps.policy=" + policy, "gaps.max_fill=" + maxFill,
          "split.train_end=" + LocalDate.ofEpochDay(train), "split.val_end=" + LocalDate.ofEpochDay(val),
          "input.chunk_points=" + List.of(1, 7, 30).get(rnd.nextInt(3)), "incremental.enabled=true");
      long cut = first + rnd.nextInt(n - 1);
      List<Row> before = rows.stream().filter(r -> r.step() <= cut).toList();
      List<Row> after = rows.stream().filter(r -> r.step() > cut).toList();
      if (before.isEmpty() || after.isEmpty()) {
        continue;
      }
      String label = "case " + c + " " + past + "/" + future + "/" + stride + "/" + lead + " " + policy + maxFill
          + " cut " + (cut - first) + " of " + n;

      Span whole = window(plan, rows, List.of(), null);
      Span span0 = window(plan, before, List.of(), null);
      SpanTail tail = span0.tail == null ? null : SpanTail.fromJsonLine(span0.tail.toJsonLine());
      Span span1 = window(plan, after, tail == null ? List.of() : List.of(tail), tail);

      List<String> both = new ArrayList<>(span0.windows);
      both.addAll(span1.windows);
      Collections.sort(both);
      assertEquals(whole.windows, both, label);
      assertEquals(after.size(), span1.owned, label + ": span 1 counts its new rows, no context row");
      assertEquals(span1.owned, span1.windowed + span1.unused + span1.rejected, label);
      checked++;
    }
    assertTrue(checked > 200, "cases checked: " + checked);
  }

  private record Span(List<String> windows, SpanTail tail, long owned, long windowed, long unused, long rejected) {}

  /** Routes rows into chunks as the reader does, adds the context tails' chunks, windows every chunk. */
  private static Span window(JobPlan plan, List<Row> rows, List<SpanTail> context, SpanTail earlier) {
    ChunkLayout layout = ChunkLayout.of(plan);
    Map<Long, List<RowChunk>> byChunk = TestSeries.routed(plan, layout, SERIES, rows, 5);
    for (SpanTail t : context) {
      t.chunks(layout, WIDTH).forEach((chunk, part) -> byChunk.computeIfAbsent(chunk, k -> new ArrayList<>()).add(part));
    }
    long firstStep = rows.stream().mapToLong(Row::step).min().orElseThrow();
    long lastStep = rows.stream().mapToLong(Row::step).max().orElseThrow();
    SeriesExtent extent = new SeriesExtent(firstStep, lastStep, 0, 0);
    if (earlier != null) {
      extent = extent.merge(earlier.extent());
    }
    List<String> windows = new ArrayList<>();
    SpanTail tail = null;
    long owned = 0;
    long windowed = 0;
    long unused = 0;
    long rejected = 0;
    for (Map.Entry<Long, List<RowChunk>> e : byChunk.entrySet()) {
      ChunkWindower.Result r = ChunkWindower.process(plan, layout, SERIES, e.getKey(), extent, e.getValue(), null, null);
      windows.addAll(TestSeries.describeAll(r));
      owned += r.rowsOwned;
      windowed += r.rowsWindowed;
      unused += r.rowsUnused;
      rejected += r.rejected.size() + r.rowsMerged;
      if (!r.tail.isEmpty()) {
        SpanTail part = SpanTail.of(SERIES, extent, r.tail);
        tail = tail == null ? part : tail.merge(part);
      }
    }
    Collections.sort(windows);
    return new Span(windows, tail, owned, windowed, unused, rejected);
  }
}
