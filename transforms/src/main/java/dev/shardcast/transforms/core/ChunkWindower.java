package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig.GapPolicy;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.WindowSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Windows one chunk of one series (see {@link ChunkLayout}): places the rows on a dense step grid,
 * finds duplicate steps, fills gaps by the gap policy, and emits every valid window that starts in
 * the chunk, assigned to its split. Also counts, for the rows the chunk owns, which rows ended up in
 * at least one window, and samples training rows for the scaler fit.
 */
public final class ChunkWindower {

  private ChunkWindower() {}

  /** A row by its chunk and position in that chunk. */
  public record RowRef(RowChunk chunk, int row) {}

  /** A row this chunk owns and rejects: a duplicate, a cross-source conflict, a failed scale check. */
  public record Rejected(RowRef ref, String reason, String message) {
    /**
     * The quarantine record: the row as the grid saw it (parsed values; the file's own text is
     * restored later by {@code QuarantineOriginals} where the file can be read again).
     */
    public QuarantineRecord toRecord(JobPlan plan) {
      RowChunk c = ref.chunk();
      int r = ref.row();
      java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
      row.put("series_key", c.series);
      row.put("timestamp", java.time.Instant.ofEpochMilli(c.times[r]).toString());
      for (int j = 0; j < c.width; j++) {
        double v = c.value(r, j);
        row.put(plan.valueColumns().get(j), Double.isNaN(v) ? null : Double.toString(v));
      }
      String column = plan.config().input().timestamp().column();
      String value = row.get("timestamp");
      if (reason.endsWith(".scale_check")) {
        column = reason.substring(0, reason.length() - ".scale_check".length());
        value = row.get(column);
      }
      return new QuarantineRecord(c.sourceOf(r), c.lines[r], reason, column, value, message, row, c.originOf(r));
    }
  }

  public static final class Result {
    public final WindowBlock[] windows = new WindowBlock[JobPlan.SPLITS.length]; // null when none
    /** With {@code shards.layout: compact}, instead of {@link #windows}: the split's segments (null when none). */
    @SuppressWarnings("unchecked")
    public final List<WindowSegment>[] segments = new List[JobPlan.SPLITS.length];
    public final List<Rejected> rejected = new ArrayList<>();
    /** Owned rows that stayed on the grid, per named source (windowed or unused). */
    public final java.util.Map<String, Long> usedByOrigin = new java.util.TreeMap<>();
    public long[] scaleChecked = new long[0];
    public long[] scaleFailed = new long[0];
    public long rowsOwned;
    public long rowsWindowed;
    public long rowsUnused;
    /** Owned rows folded into another row of their step by {@code input.duplicates} (used, not windowed). */
    public long rowsMerged;
    /** Owned steps where the duplicates policy folded several rows into one. */
    public long stepsMerged;
    /** Owned window starts whose forecast crosses a split cut-off (written to no split). */
    public long windowsStraddling;
    public SampleBlock trainSample;
    /** With {@code incremental.enabled}: the owned kept rows among the series' last lookBack steps. */
    public final List<SpanTail.Point> tail = new ArrayList<>();
  }

  /**
   * @param firstStep the series' first step (windows start at firstStep + k * stride)
   * @param lastStep the series' last step
   */
  public static Result process(JobPlan plan, ChunkLayout layout, String series, long chunk, long firstStep,
      long lastStep, List<RowChunk> rows) {
    return process(plan, layout, series, chunk, firstStep, lastStep, rows, null);
  }

  /** Sees each row the chunk owns and keeps on its grid (the rows the run uses), once. */
  public interface KeptRows {
    void row(RowChunk chunk, int row);
  }

  public static Result process(JobPlan plan, ChunkLayout layout, String series, long chunk, long firstStep,
      long lastStep, List<RowChunk> rows, dev.shardcast.transforms.quality.ScaleCheck scale) {
    return process(plan, layout, series, chunk, firstStep, lastStep, rows, scale, null);
  }

  /**
   * @param scale the Uniform scale check, or null
   * @param kept told about every owned row that stays on the grid, or null
   */
  public static Result process(JobPlan plan, ChunkLayout layout, String series, long chunk, long firstStep,
      long lastStep, List<RowChunk> rows, dev.shardcast.transforms.quality.ScaleCheck scale, KeptRows kept) {
    return process(plan, layout, series, chunk, new SeriesExtent(firstStep, lastStep, 0, 0), rows, scale, kept);
  }

