package dev.shardcast.training.predict;

import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkWindower;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.read.RowSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The most recent past window of each series in raw input, built by the same rules as prepare: the
 * readers' validation (bad rows are quarantined), duplicates quarantined, the time grid, the gap
 * policy and the fitted scaler. What predict feeds the model.
 */
public final class LatestWindows implements RowSink {

  /** One series' latest window: inputs × past scaled values, row-major by input column. */
  public record Window(String series, long lastTime, Long firstForecastTime, float[] past) {}

  public record Skipped(String series, String reason) {}

  private record Row(long time, long line, double[] values) {}

  private final JobPlan plan;
  private final Map<String, List<Row>> rows = new TreeMap<>();
  private final List<QuarantineRecord> quarantine = new ArrayList<>();
  private String source = "";

  public LatestWindows(JobPlan plan) {
    this.plan = plan;
  }

  /** The source name put on the quarantine records of duplicates. */
  public void source(String name) {
    this.source = name;
  }

  @Override
  public void row(String series, long epochMillis, long line, double[] values) {
    rows.computeIfAbsent(series, s -> new ArrayList<>()).add(new Row(epochMillis, line, values.clone()));
  }

  @Override
  public void quarantine(QuarantineRecord record) {
    quarantine.add(record);
  }

  public List<QuarantineRecord> quarantined() {
    return quarantine;
  }

  /** Builds the windows; series without a complete latest window are listed with the reason. */
  public Map<String, Object> build(ScaleLookup scales, List<Window> windows, List<Skipped> skipped) {
    int past = plan.window().past();
    for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
      String series = e.getKey();
      List<Row> valid = dropDuplicates(series, e.getValue());
      if (valid.isEmpty()) {
        skipped.add(new Skipped(series, "no valid rows"));
        continue;
      }
      double[][] dense = plan.frequency().isRegular() ? onGrid(valid) : lastEvents(valid);
      if (dense == null) {
        skipped.add(new Skipped(series, "fewer than " + past + " points"));
        continue;
      }
      if (plan.fillsGaps()) {
        ChunkWindower.fill(dense, plan.config().gaps().policy(), plan.maxFill());
      }
      int offset = dense[0].length - past; // the dense block may start earlier, for the fill's look-back
      float[] x = new float[plan.inputIndex().length * past];
      String missing = null;
      for (int c = 0; c < plan.inputIndex().length; c++) {
        int j = plan.inputIndex()[c];
        String column = plan.valueColumns().get(j);
        for (int t = 0; t < past; t++) {
          double v = dense[j][offset + t];
          if (Double.isNaN(v)) {
            missing = column;
          }
          x[c * past + t] = (float) scales.of(series, column).apply(v);
        }
      }
      if (missing != null) {
        skipped.add(new Skipped(series, "the latest " + past + " points miss values of " + missing
            + " (a gap longer than gaps.max_fill)"));
        continue;
      }
      long lastTime = valid.get(valid.size() - 1).time();
      Long forecast = plan.frequency().isRegular()
          ? plan.frequency().timeOf(plan.frequency().step(lastTime) + 1 + plan.window().lead())
          : null;
      windows.add(new Window(series, lastTime, forecast, x));
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("series", rows.size());
    counts.put("windows", windows.size());
    counts.put("skipped", skipped.size());
    counts.put("rows_quarantined", quarantine.size());
    return counts;
  }

  private List<Row> dropDuplicates(String series, List<Row> all) {
    all.sort(Comparator.comparingLong(Row::time).thenComparingLong(Row::line));
    List<Row> out = new ArrayList<>();
    int i = 0;
    while (i < all.size()) {
      int j = i + 1;
      while (j < all.size() && all.get(j).time() == all.get(i).time()) {
        j++;
      }
      if (j - i == 1) {
        out.add(all.get(i));
      } else {
        for (int d = i; d < j; d++) {
          Row r = all.get(d);
          quarantine.add(new QuarantineRecord(source, r.line(), QuarantineRecord.DUPLICATE_TIMESTAMP,
              plan.config().input().timestamp().column(), java.time.Instant.ofEpochMilli(r.time()).toString(),
              "series " + series + " has more than one row at this timestamp; all of them are quarantined", null));
        }
      }
      i = j;
    }
    return out;
  }

  /** Values on the grid for the last past steps (plus the fill look-back); NaN where missing. */
  private double[][] onGrid(List<Row> valid) {
    int past = plan.window().past();
    int width = plan.valueColumns().size();
    long last = plan.frequency().step(valid.get(valid.size() - 1).time());
    long first = last - past + 1 - plan.maxFill();
    double[][] dense = new double[width][(int) (last - first + 1)];
    for (double[] col : dense) {
      Arrays.fill(col, Double.NaN);
    }
    long seriesFirst = plan.frequency().step(valid.get(0).time());
    if (last - seriesFirst + 1 < past) {
      return null;
    }
    for (Row r : valid) {
      long step = plan.frequency().step(r.time());
      if (step >= first) {
        for (int j = 0; j < width; j++) {
          dense[j][(int) (step - first)] = r.values()[j];
        }
      }
    }
    return dense;
  }

  /** The last past events (plus the fill look-back), for frequency none. */
  private double[][] lastEvents(List<Row> valid) {
    int past = plan.window().past();
    if (valid.size() < past) {
      return null;
    }
    int width = plan.valueColumns().size();
    int from = Math.max(0, valid.size() - past - plan.maxFill());
    double[][] dense = new double[width][valid.size() - from];
    for (int i = from; i < valid.size(); i++) {
      for (int j = 0; j < width; j++) {
        dense[j][i - from] = valid.get(i).values()[j];
      }
    }
    return dense;
  }
}
