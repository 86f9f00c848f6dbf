package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of one daily series for windowing tests, and a readable form of emitted windows. */
final class TestSeries {
  private TestSeries() {}

  static final double NA = Double.NaN;

  /** One input row: grid step (days since epoch), source line, one value per value column. */
  record Row(long step, long line, double[] values) {
    long time() {
      return step * TestJobs.DAY;
    }
  }

  /** Rows 0..n-1 after {@code firstStep}, value column j of row i = j * 100 + i. */
  static List<Row> dense(long firstStep, int n, int width) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] v = new double[width];
      for (int j = 0; j < width; j++) {
        v[j] = j * 100 + i;
      }
      rows.add(new Row(firstStep + i, i + 2, v));
    }
    return rows;
  }

  static RowChunk chunk(String series, List<Row> rows, int width) {
    RowChunk.Builder b = new RowChunk.Builder(series, "test.csv", width);
    for (Row r : rows) {
      b.add(r.step(), r.time(), r.line(), r.values());
    }
    return b.build();
  }

  /**
   * The rows of one series routed into chunks as the reader routes them ({@link
   * dev.shardcast.transforms.read.RowRouter}, flushing every {@code bufferRows}); no row may be quarantined.
   */
  static java.util.Map<Long, List<RowChunk>> routed(JobPlan plan, ChunkLayout layout, String series, List<Row> rows,
      int bufferRows) {
    java.util.Map<Long, List<RowChunk>> byChunk = new java.util.TreeMap<>();
    dev.shardcast.transforms.read.RowRouter router = new dev.shardcast.transforms.read.RowRouter(plan, layout,
        plan.eventBucketMillis(), "test.csv", new dev.shardcast.transforms.read.RowRouter.Output() {
          @Override
          public void chunk(String s, long chunk, RowChunk part) {
            byChunk.computeIfAbsent(chunk, c -> new ArrayList<>()).add(part);
          }

          @Override
          public void quarantine(QuarantineRecord record) {
            throw new AssertionError("unexpected quarantine " + record);
          }
        }, bufferRows);
    for (Row r : rows) {
      router.row(series, r.time(), r.line(), r.values());
    }
    router.flush();
    return byChunk;
  }

  /** Windows the whole series as one chunk (the chunk that owns its first step). */
  static ChunkWindower.Result windowAll(JobPlan plan, String series, List<Row> rows) {
    ChunkLayout layout = ChunkLayout.of(plan);
    long first = rows.stream().mapToLong(Row::step).min().orElseThrow();
    long last = rows.stream().mapToLong(Row::step).max().orElseThrow();
    if (layout.owner(first) != layout.owner(last)) {
      throw new IllegalArgumentException("series does not fit one chunk");
    }
    return ChunkWindower.process(plan, layout, series, layout.owner(first), first, last,
        List.of(chunk(series, rows, plan.valueColumns().size())));
  }

  static int count(ChunkWindower.Result r) {
    int n = 0;
    for (WindowBlock b : r.windows) {
      n += b == null ? 0 : b.size;
    }
    return n;
  }

  static int count(ChunkWindower.Result r, int split) {
    return r.windows[split] == null ? 0 : r.windows[split].size;
  }

  static float[] past(WindowBlock b, int w, int input) {
    int base = (w * b.inputs + input) * b.pastLen;
    return Arrays.copyOfRange(b.past, base, base + b.pastLen);
  }

  static float[] future(WindowBlock b, int w, int target) {
    int base = (w * b.targets + target) * b.futureLen;
    return Arrays.copyOfRange(b.future, base, base + b.futureLen);
  }

  static byte[] pastMask(WindowBlock b, int w, int input) {
    int base = (w * b.inputs + input) * b.pastLen;
    return Arrays.copyOfRange(b.pastFilled, base, base + b.pastLen);
  }

  static byte[] futureMask(WindowBlock b, int w, int target) {
    int base = (w * b.targets + target) * b.futureLen;
    return Arrays.copyOfRange(b.futureFilled, base, base + b.futureLen);
  }

  /** Window {@code w} of a block as text: split, series, times, values and masks. */
  static String describe(int split, WindowBlock b, int w) {
    StringBuilder sb = new StringBuilder();
    sb.append(split).append('|').append(b.series[w]).append('|').append(b.windowStart[w]).append('|')
        .append(b.forecastStart[w]);
    for (int c = 0; c < b.inputs; c++) {
      sb.append("|p").append(Arrays.toString(past(b, w, c)));
      sb.append(b.hasMasks() ? Arrays.toString(pastMask(b, w, c)) : "-");
    }
    for (int c = 0; c < b.targets; c++) {
      sb.append("|f").append(Arrays.toString(future(b, w, c)));
      sb.append(b.hasMasks() ? Arrays.toString(futureMask(b, w, c)) : "-");
    }
    return sb.toString();
  }

  static List<String> describeAll(ChunkWindower.Result r) {
    List<String> out = new ArrayList<>();
    for (int split = 0; split < r.windows.length; split++) {
      WindowBlock b = r.windows[split];
      for (int w = 0; b != null && w < b.size; w++) {
        out.add(describe(split, b, w));
      }
    }
    return out;
  }

  /**
   * The windows of a compact-layout result, gathered from its segments as the reader does, each
   * segment first cut at a random window (as a file boundary cuts it), described like {@link #describe}.
   */
  static List<String> describeSegments(dev.shardcast.transforms.config.JobPlan plan, ChunkWindower.Result r,
      java.util.Random rnd) {
    dev.shardcast.transforms.shard.ShardSchema schema = dev.shardcast.transforms.shard.ShardSchema.of(plan);
    List<String> cols = schema.segmentColumns();
    int[] in = schema.inputs().stream().mapToInt(cols::indexOf).toArray();
    int[] tg = schema.targets().stream().mapToInt(cols::indexOf).toArray();
    var spec = plan.window();
    List<String> out = new ArrayList<>();
    for (int split = 0; split < r.segments.length; split++) {
      if (r.windows[split] != null) {
        throw new AssertionError("a compact run made window blocks");
      }
      for (WindowSegment whole : r.segments[split] == null ? List.<WindowSegment>of() : r.segments[split]) {
        int cut = rnd.nextInt(whole.windows() + 1);
        List<WindowSegment> parts = cut == 0 || cut == whole.windows() ? List.of(whole)
            : List.of(whole.slice(0, cut, spec.span()), whole.slice(cut, whole.windows(), spec.span()));
        for (WindowSegment s : parts) {
          WindowBlock b = WindowBlock.empty(s.windows(), in.length, spec.past(), tg.length, spec.future(), s.filled != null);
          for (int k = 0; k < s.windows(); k++) {
            s.copyWindow(k, b, k, in, tg, spec.futureOffset());
            if (b.startStep[k] != s.startStep(k)) {
              throw new AssertionError("start step");
            }
          }
          for (int k = 0; k < b.size; k++) {
            out.add(describe(split, b, k));
          }
        }
      }
    }
    return out;
  }
}
