package dev.shardcast.transforms.core;

import static dev.shardcast.transforms.core.TestSeries.NA;
import static dev.shardcast.transforms.core.TestSeries.count;
import static dev.shardcast.transforms.core.TestSeries.dense;
import static dev.shardcast.transforms.core.TestSeries.future;
import static dev.shardcast.transforms.core.TestSeries.futureMask;
import static dev.shardcast.transforms.core.TestSeries.past;
import static dev.shardcast.transforms.core.TestSeries.pastMask;
import static dev.shardcast.transforms.core.TestSeries.windowAll;
import static dev.shardcast.transforms.testing.TestJobs.DAY;
import static dev.shardcast.transforms.testing.TestJobs.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.TestSeries.Row;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-computed window counts and contents for small daily series (value columns x, y, z). */
class ChunkWindowerTest {
  private static final long D0 = TestJobs.day("2020-01-01");
  private static final String[] ALL_TRAIN = {"split.train_end=2030-01-01", "split.val_end=2031-01-01"};

  private static JobPlan plan(String... overrides) {
    return TestJobs.plan(overrides);
  }

  private static JobPlan trainOnly(String... overrides) {
    List<String> all = new ArrayList<>(List.of(ALL_TRAIN));
    all.addAll(List.of(overrides));
    return TestJobs.plan(all.toArray(String[]::new));
  }

  /** Window starts (as day offsets from D0) over all splits. */
  private static Set<Long> starts(ChunkWindower.Result r) {
    Set<Long> out = new TreeSet<>();
    for (WindowBlock b : r.windows) {
      for (int w = 0; b != null && w < b.size; w++) {
        out.add(b.windowStart[w] / DAY - D0);
      }
    }
    return out;
  }

  private static Set<Long> range(long from, long toInclusive) {
    Set<Long> out = new TreeSet<>();
    for (long i = from; i <= toInclusive; i++) {
      out.add(i);
    }
    return out;
  }

  private static List<Row> withValue(List<Row> rows, int index, int column, double value) {
    List<Row> out = new ArrayList<>(rows);
    double[] v = rows.get(index).values().clone();
    v[column] = value;
    out.set(index, new Row(rows.get(index).step(), rows.get(index).line(), v));
    return out;
  }

  private static List<Row> without(List<Row> rows, int... indexes) {
    Set<Long> drop = new TreeSet<>();
    for (int i : indexes) {
      drop.add(rows.get(i).step());
    }
    return rows.stream().filter(r -> !drop.contains(r.step())).collect(Collectors.toList());
  }

  @Test
  void gapFreeSeriesSplitsByTheWholeForecast() {
    // 30 days from 2020-01-01, past 3, future 2: windows start at days 0..25; forecast days s+3, s+4.
    // train: last forecast day before Jan 15 (day 14) -> starts 0..9; start 10 straddles (days 13, 14);
    // val: first on/after day 14, last before Jan 25 (day 24) -> 11..19; start 20 straddles; test: 21..25.
    ChunkWindower.Result r = windowAll(plan(), "s", dense(D0, 30, 3));
    assertEquals(10, count(r, 0));
    assertEquals(9, count(r, 1));
    assertEquals(5, count(r, 2));
    assertEquals(2, r.windowsStraddling);
    assertEquals(30, r.rowsOwned);
    assertEquals(30, r.rowsWindowed, "rows of straddling windows still count as windowed");
    assertEquals(0, r.rowsUnused);
    assertTrue(r.rejected.isEmpty());

    WindowBlock train = r.windows[0];
    assertNull(train.pastFilled);
    assertEquals(2, train.inputs); // x, y
    assertEquals(2, train.targets); // x, z
    assertEquals("s", train.series[0]);
    assertEquals(millis("2020-01-01"), train.windowStart[0]);
    assertEquals(millis("2020-01-04"), train.forecastStart[0]);
    assertArrayEquals(new float[] {0, 1, 2}, past(train, 0, 0));
    assertArrayEquals(new float[] {100, 101, 102}, past(train, 0, 1));
    assertArrayEquals(new float[] {3, 4}, future(train, 0, 0));
    assertArrayEquals(new float[] {203, 204}, future(train, 0, 1));
    assertArrayEquals(new float[] {9, 10, 11}, past(train, 9, 0));
    assertArrayEquals(new float[] {12, 13}, future(train, 9, 0), "the last train window ends on day 13");

    WindowBlock val = r.windows[1];
    assertEquals(millis("2020-01-12"), val.windowStart[0]);
    assertEquals(millis("2020-01-15"), val.forecastStart[0]);
    assertArrayEquals(new float[] {214, 215}, future(val, 0, 1));
    assertArrayEquals(new float[] {22, 23}, future(val, 8, 0), "the last val window ends on day 23");
    assertEquals(millis("2020-01-22"), r.windows[2].windowStart[0]);
    assertEquals(millis("2020-01-26"), r.windows[2].windowStart[4]);
  }

