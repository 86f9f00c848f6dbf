package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig.ScalerKind;
import dev.shardcast.transforms.config.JobPlan;
import java.io.Serializable;
import java.util.LinkedHashMap;
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
