package dev.shardcast.training.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.training.testing.SyntheticBatchSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RidgeBaselineTest {

  /** The rows (past window of channel {@code channel} + 1) and targets of one step, observed points only. */
  private record Design(List<double[]> x, List<Double> y) {}

  private static Design design(SyntheticBatchSource src, String split, int channel, int h) {
    Design d = new Design(new ArrayList<>(), new ArrayList<>());
    RidgeBaseline.forEachWindow(src, split, src.inputs, src.targets, src.past, src.future, new int[] {channel},
        (t, x, y, obs) -> {
          if (!obs[h]) {
            return;
          }
          double[] row = new double[src.past + 1];
          for (int i = 0; i < src.past; i++) {
            row[i] = x[i];
          }
          row[src.past] = 1;
          d.x().add(row);
          d.y().add((double) y[h]);
        });
    return d;
  }

  /** (X'X + lambda n I') w = X'y, built from the rows and solved by Gaussian elimination with pivoting. */
  private static double[] normalEquations(Design d, double lambda) {
    int p = d.x().get(0).length;
    int n = d.x().size();
    double[][] a = new double[p][p + 1];
    for (int r = 0; r < n; r++) {
      double[] row = d.x().get(r);
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          a[i][j] += row[i] * row[j];
        }
        a[i][p] += row[i] * d.y().get(r);
      }
    }
    for (int i = 0; i < p - 1; i++) {
      a[i][i] += lambda * n;
    }
    for (int c = 0; c < p; c++) {
      int piv = c;
      for (int r = c + 1; r < p; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
          piv = r;
        }
      }
      double[] tmp = a[c];
      a[c] = a[piv];
      a[piv] = tmp;
      for (int r = 0; r < p; r++) {
        if (r != c) {
          double f = a[r][c] / a[c][c];
          for (int k = c; k <= p; k++) {
            a[r][k] -= f * a[c][k];
          }
        }
      }
    }
    double[] w = new double[p];
    for (int i = 0; i < p; i++) {
      w[i] = a[i][p] / a[i][i];
    }
    return w;
  }

  private static double valMse(SyntheticBatchSource src, int channel, double lambda) {
    double sse = 0;
    long n = 0;
    for (int h = 0; h < src.future; h++) {
      double[] w = normalEquations(design(src, "train", channel, h), lambda);
      Design v = design(src, "val", channel, h);
      for (int r = 0; r < v.x().size(); r++) {
        double f = 0;
        for (int i = 0; i < w.length; i++) {
          f += w[i] * v.x().get(r)[i];
        }
        sse += (f - v.y().get(r)) * (f - v.y().get(r));
        n++;
      }
    }
    return sse / n;
  }

  private static void assertMatchesClosedForm(SyntheticBatchSource src, int channel) {
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {channel}, src.inputs, src.past, src.future,
        "train", "val");
    // lambda: the grid's best on val, by an independent computation of every candidate
    double bestLambda = Double.NaN;
    double best = Double.POSITIVE_INFINITY;
    for (double l : RidgeBaseline.LAMBDAS) {
      double mse = valMse(src, channel, l);
      if (mse < best) {
        best = mse;
        bestLambda = l;
      }
    }
    assertEquals(bestLambda, ridge.lambda(0));
    for (int h = 0; h < src.future; h++) {
      double[] expected = normalEquations(design(src, "train", channel, h), bestLambda);
      double[] actual = ridge.weights(0, h);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-9 * (1 + Math.abs(expected[i])), "step " + h + " coefficient " + i);
      }
      // the forecast is that linear map
      float[] x = new float[src.past];
      double f = expected[src.past];
      for (int i = 0; i < src.past; i++) {
        x[i] = 0.1f * i - 0.3f;
        f += expected[i] * x[i];
      }
      assertEquals(f, ridge.forecast(0, x)[h], 1e-9);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> y = (Map<String, Object>) ridge.describe().get("y");
    assertEquals(bestLambda, y.get("lambda"));
  }

  @Test
  void matchesNormalEquationsSolvedIndependently() {
    SyntheticBatchSource src = SyntheticBatchSource.small(6, 3);
    assertMatchesClosedForm(src, 0);
    assertMatchesClosedForm(src, 1);
  }

  @Test
  void fitsObservedPointsOnly() {
    // Filled points carry a garbage value; the fit must equal the closed form over the observed rows.
    SyntheticBatchSource src = SyntheticBatchSource.small(6, 3).withFilledTargets(5L, 0.2, 1e6f);
    assertMatchesClosedForm(src, 0);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, src.inputs, src.past, src.future,
        "train", "val");
    for (int h = 0; h < src.future; h++) {
      for (double w : ridge.weights(0, h)) {
        assertTrue(Math.abs(w) < 10, "garbage in the fit: " + w);
      }
    }
  }

  @Test
  void recoversAnExactLinearMap() {
    // future = 2 * last past value - 1 exactly (a noise-free series): the smallest lambda wins on
    // val and the fit is that map up to the (tiny) shrinkage.
    int past = 6;
    int future = 2;
    float[][] x = new float[200][past];
    float[][] y = new float[200][future];
    java.util.Random rnd = new java.util.Random(3);
    for (int w = 0; w < x.length; w++) {
      for (int i = 0; i < past; i++) {
        x[w][i] = (float) rnd.nextGaussian();
      }
      y[w][0] = 2 * x[w][past - 1] - 1;
      y[w][1] = x[w][0] + x[w][1];
    }
    ArraySource src = new ArraySource(x, y, 20);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, past, future, "train", "val");
    assertEquals(RidgeBaseline.LAMBDAS[0], ridge.lambda(0));
    double[] w0 = ridge.weights(0, 0);
    assertEquals(2, w0[past - 1], 1e-2);
    assertEquals(-1, w0[past], 1e-2);
    double[] w1 = ridge.weights(0, 1);
    assertEquals(1, w1[0], 1e-2);
    assertEquals(1, w1[1], 1e-2);
  }
}
