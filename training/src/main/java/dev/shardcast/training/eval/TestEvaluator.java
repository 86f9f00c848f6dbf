package dev.shardcast.training.eval;

import ai.djl.ndarray.NDArray;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.report.ForecastSamples;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a model on a split in original units: the forecasts and the truth are un-scaled with the
 * manifest's scaler, and the seasonal-naive and last-value baselines are taken from the same
 * windows' un-scaled past, so every number compares like with like.
 */
public final class TestEvaluator {
  private TestEvaluator() {}

  /**
   * The ridge baseline for the shards of {@code manifest}: fitted on the train split, lambda chosen
   * on val, each target from its own past window.
   */
  public static RidgeBaseline fitRidge(BatchSource source, ShardManifest manifest) {
    ShardManifest.Schema schema = manifest.schema();
    int[] idx = schema.targets().stream().mapToInt(schema.inputs()::indexOf).toArray();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0) {
        throw new IllegalArgumentException("the ridge baseline needs the target " + schema.targets().get(i)
            + " as an input too (input: true)");
      }
    }
    return RidgeBaseline.fit(source, schema.targets(), idx, schema.inputs().size(), schema.past(), schema.future(),
        "train", "val");
  }

  /** @return per target column, then "all": the metrics of {@link ForecastMetrics#toMap()} */
  public static Map<String, Object> evaluate(SavedModel.Loaded model, BatchSource source, ShardManifest manifest,
      String split, int season) {
    return evaluate(model, source, manifest, split, season, null);
  }

  /** As above, also scoring {@code ridge}'s forecasts (null: no ridge) on the same points. */
  public static Map<String, Object> evaluate(SavedModel.Loaded model, BatchSource source, ShardManifest manifest,
      String split, int season, RidgeBaseline ridge) {
    return evaluate(model, source, manifest, split, season, ridge, null);
  }

  /**
   * As above; {@code samples} (null: none) is offered every scored window, so the report plots the
   * very forecasts the metrics scored rather than a second, possibly different, prediction pass.
   */
  public static Map<String, Object> evaluate(SavedModel.Loaded model, BatchSource source, ShardManifest manifest,
      String split, int season, RidgeBaseline ridge, ForecastSamples samples) {
    ShardManifest.Schema schema = manifest.schema();
    List<String> inputs = schema.inputs();
    List<String> targets = schema.targets();
    int[] pastIndexOfTarget = new int[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      pastIndexOfTarget[t] = inputs.indexOf(targets.get(t));
      if (pastIndexOfTarget[t] < 0) {
        throw new IllegalArgumentException("evaluation needs the target " + targets.get(t)
            + " as an input too (input: true): its past values are the baselines' forecasts");
      }
    }
    ScaleLookup scales = new ScaleLookup(manifest);
    ForecastMetrics all = new ForecastMetrics(schema.past(), schema.lead(), season);
    Map<String, ForecastMetrics> perTarget = new LinkedHashMap<>();
    for (String t : targets) {
      perTarget.put(t, new ForecastMetrics(schema.past(), schema.lead(), season));
    }
    int past = schema.past();
    int future = schema.future();
    List<Double> levels = model.spec().quantiles();
    QuantileMetrics quantAll = levels == null ? null : new QuantileMetrics(levels);
    Map<String, QuantileMetrics> quantPerTarget = new LinkedHashMap<>();
    double[][] quant = levels == null ? null : new double[levels.size()][future];
    double[] pastRaw = new double[past];
    double[] truth = new double[future];
    double[] forecast = new double[future];
    double[] ridgeRaw = ridge == null ? null : new double[future];
    float[] pastScaled = new float[past];
    boolean[] observed = new boolean[future];
    long windows = 0;
    Iterator<Batch> it = source.epoch(split, 0, 0, 0);
    while (it.hasNext()) {
      try (Batch b = it.next()) {
        ai.djl.Device dev = model.manager().getDevice();
        ai.djl.ndarray.NDList in = b.modelInput(b.past().toDevice(dev, false), a -> a.toDevice(dev, false));
        NDArray pred = model.predict(in);
        float[] p = pred.toFloatArray();
        float[] raw = null;
        if (quant != null) {
          try (NDArray r = model.predictRaw(in)) {
            raw = r.toFloatArray(); // [B, Q, T, F]
          }
        }
        float[] x = b.past().toFloatArray();
        float[] y = b.future().toFloatArray();
        float[] obs = b.futureObserved().toFloatArray();
        windows += b.size();
        for (int w = 0; w < b.size(); w++) {
          for (int t = 0; t < targets.size(); t++) {
            ColumnScale s = scales.of(b.series()[w], targets.get(t));
            int xBase = (w * inputs.size() + pastIndexOfTarget[t]) * past;
            for (int i = 0; i < past; i++) {
              pastRaw[i] = s.invert(x[xBase + i]);
            }
            double[] ridgeScaled = null;
            if (ridge != null) {
              System.arraycopy(x, xBase, pastScaled, 0, past);
              ridgeScaled = ridge.forecast(t, pastScaled);
            }
            int yBase = (w * targets.size() + t) * future;
            for (int h = 0; h < future; h++) {
              truth[h] = s.invert(y[yBase + h]);
              forecast[h] = s.invert(p[yBase + h]);
              observed[h] = obs[yBase + h] > 0.5f;
              if (ridgeRaw != null) {
                ridgeRaw[h] = s.invert(ridgeScaled[h]);
              }
            }
            all.add(pastRaw, truth, forecast, ridgeRaw, observed);
            perTarget.get(targets.get(t)).add(pastRaw, truth, forecast, ridgeRaw, observed);
            if (quant != null) {
              fillQuantiles(quant, raw, w, t, targets.size(), future, s);
            }
            if (samples != null) {
              samples.offer(b.series()[w], targets.get(t), b.forecastStart()[w], pastRaw, truth, forecast, observed,
                  quant, levels);
            }
            if (quant != null) {
              quantAll.add(quant, truth, observed);
              quantPerTarget.computeIfAbsent(targets.get(t), k -> new QuantileMetrics(levels)).add(quant, truth, observed);
            }
          }
        }
        pred.close();
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("split", split);
    out.put("windows", windows);
    out.put("points_excluded_filled", all.excluded());
    out.put("all", withQuantiles(all.toMap(), quantAll));
    perTarget.forEach((t, m) -> out.put(t, withQuantiles(m.toMap(), quantPerTarget.get(t))));
    return out;
  }

  /** This window's quantiles in original units, [level][step]: the raw output is [B, Q, T, F]. */
  private static void fillQuantiles(double[][] quant, float[] raw, int w, int t, int targets, int future,
      ColumnScale s) {
    for (int q = 0; q < quant.length; q++) {
      int base = ((w * quant.length + q) * targets + t) * future;
      for (int h = 0; h < future; h++) {
        quant[q][h] = s.invert(raw[base + h]);
      }
    }
  }

  private static Map<String, Object> withQuantiles(Map<String, Object> point, QuantileMetrics q) {
    if (q != null) {
      point.put("quantile", q.toMap());
    }
    return point;
  }
}