  @Test
  void windowsPastTestEndAreDroppedAndTheirRowsUnused() {
    // test_end Jan 28 (day 27): test starts 21, 22; start 23 (forecast days 26, 27) straddles test_end;
    // starts 24, 25 begin their forecast after test_end: in no split and not straddling.
    ChunkWindower.Result r = windowAll(plan("split.test_end=2020-01-28"), "s", dense(D0, 30, 3));
    assertEquals(10, count(r, 0));
    assertEquals(9, count(r, 1));
    assertEquals(2, count(r, 2));
    assertEquals(3, r.windowsStraddling);
    assertEquals(28, r.rowsWindowed);
    assertEquals(2, r.rowsUnused);
  }

  @ParameterizedTest(name = "n={0} past={1} future={2} stride={3} lead={4} -> {5}")
  @CsvSource({
    "30, 3, 2, 1, 0, 26",
    "30, 3, 2, 4, 0, 7", // starts 0, 4, ..., 24
    "30, 3, 2, 1, 2, 24", // span 7
    "5, 3, 2, 1, 0, 1",
    "4, 3, 2, 1, 0, 0", // shorter than one window
    "1, 3, 2, 1, 0, 0",
    "7, 3, 2, 3, 1, 1", // span 6: start 0 only
    "12, 3, 2, 3, 1, 3", // starts 0, 3, 6
    "10, 1, 1, 1, 0, 9",
    "10, 10, 1, 1, 0, 0",
    "11, 10, 1, 1, 0, 1",
  })
  void gapFreeCounts(int n, int past, int future, int stride, int lead, int expected) {
    ChunkWindower.Result r = windowAll(trainOnly("windowing.past=" + past, "windowing.future=" + future,
        "windowing.stride=" + stride, "windowing.lead=" + lead), "s", dense(D0, n, 3));
    assertEquals(expected, count(r));
    assertEquals(n, r.rowsOwned);
    assertEquals(n, r.rowsWindowed + r.rowsUnused);
    if (expected == 0) {
      assertEquals(n, r.rowsUnused);
      assertNull(r.windows[0]);
    }
  }

  @Test
  void leadStepsAreNeitherCheckedNorCounted() {
    // past 1, lead 2, future 1, stride 5 over 12 days: starts 0 and 5; past {0},{5}, future {3},{8}.
    ChunkWindower.Result r = windowAll(trainOnly("windowing.past=1", "windowing.future=1", "windowing.lead=2",
        "windowing.stride=5"), "s", dense(D0, 12, 3));
    assertEquals(Set.of(0L, 5L), starts(r));
    assertEquals(4, r.rowsWindowed);
    assertEquals(8, r.rowsUnused);
    assertArrayEquals(new float[] {3}, future(r.windows[0], 0, 0));
    // A missing lead step does not break the window.
    ChunkWindower.Result gap = windowAll(trainOnly("windowing.past=1", "windowing.future=1", "windowing.lead=2",
        "windowing.stride=5"), "s", without(dense(D0, 12, 3), 1, 2, 6, 7));
    assertEquals(Set.of(0L, 5L), starts(gap));
  }

