package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkWindower.Rejected;
import dev.shardcast.transforms.core.ChunkWindower.RowRef;
import dev.shardcast.transforms.quality.ScaleCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One series' rows placed on its dense step grid over {@code [lo, hi)}: the core that prepare's
 * windowing ({@link ChunkWindower}) and predict's latest windows share, so both apply the same
 * scale check, duplicate policy, cross-source conflict policy and gap fill.
 *
 * <p>A row failing an error scale check stays off the grid. Several rows at one step are settled by
 * {@link ConflictResolver} (duplicates within a source, conflicts across sources). Then each point
 * gets its values (NaN where the row or the cell is missing) and time, and the gap policy fills.
 * Rejections and merges are reported only for the owned steps {@code [ownLo, ownHi)}: overlapping
 * chunks see the same rows, but only the owner reports them.
 */
public final class SeriesGrid {
  private static final int MISSING = -1;
  private static final int DUPLICATE = -2;
  /** The quarantine reason of a new row at or before its series' last row of the earlier spans. */
  public static final String BACKFILL = "incremental.backfill";

  public final long lo;
  public final int n;
  /** values[column][point]; NaN where missing (after the gap fill). */
  public final double[][] values;
  /** Per point: its row's time, or the grid time of a missing step (MIN_VALUE for missing events). */
  public final long[] times;
  /** Per column and point, whether the gap policy filled it; null without a gap policy. */
  public boolean[][] filled;
  /** Per point, the named source of its row (null when missing); null for single-source jobs. */
  public String[] origins;
  final List<RowChunk> rows;
  final int[] slotChunk;
  final int[] slotRow;
  final Map<Integer, double[]> combined = new HashMap<>(); // point -> values a duplicates policy computed

  /** Owned rows rejected (scale check, duplicates, conflicts), with their reason. */
  public final List<Rejected> rejected = new ArrayList<>();
  /** Owned rows folded into another row of their step by {@code input.duplicates}. */
  public final List<RowRef> merged = new ArrayList<>();
  /** Owned steps where the duplicates policy folded several rows into one. */
  public long stepsMerged;
  public final long[] scaleChecked;
  public final long[] scaleFailed;

  private SeriesGrid(long lo, int n, List<RowChunk> rows, int width, int scaleRules) {
    this.lo = lo;
    this.n = n;
    this.rows = rows;
    this.slotChunk = new int[n];
    this.slotRow = new int[n];
    Arrays.fill(slotChunk, MISSING);
    this.values = new double[width][n];
    for (double[] col : values) {
      Arrays.fill(col, Double.NaN);
    }
    this.times = new long[n];
    this.scaleChecked = new long[scaleRules];
    this.scaleFailed = new long[scaleRules];
  }

  /**
   * @param rows row chunks of the series; rows outside {@code [lo, hi)} are ignored
   * @param scale the Uniform scale check, or null
   */
  public static SeriesGrid place(JobPlan plan, long lo, long hi, long ownLo, long ownHi, List<RowChunk> rows,
      ScaleCheck scale) {
    return place(plan, lo, hi, ownLo, ownHi, rows, scale, Long.MIN_VALUE);
  }

