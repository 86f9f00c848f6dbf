package dev.shardcast.training.report;

import dev.shardcast.transforms.core.SeededHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * A few test windows for the report's forecast-vs-actual plots, kept while the evaluator scores the
 * split (same forecasts, same original units as the metrics). Which windows: the {@code limit}
 * (series, target) pairs with the smallest fixed hash of their names, each with its latest window
 * (the newest forecast start). That depends on the data alone, not on shard order or batch
 * boundaries, so the same shards give the same plots; and it spreads the choice over the series
 * instead of taking the alphabetically first ones. Memory: at most {@code limit} windows.
 */
public final class ForecastSamples {

  /**
   * One window in original units. {@code lower}/{@code upper} are the outermost quantiles (null
   * without quantiles); {@code observed} is false where the truth was filled by the gap policy.
   */
  public record Sample(String series, String target, long forecastStartMillis, int lead, double[] past,
      double[] truth, double[] forecast, boolean[] observed, double[] lower, double[] upper, String bandLabel) {}

  private record Key(long hash, String series, String target) {}

  private static final long SEED = 0x5eed_2e90_47L;
  private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::hash)
      .thenComparing(Key::series).thenComparing(Key::target);

  private final int limit;
  private final int lead;
  private final TreeMap<Key, Sample> kept = new TreeMap<>(ORDER);

  /** @param lead steps between the last past point and the first forecast point (the plot leaves that gap) */
  public ForecastSamples(int limit, int lead) {
    this.limit = limit;
    this.lead = lead;
  }

  /**
   * Offers one window of one target; the arrays are copied only when it is kept.
   *
   * @param quantiles [level][step] in original units, or null
   * @param levels the quantile levels, or null
   */
  public void offer(String series, String target, long forecastStartMillis, double[] past, double[] truth,
      double[] forecast, boolean[] observed, double[][] quantiles, List<Double> levels) {
    Key key = new Key(SeededHash.of(SEED, series + '\u0000' + target, 0), series, target);
    Sample old = kept.get(key);
    if (old != null && old.forecastStartMillis() >= forecastStartMillis) {
      return;
    }
    if (old == null && kept.size() >= limit && ORDER.compare(key, kept.lastKey()) > 0) {
      return;
    }
    double[] lower = null;
    double[] upper = null;
    String band = null;
    if (quantiles != null && quantiles.length >= 2) {
      // per point, as the metrics do: raw quantiles may cross, so the band is their min..max
      lower = new double[truth.length];
      upper = new double[truth.length];
      for (int h = 0; h < truth.length; h++) {
        lower[h] = Double.POSITIVE_INFINITY;
        upper[h] = Double.NEGATIVE_INFINITY;
        for (double[] q : quantiles) {
          lower[h] = Math.min(lower[h], q[h]);
          upper[h] = Math.max(upper[h], q[h]);
        }
      }
      band = levels == null || levels.isEmpty() ? "quantile band"
          : "p" + pct(java.util.Collections.min(levels)) + "–p" + pct(java.util.Collections.max(levels));
    }
    kept.put(key, new Sample(series, target, forecastStartMillis, lead, past.clone(), truth.clone(), forecast.clone(),
        observed == null ? allTrue(truth.length) : observed.clone(), lower, upper, band));
    while (kept.size() > limit) {
      kept.pollLastEntry();
    }
  }

  /** The kept windows, by series then target name (a stable order for the page). */
  public List<Sample> samples() {
    List<Sample> out = new ArrayList<>(kept.values());
    out.sort(Comparator.comparing(Sample::series).thenComparing(Sample::target));
    return out;
  }

  private static String pct(double level) {
    double p = level * 100;
    return p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p);
  }

  private static boolean[] allTrue(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }
}