  @Test
  void missingRowBreaksEveryWindowThatUsesIt() {
    List<Row> rows = without(dense(D0, 30, 3), 10);
    ChunkWindower.Result r = windowAll(trainOnly(), "s", rows);
    Set<Long> expected = range(0, 25);
    expected.removeAll(range(6, 10));
    assertEquals(expected, starts(r));
    assertEquals(29, r.rowsOwned);
    assertEquals(29, r.rowsWindowed);
    // With lead 1 (past s..s+2, future s+4..s+5) day 10 only matters in the past or the future part.
    ChunkWindower.Result lead = windowAll(trainOnly("windowing.lead=1"), "s", rows);
    Set<Long> expectedLead = range(0, 24);
    expectedLead.removeAll(Set.of(5L, 6L, 8L, 9L, 10L));
    assertEquals(expectedLead, starts(lead));
  }

  @Test
  void nanCellsBreakOnlyWindowsThatNeedTheColumnThere() {
    List<Row> rows = dense(D0, 30, 3);
    // z is a target only: day 10 matters when it is in the future part (starts 6, 7).
    Set<Long> z = range(0, 25);
    z.removeAll(Set.of(6L, 7L));
    assertEquals(z, starts(windowAll(trainOnly(), "s", withValue(rows, 10, 2, NA))));
    // y is an input only: day 10 matters in the past part (starts 8, 9, 10).
    Set<Long> y = range(0, 25);
    y.removeAll(Set.of(8L, 9L, 10L));
    assertEquals(y, starts(windowAll(trainOnly(), "s", withValue(rows, 10, 1, NA))));
    // x is both: any window covering day 10 outside the lead.
    Set<Long> x = range(0, 25);
    x.removeAll(range(6, 10));
    ChunkWindower.Result rx = windowAll(trainOnly(), "s", withValue(rows, 10, 0, NA));
    assertEquals(x, starts(rx));
    assertEquals(30, rx.rowsOwned); // the row is there, one cell is empty
  }

  @Test
  void forwardFillUpToMaxFillWithMasks() {
    List<Row> rows = without(dense(D0, 30, 3), 10, 11);
    ChunkWindower.Result r = windowAll(trainOnly("gaps.policy=ffill", "gaps.max_fill=2"), "s", rows);
    assertEquals(range(0, 25), starts(r));
    WindowBlock b = r.windows[0];
    // Window 8: past days 8, 9, 10 (filled from 9), future days 11 (filled from 9), 12.
    assertArrayEquals(new float[] {8, 9, 9}, past(b, 8, 0));
    assertArrayEquals(new byte[] {0, 0, 1}, pastMask(b, 8, 0));
    assertArrayEquals(new float[] {108, 109, 109}, past(b, 8, 1));
    assertArrayEquals(new byte[] {0, 0, 1}, pastMask(b, 8, 1));
    assertArrayEquals(new float[] {9, 12}, future(b, 8, 0));
    assertArrayEquals(new byte[] {1, 0}, futureMask(b, 8, 0));
    assertArrayEquals(new float[] {209, 212}, future(b, 8, 1));
    assertArrayEquals(new byte[] {1, 0}, futureMask(b, 8, 1));
    // The filled points' times are on the grid.
    assertEquals(millis("2020-01-12"), b.forecastStart[8]);
    assertArrayEquals(new byte[] {0, 0, 0}, pastMask(b, 0, 0));
    assertEquals(28, r.rowsOwned);
    assertEquals(28, r.rowsWindowed);

    // Three missing days with max_fill 2: day 12 stays missing and breaks starts 8..12.
    ChunkWindower.Result longGap =
        windowAll(trainOnly("gaps.policy=ffill", "gaps.max_fill=2"), "s", without(dense(D0, 30, 3), 10, 11, 12));
    Set<Long> expected = range(0, 25);
    expected.removeAll(range(8, 12));
    assertEquals(expected, starts(longGap));
  }

