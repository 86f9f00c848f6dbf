package dev.shardcast.training.eval;

import ai.djl.ndarray.NDArray;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * A model's absolute errors on one split, per window (original units, observed target points only,
 * every target), in the split's fixed window order: what two models' errors are compared on, window by
 * window ({@link #pairedDifference}), to tell a real val lead from noise.
 *
 * @param forecastStart per window, its first forecast time
 * @param absErrorSum per window, the summed absolute error of its observed target points
 * @param points per window, how many observed target points
 */
public record WindowErrors(long[] forecastStart, double[] absErrorSum, long[] points) {

  public static WindowErrors of(SavedModel.Loaded model, BatchSource source, ShardManifest manifest, String split) {
    ShardManifest.Schema schema = manifest.schema();
    ScaleLookup scales = new ScaleLookup(manifest);
    List<String> targets = schema.targets();
    int future = schema.future();
    List<long[]> starts = new ArrayList<>();
    List<double[]> sums = new ArrayList<>();
    List<long[]> counts = new ArrayList<>();
    Iterator<Batch> it = source.epoch(split, 0, 0, 0);
    while (it.hasNext()) {
      ai.djl.Device dev = model.manager().getDevice();
      try (Batch b = it.next();
          NDArray pred = model.predict(b.modelInput(b.past().toDevice(dev, false), a -> a.toDevice(dev, false)))) {
        float[] p = pred.toFloatArray();
        float[] y = b.future().toFloatArray();
        float[] obs = b.futureObserved().toFloatArray();
        double[] sum = new double[b.size()];
        long[] n = new long[b.size()];
        for (int w = 0; w < b.size(); w++) {
          for (int t = 0; t < targets.size(); t++) {
            ColumnScale s = scales.of(b.series()[w], targets.get(t));
            int base = (w * targets.size() + t) * future;
            for (int h = 0; h < future; h++) {
              if (obs[base + h] > 0.5f) {
                sum[w] += Math.abs(s.invert(p[base + h]) - s.invert(y[base + h]));
                n[w]++;
              }
            }
          }
        }
        starts.add(b.forecastStart().clone());
        sums.add(sum);
        counts.add(n);
      }
    }
    int total = sums.stream().mapToInt(a -> a.length).sum();
    long[] fs = new long[total];
    double[] es = new double[total];
    long[] ns = new long[total];
    int i = 0;
    for (int k = 0; k < sums.size(); k++) {
      System.arraycopy(starts.get(k), 0, fs, i, sums.get(k).length);
      System.arraycopy(sums.get(k), 0, es, i, sums.get(k).length);
      System.arraycopy(counts.get(k), 0, ns, i, sums.get(k).length);
      i += sums.get(k).length;
    }
    return new WindowErrors(fs, es, ns);
  }

  /**
   * The one-sided 95 % quantile of Student's t with {@code df} degrees of freedom: a difference over
   * {@code df + 1} blocks is significant at 5 % when it exceeds this many standard errors. Between the
   * tabulated degrees of freedom the next lower one's (larger, so conservative; from 120 on 1.658,
   * the normal's being 1.645); infinite below 1.
   */
  public static double tCritical95(int df) {
    int[] dfs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 60, 120};
    double[] t = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.782, 1.753, 1.725, 1.697,
        1.671, 1.658};
    if (df < 1) {
      return Double.POSITIVE_INFINITY;
    }
    int i = dfs.length - 1;
    while (dfs[i] > df) {
      i--;
    }
    return t[i];
  }

  /** MAE over every window. */
  public double mae() {
    double s = 0;
    long n = 0;
    for (int w = 0; w < points.length; w++) {
      s += absErrorSum[w];
      n += points[w];
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /**
   * {@code a}'s MAE minus {@code b}'s on the same windows, and the standard error of that difference.
   * Windows overlap in time (their forecasts share months; a shock hits every series at once), so
   * they are not independent: the windows are grouped into blocks of {@code blockStarts} consecutive
   * forecast start times (the forecast length: windows of different blocks mostly forecast different
   * times), and the error is that of a ratio estimate over the blocks. With fewer than two blocks the
   * error is infinite (no evidence either way).
   *
   * @return {difference, standard error, blocks}
   */
  public static double[] pairedDifference(WindowErrors a, WindowErrors b, int blockStarts) {
    if (a.points.length != b.points.length) {
      throw new IllegalArgumentException("different windows: " + a.points.length + " vs " + b.points.length);
    }
    TreeMap<Long, Integer> startIndex = new TreeMap<>();
    for (long s : a.forecastStart) {
      startIndex.put(s, 0);
    }
    int k = 0;
    for (var e : startIndex.entrySet()) {
      e.setValue(k++ / Math.max(1, blockStarts));
    }
    int blocks = k == 0 ? 0 : (k - 1) / Math.max(1, blockStarts) + 1;
    double[] d = new double[blocks];
    double[] n = new double[blocks];
    double dSum = 0;
    double nSum = 0;
    for (int w = 0; w < a.points.length; w++) {
      if (a.forecastStart[w] != b.forecastStart[w] || a.points[w] != b.points[w]) {
        throw new IllegalArgumentException("window " + w + " differs between the two error lists");
      }
      int blk = startIndex.get(a.forecastStart[w]);
      d[blk] += a.absErrorSum[w] - b.absErrorSum[w];
      n[blk] += a.points[w];
      dSum += a.absErrorSum[w] - b.absErrorSum[w];
      nSum += a.points[w];
    }
    if (nSum == 0) {
      return new double[] {Double.NaN, Double.POSITIVE_INFINITY, blocks};
    }
    double mean = dSum / nSum;
    if (blocks < 2) {
      return new double[] {mean, Double.POSITIVE_INFINITY, blocks};
    }
    double ss = 0;
    for (int blk = 0; blk < blocks; blk++) {
      double r = d[blk] - mean * n[blk];
      ss += r * r;
    }
    return new double[] {mean, Math.sqrt(ss * blocks / (blocks - 1.0)) / nSum, blocks};
  }
}
