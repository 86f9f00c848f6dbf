package dev.shardcast.transforms.core;

import static dev.shardcast.transforms.testing.TestJobs.DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.TestSeries.Row;
import dev.shardcast.transforms.read.RowRouter;
import dev.shardcast.transforms.testing.TestJobs;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random series (gaps, empty cells, duplicate steps) windowed three ways: in many small chunks routed by
 * {@link RowRouter}, as one huge chunk, and by a brute-force loop over a dense array written here. All
 * three must give the same windows; the chunked run's row counts must add up.
 */
class ChunkWindowerPropertyTest {
  private static final String SERIES = "s-1";
  private static final int WIDTH = 3; // x: input+target, y: input, z: target
  private static final boolean[] IS_INPUT = {true, true, false};
  private static final boolean[] IS_TARGET = {true, false, true};

  /** One random job and series. */
  private record Case(List<String> overrides, int past, int future, int stride, int lead, String policy,
      int maxFill, long trainEnd, long valEnd, long testEnd, List<Row> rows) {}

  private static Case randomCase(Random rnd) {
    int past = 1 + rnd.nextInt(5);
    int future = 1 + rnd.nextInt(4);
    int stride = 1 + rnd.nextInt(4);
    int lead = rnd.nextInt(4);
    String policy = List.of("none", "ffill", "zero").get(rnd.nextInt(3));
    int maxFill = policy.equals("none") ? 0 : 1 + rnd.nextInt(3);
    double pGap = rnd.nextDouble() * 0.15;
    double pNaN = rnd.nextDouble() * 0.1;
    double pDup = rnd.nextDouble() * 0.05;
    int n = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 12 : 250);
    long first = TestJobs.day("2020-01-01") + rnd.nextInt(60);

