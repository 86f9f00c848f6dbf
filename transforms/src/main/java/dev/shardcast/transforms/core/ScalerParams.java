package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig.ScalerKind;
import dev.shardcast.transforms.config.JobPlan;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fitted scales for every value column: one set for the whole data set, and with scope
 * {@code per_series} one set per series (a series with no training sample uses the global set).
 */
public final class ScalerParams implements Serializable {
  private final Map<String, ColumnScale> global;
  private final Map<String, Map<String, ColumnScale>> perSeries;

  public ScalerParams(Map<String, ColumnScale> global, Map<String, Map<String, ColumnScale>> perSeries) {
    this.global = global;
    this.perSeries = perSeries;
  }

  public static Map<String, ColumnScale> fitColumns(JobPlan plan, SampleBlock sample) {
    ScalerKind kind = plan.config().scaler().type();
    Map<String, ColumnScale> out = new LinkedHashMap<>();
    for (int c = 0; c < plan.valueColumns().size(); c++) {
      out.put(plan.valueColumns().get(c), ScalerFit.fit(kind, sample.column(c)));
    }
    return out;
  }

  /**
   * One series' scales: its own fit where the series' training sample allows one; else, per column,
   * the global scale with the reason ({@code fallback}). A series without any training row (one that
   * starts after {@code train_end}) or a column without spread in it would otherwise be stored as
   * identity, and its raw values would reach the model unscaled.
   *
   * @param sample the series' training sample, or null when it has no training rows
   */
  public static Map<String, ColumnScale> fitSeries(JobPlan plan, Map<String, ColumnScale> global, SampleBlock sample) {
    Map<String, ColumnScale> out = new LinkedHashMap<>();
    boolean none = plan.config().scaler().type() == ScalerKind.NONE;
    for (int c = 0; c < plan.valueColumns().size(); c++) {
      String column = plan.valueColumns().get(c);
      ColumnScale g = global.get(column);
      if (sample == null) {
        out.put(column, none ? g : g.asFallback(0, "no training rows in this series"));
        continue;
      }
      ColumnScale own = ScalerFit.fit(plan.config().scaler().type(), sample.column(c));
      out.put(column, own.unscaledReason() == null || none ? own : g.asFallback(own.sampled(),
          own.sampled() == 0 ? "no training values of this column in this series" : "zero spread in this series' training sample"));
    }
    return out;
  }

  /** "N of M series use the global scale for some column" and a few examples; null when none does. */
  public String fallbackSummary(int examples) {
    List<String> shown = new ArrayList<>();
    int series = 0;
    for (Map.Entry<String, Map<String, ColumnScale>> e : perSeries.entrySet()) {
      List<String> columns = new ArrayList<>();
      String reason = null;
      for (Map.Entry<String, ColumnScale> c : e.getValue().entrySet()) {
        if (c.getValue().fallback() != null) {
          columns.add(c.getKey());
          reason = c.getValue().fallback();
        }
      }
      if (!columns.isEmpty()) {
        series++;
        if (shown.size() < examples) {
          shown.add(e.getKey() + " " + columns + " (" + reason + ")");
        }
      }
    }
    return series == 0 ? null : series + " of " + perSeries.size() + " series use the global scaler for some column, e.g. "
        + String.join("; ", shown);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalerParams p && p.global.equals(global) && p.perSeries.equals(perSeries);
  }

  @Override
  public int hashCode() {
    return global.hashCode() * 31 + perSeries.hashCode();
  }

  public Map<String, ColumnScale> global() {
    return global;
  }

  public Map<String, Map<String, ColumnScale>> perSeries() {
    return perSeries;
  }

  public Map<String, ColumnScale> forSeries(String series) {
    return perSeries.getOrDefault(series, global);
  }

  /** A scaled copy of a block: past inputs and future targets by their columns' scales. */
  public WindowBlock apply(JobPlan plan, WindowBlock raw) {
    WindowBlock block = raw.withValues(raw.past.clone(), raw.future.clone());
    int[] in = plan.inputIndex();
    int[] tg = plan.targetIndex();
    for (int w = 0; w < block.size; w++) {
      Map<String, ColumnScale> scales = forSeries(block.series[w]);
      for (int c = 0; c < in.length; c++) {
        ColumnScale s = scales.get(plan.valueColumns().get(in[c]));
        int base = (w * in.length + c) * block.pastLen;
        for (int t = 0; t < block.pastLen; t++) {
          block.past[base + t] = (float) s.apply(block.past[base + t]);
        }
      }
      for (int c = 0; c < tg.length; c++) {
        ColumnScale s = scales.get(plan.valueColumns().get(tg[c]));
        int base = (w * tg.length + c) * block.futureLen;
        for (int t = 0; t < block.futureLen; t++) {
          block.future[base + t] = (float) s.apply(block.future[base + t]);
        }
      }
    }
    return block;
  }
}