  /**
   * @param contextUntil in an incremental span, the series' last step of the earlier spans: their rows
   *     ({@link SpanTail#SOURCE}) are taken as they are, and a new row at or before it (a backfill,
   *     which would change windows the earlier spans wrote) is rejected; {@link Long#MIN_VALUE} otherwise
   */
  public static SeriesGrid place(JobPlan plan, long lo, long hi, long ownLo, long ownHi, List<RowChunk> rows,
      ScaleCheck scale, long contextUntil) {
    int width = plan.valueColumns().size();
    int n = (int) Math.max(0, hi - lo);
    SeriesGrid g = new SeriesGrid(lo, n, rows, width, scale == null ? 0 : scale.size());
    Map<Integer, List<RowRef>> collided = new TreeMap<>();
    for (int ci = 0; ci < rows.size(); ci++) {
      RowChunk rc = rows.get(ci);
      for (int r = 0; r < rc.size; r++) {
        long step = rc.steps[r];
        if (step < lo || step >= hi) {
          continue;
        }
        boolean owned = step >= ownLo && step < ownHi;
        boolean context = SpanTail.SOURCE.equals(rc.source);
        if (!context && step <= contextUntil) {
          if (owned) {
            g.rejected.add(new Rejected(new RowRef(rc, r), BACKFILL, "row at " + java.time.Instant.ofEpochMilli(rc.times[r])
                + " is not after the series' last row of the earlier spans ("
                + java.time.Instant.ofEpochMilli(plan.frequency().timeOf(contextUntil))
                + "): an incremental span only adds later rows; a full rebuild takes it"));
          }
          continue;
        }
        if (scale != null && !context) {
          String failed = scale.test(rc, r, owned, g.scaleChecked, g.scaleFailed);
          if (failed != null) {
            if (owned) {
              int cut = failed.indexOf('\u0000');
              g.rejected.add(new Rejected(new RowRef(rc, r), failed.substring(0, cut), failed.substring(cut + 1)));
            }
            continue;
          }
        }
        int p = (int) (step - lo);
        if (g.slotChunk[p] == MISSING) {
          g.slotChunk[p] = ci;
          g.slotRow[p] = r;
          continue;
        }
        int first = p;
        collided.computeIfAbsent(p, k -> new ArrayList<>(List.of(new RowRef(rows.get(g.slotChunk[first]), g.slotRow[first]))))
            .add(new RowRef(rc, r));
        g.slotChunk[p] = DUPLICATE;
      }
    }
    var unified = plan.config().quality() == null ? null : plan.config().quality().unified();
    for (Map.Entry<Integer, List<RowRef>> e : collided.entrySet()) {
      int p = e.getKey();
      ConflictResolver.Resolution res = ConflictResolver.resolve(e.getValue(),
          unified == null ? null : unified.onConflict(), unified == null ? null : unified.prefer(),
          plan.config().input().duplicates());
      if (res.kept() != null) {
        g.slotChunk[p] = indexOf(rows, res.kept().chunk());
        g.slotRow[p] = res.kept().row();
        if (res.keptValues() != null) {
          g.combined.put(p, res.keptValues());
        }
      }
      long step = lo + p;
      if (step >= ownLo && step < ownHi) {
        g.rejected.addAll(res.rejected());
        g.merged.addAll(res.merged());
        g.stepsMerged += res.merged().isEmpty() ? 0 : 1;
      }
    }

    String[] origins = plan.sources().size() > 1 ? new String[n] : null;
    g.origins = origins;
    for (int p = 0; p < n; p++) {
      if (g.slotChunk[p] >= 0) {
        RowChunk rc = rows.get(g.slotChunk[p]);
        int r = g.slotRow[p];
        if (origins != null) {
          origins[p] = rc.originOf(r);
        }
        double[] folded = g.combined.get(p);
        for (int j = 0; j < width; j++) {
          g.values[j][p] = folded != null ? folded[j] : rc.values[r * width + j];
        }
        g.times[p] = rc.times[r];
      } else {
        g.times[p] = plan.frequency().isRegular() ? plan.frequency().timeOf(lo + p) : Long.MIN_VALUE;
      }
    }
    g.filled = plan.fillsGaps() ? fill(g.values, plan.config().gaps().policy(), plan.maxFill()) : null;
    return g;
  }

  private static int indexOf(List<RowChunk> rows, RowChunk chunk) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i) == chunk) {
        return i;
      }
    }
    throw new IllegalStateException("row chunk not in this group");
  }

  /** Whether point {@code p} holds a row (after duplicates and conflicts). */
  public boolean hasRow(int p) {
    return slotChunk[p] >= 0;
  }

  /** The row at point {@code p}; only when {@link #hasRow}. */
  public RowRef row(int p) {
    return new RowRef(rows.get(slotChunk[p]), slotRow[p]);
  }

  /**
   * The raw values of point {@code p}'s row (a duplicates policy's combined values where it folded
   * copies), before any gap fill; only when {@link #hasRow}.
   */
  public double[] rowValues(int p, double[] out) {
    double[] folded = combined.get(p);
    if (folded != null) {
      System.arraycopy(folded, 0, out, 0, out.length);
    } else {
      RowChunk rc = rows.get(slotChunk[p]);
      System.arraycopy(rc.values, slotRow[p] * out.length, out, 0, out.length);
    }
    return out;
  }

  /** Pandas-style limited fill: at most maxFill points after the last observation of a column. */
  public static boolean[][] fill(double[][] values, dev.shardcast.transforms.config.JobConfig.GapPolicy policy,
      int maxFill) {
    boolean[][] filled = new boolean[values.length][];
    for (int j = 0; j < values.length; j++) {
      double[] col = values[j];
      filled[j] = new boolean[col.length];
      int lastObs = -1;
      double lastValue = 0;
      for (int p = 0; p < col.length; p++) {
        if (!Double.isNaN(col[p])) {
          lastObs = p;
          lastValue = col[p];
        } else if (lastObs >= 0 && p - lastObs <= maxFill) {
          col[p] = policy == dev.shardcast.transforms.config.JobConfig.GapPolicy.FFILL ? lastValue : 0.0;
          filled[j][p] = true;
        }
      }
    }
    return filled;
  }
}