    List<Row> rows = new ArrayList<>();
    long line = 2;
    for (int i = 0; i < n; i++) {
      if (i > 0 && i < n - 1 && rnd.nextDouble() < pGap) {
        continue;
      }
      int copies = rnd.nextDouble() < pDup ? 2 + rnd.nextInt(2) : 1;
      for (int c = 0; c < copies; c++) {
        double[] v = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
          v[j] = rnd.nextDouble() < pNaN ? Double.NaN : rnd.nextInt(2000) - 1000 + 0.5;
        }
        rows.add(new Row(first + i, line++, v));
      }
    }
    long train = first + rnd.nextInt(n + 1);
    long val = train + 1 + rnd.nextInt(n / 2 + 1);
    long test = rnd.nextBoolean() ? Long.MAX_VALUE : val + 1 + rnd.nextInt(n / 2 + 1);
    List<String> ov = new ArrayList<>(List.of("windowing.past=" + past, "windowing.future=" + future,
        "windowing.stride=" + stride, "windowing.lead=" + lead, "gaps.policy=" + policy, "gaps.max_fill=" + maxFill,
        "split.train_end=" + LocalDate.ofEpochDay(train), "split.val_end=" + LocalDate.ofEpochDay(val),
        "scaler.sample_size=100000"));
    if (test != Long.MAX_VALUE) {
      ov.add("split.test_end=" + LocalDate.ofEpochDay(test));
    }
    Collections.shuffle(rows, rnd);
    return new Case(ov, past, future, stride, lead, policy, maxFill, train * DAY, val * DAY,
        test == Long.MAX_VALUE ? Long.MAX_VALUE : test * DAY, rows);
  }

  /** What the brute force expects: window descriptions, and per-row facts. */
  private record Expected(List<String> windows, long rowsWindowed, Set<Long> duplicateLines, long trainRows) {}

  private static String floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return Arrays.toString(f);
  }

  private static Expected bruteForce(Case k) {
    long first = k.rows().stream().mapToLong(Row::step).min().orElseThrow();
    long last = k.rows().stream().mapToLong(Row::step).max().orElseThrow();
    int len = (int) (last - first + 1);
    int[] rowsAt = new int[len];
    double[][] raw = new double[WIDTH][len];
    for (double[] col : raw) {
      Arrays.fill(col, Double.NaN);
    }
    Set<Long> dupLines = new TreeSet<>();
    for (Row r : k.rows()) {
      rowsAt[(int) (r.step() - first)]++;
    }
    for (Row r : k.rows()) {
      int i = (int) (r.step() - first);
      if (rowsAt[i] == 1) {
        for (int j = 0; j < WIDTH; j++) {
          raw[j][i] = r.values()[j];
        }
      } else {
        dupLines.add(r.line());
      }
    }
    // Fill: a missing point takes the nearest earlier observation if it is at most maxFill steps back.
    double[][] val = new double[WIDTH][len];
    boolean[][] filled = new boolean[WIDTH][len];
    for (int j = 0; j < WIDTH; j++) {
      for (int i = 0; i < len; i++) {
        val[j][i] = raw[j][i];
        if (!Double.isNaN(raw[j][i]) || k.policy().equals("none")) {
          continue;
        }
        for (int back = 1; back <= k.maxFill() && i - back >= 0; back++) {
          if (!Double.isNaN(raw[j][i - back])) {
            val[j][i] = k.policy().equals("ffill") ? raw[j][i - back] : 0.0;
            filled[j][i] = true;
            break;
          }
        }
      }
    }
    boolean masks = !k.policy().equals("none");
    int span = k.past() + k.lead() + k.future();
    int fo = k.past() + k.lead();
    boolean[] covered = new boolean[len];
    List<String> windows = new ArrayList<>();
    for (int s = 0; s + span <= len; s += k.stride()) {
      boolean ok = true;
      for (int t = 0; t < k.past(); t++) {
        for (int j = 0; j < WIDTH; j++) {
          ok &= !IS_INPUT[j] || !Double.isNaN(val[j][s + t]);
        }
      }
      for (int t = 0; t < k.future(); t++) {
        for (int j = 0; j < WIDTH; j++) {
          ok &= !IS_TARGET[j] || !Double.isNaN(val[j][s + fo + t]);
        }
      }
      long forecast = (first + s + fo) * DAY;
      long lastForecast = (first + s + span - 1) * DAY;
      // The whole forecast in one split; one crossing a cut-off is written nowhere but its rows count.
      int split = lastForecast < k.trainEnd() ? 0
          : forecast >= k.trainEnd() && lastForecast < k.valEnd() ? 1
          : forecast >= k.valEnd() && lastForecast < k.testEnd() ? 2
          : forecast >= k.testEnd() ? -1 : -2;
      if (!ok || split == -1) {
        continue;
      }
      if (split == -2) {
        for (int t = 0; t < k.past(); t++) {
          covered[s + t] = true;
        }
        for (int t = 0; t < k.future(); t++) {
          covered[s + fo + t] = true;
        }
        continue;
      }
      StringBuilder sb = new StringBuilder();
      sb.append(split).append('|').append(SERIES).append('|').append((first + s) * DAY).append('|').append(forecast);
      for (int j = 0; j < WIDTH; j++) {
        if (IS_INPUT[j]) {
          sb.append("|p").append(floats(Arrays.copyOfRange(val[j], s, s + k.past())));
          sb.append(masks ? mask(filled[j], s, k.past()) : "-");
        }
      }
      for (int j = 0; j < WIDTH; j++) {
        if (IS_TARGET[j]) {
          sb.append("|f").append(floats(Arrays.copyOfRange(val[j], s + fo, s + span)));
          sb.append(masks ? mask(filled[j], s + fo, k.future()) : "-");
        }
      }
      windows.add(sb.toString());
      for (int t = 0; t < k.past(); t++) {
        covered[s + t] = true;
      }
      for (int t = 0; t < k.future(); t++) {
        covered[s + fo + t] = true;
      }
    }
    long windowed = 0;
    long train = 0;
    for (int i = 0; i < len; i++) {
      if (rowsAt[i] == 1 && covered[i]) {
        windowed++;
      }
      if (rowsAt[i] == 1 && (first + i) * DAY < k.trainEnd()) {
        train++;
      }
    }
    Collections.sort(windows);
    return new Expected(windows, windowed, dupLines, train);
  }

  private static String mask(boolean[] filled, int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (filled[from + i] ? 1 : 0);
    }
    return Arrays.toString(b);
  }

  /** Routes the rows through a RowRouter that flushes often, then windows every chunk that got rows. */
  private static List<String> chunked(Case k, Random rnd, Expected exp, String label) {
    List<String> ov = new ArrayList<>(k.overrides());
    int chunkPoints = List.of(1, 7, 7, 30).get(rnd.nextInt(4));
    ov.add("input.chunk_points=" + chunkPoints);
    JobPlan plan = TestJobs.plan(ov.toArray(String[]::new));
    ChunkLayout layout = ChunkLayout.of(plan);
    int span = k.past() + k.lead() + k.future();
    assertEquals(span - 1 + k.maxFill(), layout.lookBack(), label);
    assertEquals(span - 1, layout.lookAhead(), label);
    // chunk_points is raised to the minimum that keeps every window within a chunk and its neighbours.
    assertEquals(Math.max(chunkPoints, 2L * (span - 1 + k.maxFill() + span - 1 + 1)), layout.points(), label);

    Map<Long, List<RowChunk>> byChunk = new TreeMap<>();
    RowRouter router = new RowRouter(plan, layout, plan.eventBucketMillis(), "test.csv", new RowRouter.Output() {
      @Override
      public void chunk(String series, long chunk, RowChunk rows) {
        assertEquals(SERIES, series);
        byChunk.computeIfAbsent(chunk, c -> new ArrayList<>()).add(rows);
      }

      @Override
      public void quarantine(QuarantineRecord record) {
        throw new AssertionError("unexpected quarantine " + record);
      }
    }, 1 + rnd.nextInt(20));
    for (Row r : k.rows()) {
      router.row(SERIES, r.time(), r.line(), r.values());
    }
    router.flush();
    assertEquals(k.rows().size(), router.rowsRouted(), label);

    long first = k.rows().stream().mapToLong(Row::step).min().orElseThrow();
    long last = k.rows().stream().mapToLong(Row::step).max().orElseThrow();
    List<String> windows = new ArrayList<>();
    long owned = 0;
    long windowed = 0;
    long train = 0;
    Set<Long> dupLines = new TreeSet<>();
    for (Map.Entry<Long, List<RowChunk>> e : byChunk.entrySet()) {
      List<RowChunk> parts = new ArrayList<>(e.getValue());
      Collections.shuffle(parts, rnd);
      ChunkWindower.Result r = ChunkWindower.process(plan, layout, SERIES, e.getKey(), first, last, parts);
      String at = label + " chunk " + e.getKey();
      assertEquals(r.rowsOwned, r.rowsWindowed + r.rowsUnused + r.rejected.size(), at);
      for (WindowBlock b : r.windows) {
        for (int w = 0; b != null && w < b.size; w++) {
          assertEquals(e.getKey().longValue(), layout.owner(b.windowStart[w] / DAY), at + " owns its window starts");
        }
      }
      windows.addAll(TestSeries.describeAll(r));
      owned += r.rowsOwned;
      windowed += r.rowsWindowed;
      train += r.trainSample.size;
      for (ChunkWindower.RowRef d : r.rejected.stream().map(ChunkWindower.Rejected::ref).toList()) {
        assertTrue(dupLines.add(d.chunk().lines[d.row()]), at + " reports a duplicate once");
      }
    }
    assertEquals(k.rows().size(), owned, label + " rowsOwned over chunks");
    assertEquals(exp.rowsWindowed(), windowed, label + " rowsWindowed");
    assertEquals(exp.duplicateLines(), dupLines, label + " duplicates");
    assertEquals(exp.trainRows(), train, label + " training sample rows");
    Collections.sort(windows);
    return windows;
  }

  /** The compact layout: the windows gathered from the segments of every chunk. */
  private static List<String> compact(Case k, Random rnd) {
    List<String> ov = new ArrayList<>(k.overrides());
    ov.add("input.chunk_points=" + List.of(1, 7, 30).get(rnd.nextInt(3)));
    ov.add("shards.layout=compact");
    ov.add("shards.segment_windows=" + (1 + rnd.nextInt(6)));
    JobPlan plan = TestJobs.plan(ov.toArray(String[]::new));
    ChunkLayout layout = ChunkLayout.of(plan);
    Map<Long, List<RowChunk>> byChunk = TestSeries.routed(plan, layout, SERIES, k.rows(), 1 + rnd.nextInt(20));
    long first = k.rows().stream().mapToLong(Row::step).min().orElseThrow();
    long last = k.rows().stream().mapToLong(Row::step).max().orElseThrow();
    List<String> windows = new ArrayList<>();
    for (Map.Entry<Long, List<RowChunk>> e : byChunk.entrySet()) {
      ChunkWindower.Result r = ChunkWindower.process(plan, layout, SERIES, e.getKey(), first, last, e.getValue());
      for (List<WindowSegment> segs : r.segments) {
        for (WindowSegment s : segs == null ? List.<WindowSegment>of() : segs) {
          assertTrue(s.windows() >= 1 && s.windows() <= plan.config().shards().segmentWindows(), "segment size");
        }
      }
      windows.addAll(TestSeries.describeSegments(plan, r, rnd));
    }
    Collections.sort(windows);
    return windows;
  }

  private static List<String> oneChunk(Case k) {
    List<String> ov = new ArrayList<>(k.overrides());
    ov.add("input.chunk_points=1000000000");
    JobPlan plan = TestJobs.plan(ov.toArray(String[]::new));
    List<String> windows = TestSeries.describeAll(TestSeries.windowAll(plan, SERIES, k.rows()));
    Collections.sort(windows);
    return windows;
  }

  @Test
  void chunkedEqualsOneChunkEqualsBruteForce() {
    long totalWindows = 0;
    for (int seed = 0; seed < 300; seed++) {
      Random rnd = new Random(seed);
      Case k = randomCase(rnd);
      String label = "seed " + seed + " " + k.overrides();
      Expected exp = bruteForce(k);
      List<String> single = oneChunk(k);
      assertEquals(exp.windows(), single, label + ": one chunk vs brute force");
      assertEquals(exp.windows(), chunked(k, rnd, exp, label), label + ": chunks vs brute force");
      assertEquals(exp.windows(), compact(k, rnd), label + ": compact segments vs brute force");
      totalWindows += exp.windows().size();
    }
    assertTrue(totalWindows > 5000, "the random cases should produce many windows, got " + totalWindows);
  }

  @Test
  void denseSeriesWindowCountMatchesWindowsIn() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int past = 1 + rnd.nextInt(6);
      int future = 1 + rnd.nextInt(4);
      int stride = 1 + rnd.nextInt(5);
      int lead = rnd.nextInt(3);
      int n = rnd.nextInt(120) + 1;
      JobPlan plan = TestJobs.plan("windowing.past=" + past, "windowing.future=" + future,
          "windowing.stride=" + stride, "windowing.lead=" + lead, "split.train_end=2030-01-01",
          "split.val_end=2031-01-01");
      ChunkWindower.Result r = TestSeries.windowAll(plan, SERIES, TestSeries.dense(TestJobs.day("2020-03-01"), n, 3));
      int span = past + lead + future;
      long expected = n < span ? 0 : (n - span) / stride + 1;
      assertEquals(expected, TestSeries.count(r), "n=" + n + " " + plan.window());
    }
  }
}