  @Test
  void zeroPolicyFillsZeros() {
    ChunkWindower.Result r =
        windowAll(trainOnly("gaps.policy=zero", "gaps.max_fill=1"), "s", withValue(dense(D0, 30, 3), 10, 1, NA));
    assertEquals(range(0, 25), starts(r));
    WindowBlock b = r.windows[0];
    assertArrayEquals(new float[] {108, 109, 0}, past(b, 8, 1));
    assertArrayEquals(new byte[] {0, 0, 1}, pastMask(b, 8, 1));
    assertArrayEquals(new float[] {8, 9, 10}, past(b, 8, 0)); // x at day 10 was present
    assertArrayEquals(new byte[] {0, 0, 0}, pastMask(b, 8, 0));
  }

  @Test
  void noFillBeforeTheFirstObservation() {
    List<Row> rows = withValue(withValue(dense(D0, 30, 3), 0, 0, NA), 1, 0, NA);
    ChunkWindower.Result r = windowAll(trainOnly("gaps.policy=ffill", "gaps.max_fill=2"), "s", rows);
    assertEquals(range(2, 25), starts(r));
    // The empty cells at the end are filled from day 27, within the series.
    List<Row> tail = withValue(withValue(dense(D0, 30, 3), 28, 0, NA), 29, 0, NA);
    ChunkWindower.Result t = windowAll(trainOnly("gaps.policy=ffill", "gaps.max_fill=2"), "s", tail);
    assertEquals(range(0, 25), starts(t));
    assertArrayEquals(new float[] {27, 27}, future(t.windows[0], 25, 0));
    assertArrayEquals(new byte[] {1, 1}, futureMask(t.windows[0], 25, 0));
  }

  @Test
  void duplicateStepsAreReportedAndCountAsMissing() {
    List<Row> rows = dense(D0, 30, 3);
    rows.add(new Row(D0 + 10, 100, new double[] {-1, -2, -3}));
    ChunkWindower.Result r = windowAll(trainOnly(), "s", rows);
    Set<Long> expected = range(0, 25);
    expected.removeAll(range(6, 10));
    assertEquals(expected, starts(r));
    assertEquals(Set.of(12L, 100L),
        r.rejected.stream().map(d -> d.ref().chunk().lines[d.ref().row()]).collect(Collectors.toSet()));
    assertEquals(31, r.rowsOwned);
    assertEquals(29, r.rowsWindowed);
    assertEquals(0, r.rowsUnused);

    // Three rows on one step: all three reported; with ffill the step is filled from the day before.
    rows.add(new Row(D0 + 10, 101, new double[] {-4, -5, -6}));
    ChunkWindower.Result f = windowAll(trainOnly("gaps.policy=ffill", "gaps.max_fill=1"), "s", rows);
    assertEquals(3, f.rejected.size());
    assertEquals(range(0, 25), starts(f));
    assertArrayEquals(new float[] {8, 9, 9}, past(f.windows[0], 8, 0));
    assertArrayEquals(new byte[] {0, 0, 1}, pastMask(f.windows[0], 8, 0));
    assertEquals(32, f.rowsOwned);
    assertEquals(29, f.rowsWindowed + f.rowsUnused);
  }

  @Test
  void aDuplicatesPolicyFoldsTheCopiesIntoOneRow() {
    List<Row> rows = dense(D0, 30, 3); // day 10's row is line 12, x = 10
    rows.add(new Row(D0 + 10, 100, new double[] {-4, -5, -6}));
    rows.add(new Row(D0 + 10, 101, new double[] {30, 5, 6}));
    ChunkWindower.Result mean = windowAll(trainOnly("input.duplicates=mean"), "s", rows);
    assertTrue(mean.rejected.isEmpty(), "nothing quarantined: " + mean.rejected);
    assertEquals(range(0, 25), starts(mean), "day 10 is on the grid again");
    assertArrayEquals(new float[] {8, 9, 12}, past(mean.windows[0], 8, 0), "x on day 10: mean of 10, -4, 30");
    assertEquals(2, mean.rowsMerged);
    assertEquals(1, mean.stepsMerged);
    assertEquals(32, mean.rowsOwned);
    assertEquals(32, mean.rowsWindowed + mean.rowsUnused + mean.rowsMerged, "every row accounted for");

    ChunkWindower.Result last = windowAll(trainOnly("input.duplicates=last"), "s", rows);
    assertArrayEquals(new float[] {8, 9, 30}, past(last.windows[0], 8, 0), "line 101 is the last copy");
    ChunkWindower.Result sum = windowAll(trainOnly("input.duplicates=sum"), "s", rows);
    assertArrayEquals(new float[] {8, 9, 36}, past(sum.windows[0], 8, 0));
  }

