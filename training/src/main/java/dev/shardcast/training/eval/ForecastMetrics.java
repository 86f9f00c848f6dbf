package dev.shardcast.training.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MAE, RMSE and MASE of forecasts in original units, against two naive forecasts computed on the
 * same windows: seasonal-naive (the value one season before each forecast point, taken from the
 * window's own past) and last-value (the last past value). MASE here is the model's MAE divided by
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
    double last = pastTarget[past - 1];
    for (int h = 0; h < truth.length; h++) {
      if (observed != null && !observed[h]) {
        excluded++;
        continue;
      }
      double e = forecast[h] - truth[h];
      absError += Math.abs(e);
      sqError += e * e;
      absSeasonal += Math.abs(pastTarget[seasonalIndex(h)] - truth[h]);
      absLast += Math.abs(last - truth[h]);
      points++;
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
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
