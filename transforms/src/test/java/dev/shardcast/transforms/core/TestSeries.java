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
}
