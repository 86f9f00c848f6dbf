package dev.shardcast.training.predict;

import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkWindower;
import dev.shardcast.transforms.core.ConflictResolver;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.core.SeriesGrid;
import dev.shardcast.transforms.quality.ScaleCheck;
import dev.shardcast.transforms.read.RowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The most recent past window of each series in raw input, built by prepare's own core: the
 * readers' validation (bad rows are quarantined), the off-grid check, and {@link SeriesGrid} for the
 * scale check, duplicates policy, conflicts and gap fill, then the fitted scaler. What predict feeds
 * the model.
 *
 * <p>Only the rows a latest window can need are held, per series: on a grid the last {@code past +
 * max_fill} steps (every row at them, duplicates included), for events the last {@code past +
 * max_fill} events (whole groups of events that share a timestamp). Older rows pass the readers'
 * checks and are counted, then dropped, so memory does not grow with the input's history.
 */
public final class LatestWindows implements RowSink {

  /** One series' latest window: inputs × past scaled values, row-major by input column. */
  public record Window(String series, long lastTime, Long firstForecastTime, float[] past) {}

  public record Skipped(String series, String reason) {}

  private record Entry(long key, long time, long line, String source, String origin, double[] values) {}

  /** The rows one series' latest window can need: keyed by grid step, or by time for events. */
  private static final class Tail {
    final TreeMap<Long, List<Entry>> byKey = new TreeMap<>();
    long held;
    long seen;
    long firstKey = Long.MAX_VALUE;
  }

  private final JobPlan plan;
  private final ScaleCheck scale;
  private final int need;
  private final Map<String, Tail> tails = new TreeMap<>();
  private final List<QuarantineRecord> quarantine = new ArrayList<>();
  private String source = "";
  private String origin = JobPlan.DEFAULT_SOURCE;
  private long rowsNotNeeded;

  /** @param scale the training run's scale check (see {@link ScaleCheck#of}), or null */
  public LatestWindows(JobPlan plan, ScaleCheck scale) {
    this.plan = plan;
    this.scale = scale;
    this.need = plan.window().past() + plan.maxFill();
  }

  /** The file and the named source the next rows come from. */
  public void source(String file, String sourceName) {
    this.source = file;
    this.origin = sourceName;
  }

