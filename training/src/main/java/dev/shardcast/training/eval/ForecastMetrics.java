package dev.shardcast.training.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MAE, RMSE and MASE of forecasts in original units, against two naive forecasts computed on the
 * same windows: seasonal-naive (the value one season before each forecast point, taken from the
 * window's own past) and last-value (the last past value), and, when given, a linear one (the
 * {@link RidgeBaseline}'s forecast), overall and per future step. MASE here is the model's MAE divided by
 * the naive forecast's MAE on the same points, so MASE &lt; 1 means the model beats that baseline.
 * Only observed target points are scored, by the model and the baselines alike: a point the gap
 * policy filled is not a truth (it is counted as excluded).
 */
public final class ForecastMetrics {
  private final int past;
  private final int lead;
  private final int season;
  private long points;
  private long excluded;
  private double absError;
  private double sqError;
  private double absSeasonal;
  private double absLast;
  private long ridgePoints;
  private double absRidge;
  private double sqRidge;
  private long[] stepPoints = new long[0];
  private double[][] stepAbs = new double[0][]; // per step: model, seasonal-naive, last-value, ridge

  /**
   * @param past past points per window
   * @param lead points between the last past point and the first future point
   * @param season season length in steps; must not exceed {@code past}
   */
  public ForecastMetrics(int past, int lead, int season) {
    if (season > past) {
      throw new IllegalArgumentException("train.season (" + season + ") must not exceed windowing.past (" + past
          + "): the seasonal-naive forecast is taken from the window's own past");
    }
    this.past = past;
    this.lead = lead;
    this.season = season;
  }

  /** Index in the past window of the seasonal-naive value for future point {@code h} (0-based). */
  int seasonalIndex(int h) {
    return seasonalIndex(past, lead, season, h);
  }

  /**
   * The past position whose value is the seasonal-naive forecast of future point {@code h}: whole
   * seasons back from the forecast point, into the window's past.
   */
  public static int seasonalIndex(int past, int lead, int season, int h) {
    int ahead = lead + h + 1; // steps from the last past point to the forecast point
    int seasonsBack = (ahead + season - 1) / season;
    return past - 1 + ahead - seasonsBack * season;
  }

  /** As {@link #add(double[], double[], double[], boolean[])} with every point observed. */
  public void add(double[] pastTarget, double[] truth, double[] forecast) {
    add(pastTarget, truth, forecast, null);
  }

  /**
   * Adds one window's target series, all in original units.
   *
   * @param pastTarget the target's {@code past} values before the forecast
   * @param truth the target's true future values
   * @param forecast the model's forecast of them
   * @param observed per future point, false where it was filled (skipped); null: all observed
   */
  public void add(double[] pastTarget, double[] truth, double[] forecast, boolean[] observed) {
    add(pastTarget, truth, forecast, null, observed);
  }

  /** As above, with the ridge baseline's forecast of the same points (null: none). */
  public void add(double[] pastTarget, double[] truth, double[] forecast, double[] ridge, boolean[] observed) {
    double last = pastTarget[past - 1];
    if (stepPoints.length < truth.length) {
      stepPoints = java.util.Arrays.copyOf(stepPoints, truth.length);
      stepAbs = java.util.Arrays.copyOf(stepAbs, truth.length);
      for (int h = 0; h < truth.length; h++) {
        if (stepAbs[h] == null) {
          stepAbs[h] = new double[4];
        }
      }
    }
    for (int h = 0; h < truth.length; h++) {
      if (observed != null && !observed[h]) {
        excluded++;
        continue;
      }
      double e = forecast[h] - truth[h];
      double es = Math.abs(pastTarget[seasonalIndex(h)] - truth[h]);
      double el = Math.abs(last - truth[h]);
      absError += Math.abs(e);
      sqError += e * e;
      absSeasonal += es;
      absLast += el;
      points++;
      double[] step = stepAbs[h];
      stepPoints[h]++;
      step[0] += Math.abs(e);
      step[1] += es;
      step[2] += el;
      if (ridge != null) {
        double er = ridge[h] - truth[h];
        absRidge += Math.abs(er);
        sqRidge += er * er;
        ridgePoints++;
        step[3] += Math.abs(er);
      }
    }
  }

  public long points() {
    return points;
  }

  /** Target points left out because the gap policy filled them. */
  public long excluded() {
    return excluded;
  }

  public double mae() {
    return absError / points;
  }

  public double rmse() {
    return Math.sqrt(sqError / points);
  }

  public double maeSeasonalNaive() {
    return absSeasonal / points;
  }

  public double maeLastValue() {
    return absLast / points;
  }

  /** The ridge baseline's MAE on the same points; NaN when no ridge forecast was added. */
  public double maeRidge() {
    return ridgePoints == points ? absRidge / points : Double.NaN;
  }

  public double rmseRidge() {
    return ridgePoints == points ? Math.sqrt(sqRidge / points) : Double.NaN;
  }

  public double maseSeasonalNaive() {
    return absError / absSeasonal;
  }

  public double maseLastValue() {
    return absError / absLast;
  }

  /**
   * The metrics by name. A metric with no defined value is null, never NaN or Infinity (JSON has
   * neither): every metric of a split with no windows, and a MASE whose naive forecast is exact.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("points", points);
    m.put("points_excluded_filled", excluded);
    m.put("mae", finite(mae()));
    m.put("rmse", finite(rmse()));
    m.put("mase_seasonal_naive", finite(maseSeasonalNaive()));
    m.put("mase_last_value", finite(maseLastValue()));
    m.put("mae_seasonal_naive", finite(maeSeasonalNaive()));
    m.put("mae_last_value", finite(maeLastValue()));
    m.put("season", season);
    double ridge = maeRidge();
    if (ridgePoints > 0) {
      m.put("mae_ridge", finite(ridge));
      m.put("rmse_ridge", finite(rmseRidge()));
      m.put("mase_ridge", finite(absRidge / absSeasonal));
      m.put("mae_ratio_to_ridge", finite(absError / absRidge));
    }
    java.util.List<Map<String, Object>> steps = new java.util.ArrayList<>();
    for (int h = 0; h < stepPoints.length; h++) {
      Map<String, Object> s = new LinkedHashMap<>();
      long n = stepPoints[h];
      s.put("step", h + 1);
      s.put("points", n);
      s.put("mae", finite(stepAbs[h][0] / n));
      s.put("mae_seasonal_naive", finite(stepAbs[h][1] / n));
      s.put("mae_last_value", finite(stepAbs[h][2] / n));
      if (ridgePoints > 0) {
        s.put("mae_ridge", finite(stepAbs[h][3] / n));
      }
      steps.add(s);
    }
    m.put("per_step", steps);
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