  /**
   * @param extent the series' steps; in an incremental span its {@code contextUntil} is the series'
   *     last step of the earlier spans: only windows ending after it are made, and only rows after it
   *     are counted (the earlier spans made and counted the rest)
   */
  public static Result process(JobPlan plan, ChunkLayout layout, String series, long chunk, SeriesExtent extent,
      List<RowChunk> rows, dev.shardcast.transforms.quality.ScaleCheck scale, KeptRows kept) {
    long firstStep = extent.firstStep();
    long lastStep = extent.lastStep();
    long contextUntil = extent.contextUntil();
    WindowSpec spec = plan.window();
    int width = plan.valueColumns().size();
    long lo = Math.max(layout.from(chunk), firstStep);
    long hi = Math.min(layout.until(chunk), lastStep + 1);
    long ownLo = layout.ownedFrom(chunk);
    long ownHi = layout.ownedUntil(chunk);
    int n = (int) Math.max(0, hi - lo);
    Result result = new Result();
    boolean collectTail = plan.incremental();

    // 1-2. Rows onto the dense grid (scale check, duplicates, conflicts), values, times, gap fill.
    SeriesGrid grid = SeriesGrid.place(plan, lo, hi, ownLo, ownHi, rows, scale, contextUntil);
    result.rejected.addAll(grid.rejected);
    for (RowRef m : grid.merged) {
      result.rowsMerged++;
      result.usedByOrigin.merge(m.chunk().originOf(m.row()), 1L, Long::sum);
    }
    result.stepsMerged = grid.stepsMerged;
    result.scaleChecked = grid.scaleChecked;
    result.scaleFailed = grid.scaleFailed;
    double[][] values = grid.values;
    long[] times = grid.times;
    String[] slotOrigin = grid.origins;
    boolean[][] filled = grid.filled;

    // 3. Valid windows: no missing point among the past inputs or the future targets.
    int[] badPast = missingPrefix(values, plan.inputIndex(), n);
    int[] badFuture = missingPrefix(values, plan.targetIndex(), n);
    int[] coverage = new int[n + 1];
    List<List<Integer>> starts = new ArrayList<>();
    for (int s = 0; s < JobPlan.SPLITS.length; s++) {
      starts.add(new ArrayList<>());
    }
    int span = spec.span();
    int fo = spec.futureOffset();
    long sLo = Math.max(ownLo - (span - 1), firstStep);
    long sHi = Math.min(ownHi, lastStep - span + 2);
    long s0 = sLo + Math.floorMod(firstStep - sLo, spec.stride());
    // In an incremental span a window ending at or before contextUntil was made by an earlier span.
    long newFrom = contextUntil == Long.MIN_VALUE ? Long.MIN_VALUE : contextUntil - span + 2;
    long first = s0;
    if (newFrom > first) {
      first += Math.floorDiv(newFrom - first + spec.stride() - 1, spec.stride()) * spec.stride();
    }
    for (long s = first; s < sHi; s += spec.stride()) {
      int p = (int) (s - lo);
      if (badPast[p + spec.past()] != badPast[p] || badFuture[p + span] != badFuture[p + fo]) {
        continue;
      }
      int split = plan.splitOf(times[p + fo], times[p + span - 1]);
      if (split == JobPlan.NO_SPLIT) {
        continue;
      }
      // A straddling window is written to no split, but its rows count as windowed, as they did
      // when it had one: the row accounting does not depend on where the cut-offs fall.
      coverage[p]++;
      coverage[p + spec.past()]--;
      coverage[p + fo]++;
      coverage[p + span]--;
      if (s >= ownLo) {
        if (split == JobPlan.STRADDLING) {
          result.windowsStraddling++;
        } else {
          starts.get(split).add(p);
        }
      }
    }

    // 4. Owned rows: windowed or unused; train rows feed the scaler sample.
    SampleBlock.Collector sample = new SampleBlock.Collector(width, plan.config().scaler().sampleSize());
    SeededHash.Keyed sampleHash = new SeededHash.Keyed(plan.seed(), series);
    double[] rowValues = new double[width];
    int covered = 0;
    for (int p = 0; p < n; p++) {
      covered += coverage[p];
      long step = lo + p;
      if (step < ownLo || step >= ownHi || !grid.hasRow(p)) {
        continue;
      }
      if (collectTail && step > lastStep - layout.lookBack()) {
        RowRef row = grid.row(p);
        result.tail.add(SpanTail.point(step, times[p], row.chunk().originOf(row.row()), grid.rowValues(p, new double[width])));
      }
      if (step <= contextUntil) {
        continue; // context: an earlier span counted it
      }
      RowRef row = grid.row(p);
      result.rowsOwned++;
      result.usedByOrigin.merge(row.chunk().originOf(row.row()), 1L, Long::sum);
      if (kept != null) {
        kept.row(row.chunk(), row.row());
      }
      if (covered > 0) {
        result.rowsWindowed++;
      } else {
        result.rowsUnused++;
      }
      if (times[p] < plan.trainEnd()) {
        long hash = sampleHash.at(step);
        if (sample.wants(hash)) {
          sample.offer(hash, grid.rowValues(p, rowValues), 0);
        }
      }
    }
    result.rowsOwned += result.rejected.size() + result.rowsMerged;
    result.trainSample = sample.build();

    boolean compact = plan.config().shards().layout() == dev.shardcast.transforms.config.JobConfig.Layout.COMPACT;
    for (int split = 0; split < JobPlan.SPLITS.length; split++) {
      List<Integer> ps = starts.get(split);
      if (ps.isEmpty()) {
        continue;
      }
      if (compact) {
        result.segments[split] = WindowSegment.cut(series, ps, spec.span(), plan.config().shards().segmentWindows(),
            values, filled, times, dev.shardcast.transforms.shard.ShardSchema.segmentColumnIndex(plan), lo,
            slotOrigin == null ? null : p -> lineage(slotOrigin, p, p + spec.span()));
      } else {
        result.windows[split] = extract(plan, series, ps, values, filled, times, slotOrigin, lo);
      }
    }
    return result;
  }