  @Override
  public void row(String series, long epochMillis, long line, double[] values) {
    long key = epochMillis;
    if (plan.frequency().isRegular()) {
      key = plan.frequency().step(epochMillis);
      if (key == Long.MIN_VALUE) { // the same check and record as prepare's RowRouter
        quarantine(new QuarantineRecord(source, line, QuarantineRecord.OFF_FREQUENCY, null,
            java.time.Instant.ofEpochMilli(epochMillis).toString(), plan.frequency().describeOffGrid(epochMillis), null));
        return;
      }
    }
    Tail t = tails.computeIfAbsent(series, s -> new Tail());
    t.seen++;
    t.firstKey = Math.min(t.firstKey, key);
    if (!t.byKey.isEmpty() && plan.frequency().isRegular() && key <= t.byKey.lastKey() - need) {
      rowsNotNeeded++;
      return;
    }
    t.byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Entry(key, epochMillis, line, source, origin, values.clone()));
    t.held++;
    prune(t);
  }

  /** Drops the oldest key while what is left still covers what the latest window needs. */
  private void prune(Tail t) {
    while (t.byKey.size() > 1) {
      Map.Entry<Long, List<Entry>> first = t.byKey.firstEntry();
      boolean drop = plan.frequency().isRegular()
          ? t.byKey.lastKey() - first.getKey() >= need
          : t.held - first.getValue().size() >= need;
      if (!drop) {
        return;
      }
      t.byKey.pollFirstEntry();
      t.held -= first.getValue().size();
      rowsNotNeeded += first.getValue().size();
    }
  }

  @Override
  public void quarantine(QuarantineRecord record) {
    quarantine.add(record.origin() == null ? record.withOrigin(origin) : record);
  }

  public List<QuarantineRecord> quarantined() {
    return quarantine;
  }

  /** Rows that passed the checks but lie before every series' latest window. */
  public long rowsNotNeeded() {
    return rowsNotNeeded;
  }

  /** Builds the windows; series without a complete latest window are listed with the reason. */
  public Map<String, Object> build(ScaleLookup scales, List<Window> windows, List<Skipped> skipped) {
    int past = plan.window().past();
    for (Map.Entry<String, Tail> e : tails.entrySet()) {
      String series = e.getKey();
      Tail t = e.getValue();
      long span = plan.frequency().isRegular() ? t.byKey.lastKey() - t.firstKey + 1 : t.seen;
      if (span < past) {
        skipped.add(new Skipped(series, "fewer than " + past + " points"));
        continue;
      }
      SeriesGrid grid = grid(series, t);
      for (ChunkWindower.Rejected r : grid.rejected) {
        quarantine.add(r.toRecord(plan));
      }
      int from = grid.n - past;
      float[] x = new float[plan.inputIndex().length * past];
      String missing = null;
      for (int c = 0; c < plan.inputIndex().length; c++) {
        int j = plan.inputIndex()[c];
        String column = plan.valueColumns().get(j);
        for (int s = 0; s < past; s++) {
          double v = from + s < 0 ? Double.NaN : grid.values[j][from + s];
          if (Double.isNaN(v)) {
            missing = column;
          }
          // float first, then scaled: prepare holds raw windows as float32 before it scales them
          x[c * past + s] = (float) scales.of(series, column).apply((float) v);
        }
      }
      if (missing != null) {
        skipped.add(new Skipped(series, "the latest " + past + " points miss values of " + missing
            + " (a gap longer than gaps.max_fill, or a rejected row)"));
        continue;
      }
      long lastTime = grid.times[grid.n - 1];
      Long forecast = plan.frequency().isRegular()
          ? plan.frequency().timeOf(grid.lo + grid.n + plan.window().lead())
          : null;
      windows.add(new Window(series, lastTime, forecast, x));
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("series", tails.size());
    counts.put("windows", windows.size());
    counts.put("skipped", skipped.size());
    counts.put("rows_quarantined", quarantine.size());
    counts.put("rows_not_needed", rowsNotNeeded);
    return counts;
  }

  /** The held rows on the series' grid: grid steps, or for events their ranks among the held events. */
  private SeriesGrid grid(String series, Tail t) {
    int width = plan.valueColumns().size();
    RowChunk.Builder b = new RowChunk.Builder(series, source, origin, width);
    long lo;
    long hi;
    if (plan.frequency().isRegular()) {
      for (List<Entry> atKey : t.byKey.values()) {
        for (Entry en : atKey) {
          b.add(en.key(), en.time(), en.line(), en.values(), en.source(), en.origin());
        }
      }
      hi = t.byKey.lastKey() + 1;
      lo = Math.max(t.firstKey, hi - need);
      return SeriesGrid.place(plan, lo, hi, lo, hi, List.of(b.build()), scale);
    }
    RowChunk.Builder unranked = new RowChunk.Builder(series, source, origin, width);
    for (List<Entry> atKey : t.byKey.values()) {
      for (Entry en : atKey) {
        unranked.add(0, en.time(), en.line(), en.values(), en.source(), en.origin());
      }
    }
    RowChunk all = unranked.build();
    List<ChunkWindower.RowRef> refs = new ArrayList<>();
    for (int r = 0; r < all.size; r++) {
      refs.add(new ChunkWindower.RowRef(all, r));
    }
    ConflictResolver.EventOrder order = ConflictResolver.orderEvents(refs, plan);
    for (ChunkWindower.Rejected r : order.rejected()) {
      quarantine.add(r.toRecord(plan));
    }
    double[] values = new double[width];
    for (ChunkWindower.RowRef r : order.kept()) {
      System.arraycopy(all.values, r.row() * width, values, 0, width);
      b.add(b.size(), all.times[r.row()], all.lines[r.row()], values, all.sourceOf(r.row()), all.originOf(r.row()));
    }
    lo = 0;
    hi = order.kept().size();
    return SeriesGrid.place(plan, lo, hi, lo, hi, List.of(b.build()), scale);
  }
}
