package dev.shardcast.training.eval;

import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The linear yardstick: per target, a ridge regression of the target's past window (scaled units,
 * plus an intercept) onto each future step, fitted in closed form on the train windows; the
 * regularisation is chosen per target from {@link #LAMBDAS} by the mean squared error on the val
 * windows. Only observed target points enter the fit and the choice (a point the gap policy filled
 * is no truth), so each future step has its own normal equations.
 *
 * <p>The penalty is {@code lambda * n * |w|^2} over the window weights (not the intercept), with
 * {@code n} the step's observed train points: lambda is per window, independent of the data size.
 * Everything is accumulated and solved in double precision, in a fixed order: the same shards give
 * the same weights bit for bit.
 */
public final class RidgeBaseline {
  private static final Logger LOG = LoggerFactory.getLogger(RidgeBaseline.class);
  /** The regularisation grid, smallest first (ties on val keep the smaller). */
  public static final double[] LAMBDAS = {1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

  private final int past;
  private final int future;
  private final List<String> targets;
  private final double[][][] weights; // [target][step][past + 1], the intercept last
  private final double[] lambda; // per target, the chosen one
  private final double[][] valMse; // [target][lambda index], NaN without val points

  private RidgeBaseline(int past, int future, List<String> targets, double[][][] weights, double[] lambda,
      double[][] valMse) {
    this.past = past;
    this.future = future;
    this.targets = List.copyOf(targets);
    this.weights = weights;
    this.lambda = lambda;
    this.valMse = valMse;
  }

  /**
   * Fits on {@code trainSplit}, chooses lambda on {@code valSplit} (the smallest when it has no
   * observed point).
   *
   * @param targetInputIndex per target, its channel among the batches' inputs
   */
  public static RidgeBaseline fit(BatchSource source, List<String> targets, int[] targetInputIndex, int inputs,
      int past, int future, String trainSplit, String valSplit) {
    int nt = targets.size();
    int d = past + 1;
    // Per target: X'X over every window, minus per step the windows whose step was not observed.
    double[][] xtxAll = new double[nt][d * d];
    double[][][] xtxMissing = new double[nt][future][];
    double[][][] xty = new double[nt][future][d];
    long[][] n = new long[nt][future];
    double[] row = new double[d];
    forEachWindow(source, trainSplit, inputs, nt, past, future, targetInputIndex, (t, x, y, obs) -> {
      fillRow(row, x, past);
      addOuter(xtxAll[t], row, 1);
      for (int h = 0; h < future; h++) {
        if (!obs[h]) {
          if (xtxMissing[t][h] == null) {
            xtxMissing[t][h] = new double[d * d];
          }
          addOuter(xtxMissing[t][h], row, 1);
          continue;
        }
        for (int i = 0; i < d; i++) {
          xty[t][h][i] += row[i] * y[h];
        }
        n[t][h]++;
      }
    });
    // W per (lambda, target, step)
    double[][][][] w = new double[LAMBDAS.length][nt][future][];
    for (int l = 0; l < LAMBDAS.length; l++) {
      for (int t = 0; t < nt; t++) {
        for (int h = 0; h < future; h++) {
          double[] a = xtxAll[t].clone();
          if (xtxMissing[t][h] != null) {
            for (int i = 0; i < a.length; i++) {
              a[i] -= xtxMissing[t][h][i];
            }
          }
          w[l][t][h] = solveRidge(a, xty[t][h], d, LAMBDAS[l] * n[t][h]);
        }
      }
    }
    double[][] sse = new double[nt][LAMBDAS.length];
    long[] valPoints = new long[nt];
    if (source.shardCount(valSplit) > 0) {
      forEachWindow(source, valSplit, inputs, nt, past, future, targetInputIndex, (t, x, y, obs) -> {
        fillRow(row, x, past);
        for (int h = 0; h < future; h++) {
          if (!obs[h]) {
            continue;
          }
          valPoints[t]++;
          for (int l = 0; l < LAMBDAS.length; l++) {
            double e = dot(w[l][t][h], row) - y[h];
            sse[t][l] += e * e;
          }
        }
      });
    }
    double[][][] chosen = new double[nt][][];
    double[] lambda = new double[nt];
    double[][] valMse = new double[nt][LAMBDAS.length];
    for (int t = 0; t < nt; t++) {
      int best = 0;
      for (int l = 0; l < LAMBDAS.length; l++) {
        valMse[t][l] = valPoints[t] == 0 ? Double.NaN : sse[t][l] / valPoints[t];
        if (valPoints[t] > 0 && valMse[t][l] < valMse[t][best]) {
          best = l;
        }
      }
      chosen[t] = w[best][t];
      lambda[t] = LAMBDAS[best];
      LOG.info("ridge baseline for {}: lambda {} (val mse {} on {} points, scaled units)", targets.get(t),
          lambda[t], MetricText.of(valMse[t][best], "%.5g"), valPoints[t]);
    }
    return new RidgeBaseline(past, future, targets, chosen, lambda, valMse);
  }

  /** One target series of one window: scaled past, scaled future, observed flags. */
  interface WindowVisitor {
    void visit(int target, float[] past, float[] future, boolean[] observed);
  }

  static void forEachWindow(BatchSource source, String split, int inputs, int nt, int past, int future,
      int[] targetInputIndex, WindowVisitor visitor) {
    float[] xs = new float[past];
    float[] ys = new float[future];
    boolean[] obs = new boolean[future];
    Iterator<Batch> it = source.epoch(split, 0, 0, 0);
    while (it.hasNext()) {
      try (Batch b = it.next()) {
        float[] x = b.past().toFloatArray();
        float[] y = b.future().toFloatArray();
        float[] o = b.futureObserved().toFloatArray();
        for (int w = 0; w < b.size(); w++) {
          for (int t = 0; t < nt; t++) {
            System.arraycopy(x, (w * inputs + targetInputIndex[t]) * past, xs, 0, past);
            int yBase = (w * nt + t) * future;
            System.arraycopy(y, yBase, ys, 0, future);
            for (int h = 0; h < future; h++) {
              obs[h] = o[yBase + h] > 0.5f;
            }
            visitor.visit(t, xs, ys, obs);
          }
        }
      }
    }
  }

  private static void fillRow(double[] row, float[] x, int past) {
    for (int i = 0; i < past; i++) {
      row[i] = x[i];
    }
    row[past] = 1;
  }

  private static void addOuter(double[] a, double[] row, double weight) {
    int d = row.length;
    for (int i = 0; i < d; i++) {
      double ri = row[i] * weight;
      int base = i * d;
      for (int j = 0; j < d; j++) {
        a[base + j] += ri * row[j];
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * Solves (A + penalty * I') w = b by Cholesky, I' the identity without the intercept (the last
   * coordinate). A step with no observed point gets all-zero weights (a forecast of 0, the scaled
   * training mean).
   */
  static double[] solveRidge(double[] xtx, double[] b, int d, double penalty) {
    double[] a = xtx.clone();
    if (a[d * d - 1] <= 0) {
      return new double[d];
    }
    double ridge = Math.max(penalty, 1e-12 * a[d * d - 1]);
    for (int i = 0; i < d - 1; i++) {
      a[i * d + i] += ridge;
    }
    // Cholesky A = L L' in place (lower triangle)
    for (int j = 0; j < d; j++) {
      double s = a[j * d + j];
      for (int k = 0; k < j; k++) {
        s -= a[j * d + k] * a[j * d + k];
      }
      if (!(s > 0)) {
        throw new IllegalStateException("ridge normal equations not positive definite (pivot " + j + ")");
      }
      double l = Math.sqrt(s);
      a[j * d + j] = l;
      for (int i = j + 1; i < d; i++) {
        double v = a[i * d + j];
        for (int k = 0; k < j; k++) {
          v -= a[i * d + k] * a[j * d + k];
        }
        a[i * d + j] = v / l;
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double v = b[i];
      for (int k = 0; k < i; k++) {
        v -= a[i * d + k] * z[k];
      }
      z[i] = v / a[i * d + i];
    }
    double[] w = new double[d];
    for (int i = d - 1; i >= 0; i--) {
      double v = z[i];
      for (int k = i + 1; k < d; k++) {
        v -= a[k * d + i] * w[k];
      }
      w[i] = v / a[i * d + i];
    }
    return w;
  }

  /** The forecast (scaled) of target {@code t} from its scaled past window. */
  public double[] forecast(int t, float[] pastScaled) {
    double[] out = new double[future];
    for (int h = 0; h < future; h++) {
      double[] wh = weights[t][h];
      double s = wh[past];
      for (int i = 0; i < past; i++) {
        s += wh[i] * pastScaled[i];
      }
      out[h] = s;
    }
    return out;
  }

  /** Weights of target {@code t}, future step {@code h}: past coefficients, then the intercept. */
  public double[] weights(int t, int h) {
    return weights[t][h].clone();
  }

  public double lambda(int t) {
    return lambda[t];
  }

  /** For metrics.json: per target the chosen lambda and the val MSE of every lambda tried. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("features", "past target window (scaled) + intercept, per future step");
    for (int t = 0; t < targets.size(); t++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("lambda", lambda[t]);
      List<Map<String, Object>> grid = new ArrayList<>();
      for (int l = 0; l < LAMBDAS.length; l++) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("lambda", LAMBDAS[l]);
        g.put("val_mse", Double.isFinite(valMse[t][l]) ? valMse[t][l] : null);
        grid.add(g);
      }
      m.put("grid", grid);
      out.put(targets.get(t), m);
    }
    return out;
  }
}