  /** The sources of the observed points in [from, until), sorted and '+'-joined (filled points have none). */
  private static String lineage(String[] slotOrigin, int from, int until) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (int p = from; p < until; p++) {
      if (slotOrigin[p] != null) {
        names.add(slotOrigin[p]);
      }
    }
    return String.join("+", names);
  }

  /** Pandas-style limited fill: at most maxFill points after the last observation of a column. */
  public static boolean[][] fill(double[][] values, GapPolicy policy, int maxFill) {
    return SeriesGrid.fill(values, policy, maxFill);
  }

  private static int[] missingPrefix(double[][] values, int[] columns, int n) {
    int[] prefix = new int[n + 1];
    for (int p = 0; p < n; p++) {
      boolean missing = false;
      for (int j : columns) {
        missing |= Double.isNaN(values[j][p]);
      }
      prefix[p + 1] = prefix[p] + (missing ? 1 : 0);
    }
    return prefix;
  }

  private static WindowBlock extract(JobPlan plan, String series, List<Integer> positions, double[][] values,
      boolean[][] filled, long[] times, String[] slotOrigin, long lo) {
    WindowSpec spec = plan.window();
    int[] in = plan.inputIndex();
    int[] tg = plan.targetIndex();
    WindowBlock b = WindowBlock.empty(positions.size(), in.length, spec.past(), tg.length, spec.future(), filled != null,
        slotOrigin != null);
    for (int w = 0; w < positions.size(); w++) {
      int p = positions.get(w);
      int f = p + spec.futureOffset();
      b.series[w] = series;
      if (slotOrigin != null) {
        b.sources[w] = lineage(slotOrigin, p, p + spec.span());
      }
      b.windowStart[w] = times[p];
      b.startStep[w] = lo + p;
      b.forecastStart[w] = times[f];
      for (int c = 0; c < in.length; c++) {
        int base = (w * in.length + c) * spec.past();
        for (int t = 0; t < spec.past(); t++) {
          b.past[base + t] = (float) values[in[c]][p + t];
          if (filled != null && filled[in[c]][p + t]) {
            b.pastFilled[base + t] = 1;
          }
        }
      }
      for (int c = 0; c < tg.length; c++) {
        int base = (w * tg.length + c) * spec.future();
        for (int t = 0; t < spec.future(); t++) {
          b.future[base + t] = (float) values[tg[c]][f + t];
          if (filled != null && filled[tg[c]][f + t]) {
            b.futureFilled[base + t] = 1;
          }
        }
      }
    }
    return b;
  }
}