  @Test
  void monthlyGridFilledPointsGetTheirMonthStart() {
    JobPlan plan = TestJobs.plan("input.frequency=1M", "gaps.policy=ffill", "gaps.max_fill=1",
        "split.train_end=2000-06-01", "split.val_end=2000-09-01");
    // 2000-01 .. 2000-12 without 2000-05; x = month number.
    RowChunk.Builder b = new RowChunk.Builder("m", "test.csv", 3);
    long jan = (2000 - 1970) * 12L;
    for (int m = 0; m < 12; m++) {
      if (m != 4) {
        String date = String.format("2000-%02d-01", m + 1);
        b.add(jan + m, millis(date), m + 2, new double[] {m + 1, 0, 0});
      }
    }
    ChunkLayout layout = ChunkLayout.of(plan);
    ChunkWindower.Result r = ChunkWindower.process(plan, layout, "m", layout.owner(jan), jan, jan + 11,
        List.of(b.build()));
    // Starts Jan..Aug; forecast months start+3, start+4. train: both before June (Jan); Feb straddles;
    // val: both in June..August (Mar, Apr); May straddles; test: from September on (Jun, Jul, Aug).
    assertEquals(1, count(r, 0));
    assertEquals(2, count(r, 1));
    assertEquals(3, count(r, 2));
    assertEquals(2, r.windowsStraddling);
    assertEquals(millis("2000-04-01"), r.windows[0].forecastStart[0]);
    assertArrayEquals(new float[] {4, 4}, future(r.windows[0], 0, 0)); // May is April's value, filled
    assertArrayEquals(new byte[] {0, 1}, futureMask(r.windows[0], 0, 0));
    assertEquals(millis("2000-04-01"), r.windows[1].windowStart[1]);
    assertArrayEquals(new float[] {4, 4, 6}, past(r.windows[1], 1, 0));
    assertArrayEquals(new byte[] {0, 1, 0}, pastMask(r.windows[1], 1, 0));
  }

  @Test
  void windowsStartOnTheSeriesOwnStrideGrid() {
    long first = D0 + 1; // not a multiple of the stride
    ChunkWindower.Result r = windowAll(trainOnly("windowing.stride=3"), "s", dense(first, 20, 3));
    List<Long> got = new ArrayList<>();
    for (int w = 0; w < r.windows[0].size; w++) {
      got.add(r.windows[0].windowStart[w] / DAY - first);
    }
    assertEquals(List.of(0L, 3L, 6L, 9L, 12L, 15L), got); // 15 + 5 = 20 points
  }

  @Test
  void trainingRowsFeedTheScalerSample() {
    // Rows before train_end (Jan 15) are days 0..13.
    ChunkWindower.Result r = windowAll(plan(), "s", dense(D0, 30, 3));
    assertEquals(14, r.trainSample.size);
    Set<Double> xs = new TreeSet<>();
    for (double v : r.trainSample.column(0)) {
      xs.add(v);
    }
    Set<Double> expected = new TreeSet<>();
    for (int i = 0; i < 14; i++) {
      expected.add((double) i);
    }
    assertEquals(expected, xs);

    // sample_size 5: the 5 training rows with the smallest seeded hashes.
    ChunkWindower.Result small = windowAll(plan("scaler.sample_size=5"), "s", dense(D0, 30, 3));
    long seed = 42;
    List<long[]> byHash = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      byHash.add(new long[] {SeededHash.of(seed, "s", D0 + i), i});
    }
    byHash.sort((a, b) -> Long.compare(a[0], b[0]));
    assertEquals(5, small.trainSample.size);
    for (int k = 0; k < 5; k++) {
      assertEquals(byHash.get(k)[0], small.trainSample.hashes[k]);
      assertEquals((double) byHash.get(k)[1], small.trainSample.values[k * 3]);
    }
  }
}
