package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.transforms.config.Frequency;
import dev.shardcast.transforms.config.TimeFeature;
import dev.shardcast.transforms.shard.ShardManifest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The calendar channels of {@code windowing.time_features}, computed from each window's start, its
 * forecast's start and the grid, in the reader (train) and in predict alike, so the shards need no
 * extra column (docs/forecast-quality.md measures the cost). Per feature a sin and a cos channel of
 * its position in its cycle, in UTC:
 *
 * <ul>
 *   <li>month: (month - 1) / 12
 *   <li>day_of_week: (weekday - 1) / 7, Monday = 1
 *   <li>hour: the time of day / 24 h (minutes and seconds as its fraction)
 *   <li>day_of_year: (day of the year - 1) / days in that year (365 or 366)
 * </ul>
 *
 * The tensor is float32 [B, 2 * features, past + future]: positions {@code 0 .. past-1} are the past
 * points (from the window's start), {@code past .. past+future-1} the future ones (from the
 * forecast's start; the {@code lead} points between are not there), channels in config order, sin then cos.
 */
public final class CalendarFeatures {
  private final List<TimeFeature> features;
  private final Frequency frequency;
  private final int past;
  private final int future;
  /**
   * Direct-mapped by grid step: windows overlap, so most points were seen before (the demo has 187
   * months in all), and a cached point is a copy instead of a date conversion and two sines per
   * feature: about 10x less time per window (docs/forecast-quality.md). Shared by the decode threads.
   */
  private final Point[] cache = new Point[CACHE];

  private static final int CACHE = 1 << 16;

  private record Point(long step, float[] values) {}

  public CalendarFeatures(List<TimeFeature> features, Frequency frequency, int past, int future) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no calendar features");
    }
    if (!frequency.isRegular()) {
      throw new IllegalArgumentException("calendar features need a regular frequency, got " + frequency);
    }
    this.features = List.copyOf(features);
    this.frequency = frequency;
    this.past = past;
    this.future = future;
  }

  /** From a manifest's schema; null when the job has no time_features. */
  public static CalendarFeatures of(ShardManifest.Schema schema) {
    return of(schema.timeFeatures(), schema.frequency(), schema.past(), schema.future());
  }

  /** From feature names (their yaml spelling) and the frequency; null when {@code names} is null or empty. */
  public static CalendarFeatures of(List<String> names, String frequency, int past, int future) {
    if (names == null || names.isEmpty()) {
      return null;
    }
    List<TimeFeature> fs = new ArrayList<>();
    for (String n : names) {
      fs.add(TimeFeature.valueOf(n.toUpperCase(java.util.Locale.ROOT)));
    }
    return new CalendarFeatures(fs, Frequency.parse(frequency), past, future);
  }

  /**
   * Refuses a job whose windowing.time_features differ from those of the shards it trains on: the
   * reader computes the features the manifest names, so a changed key needs prepare again, not a
   * model silently trained without (or with other) features.
   */
  public static void checkJob(List<TimeFeature> job, ShardManifest.Schema schema, String shards) {
    List<String> want = job.stream().map(TimeFeature::yaml).toList();
    List<String> have = schema.timeFeatures() == null ? List.of() : schema.timeFeatures();
    if (!want.equals(have)) {
      throw new dev.shardcast.transforms.config.ConfigException("config key 'windowing.time_features' is " + want
          + " but the shards in " + shards + " were prepared with " + have + ": run prepare again (or run)");
    }
  }

  public int channels() {
    return 2 * features.size();
  }

  /** Points per window: past + future. */
  public int length() {
    return past + future;
  }

  public Frequency frequency() {
    return frequency;
  }

  /** [n, channels, past + future] for n windows, as a tensor on {@code manager}. */
  public NDArray tensor(NDManager manager, long[] windowStart, long[] forecastStart) {
    return manager.create(encode(windowStart, forecastStart), new Shape(windowStart.length, channels(), length()));
  }

  /** [n, channels, past + future], row-major. */
  public float[] encode(long[] windowStart, long[] forecastStart) {
    int n = windowStart.length;
    int len = length();
    int ch = channels();
    float[] out = new float[n * ch * len];
    for (int w = 0; w < n; w++) {
      long first = frequency.step(windowStart[w]);
      long firstFuture = frequency.step(forecastStart[w]);
      if (first == Long.MIN_VALUE || firstFuture == Long.MIN_VALUE) {
        throw new IllegalArgumentException("window " + w + " starts off the " + frequency + " grid: "
            + java.time.Instant.ofEpochMilli(first == Long.MIN_VALUE ? windowStart[w] : forecastStart[w]));
      }
      for (int p = 0; p < len; p++) {
        float[] v = point(p < past ? first + p : firstFuture + (p - past));
        for (int c = 0; c < ch; c++) {
          out[(w * ch + c) * len + p] = v[c];
        }
      }
    }
    return out;
  }

  /** The channels of one grid step, from the cache or computed (and cached). */
  private float[] point(long step) {
    int slot = (int) (step & (CACHE - 1));
    Point p = cache[slot];
    if (p == null || p.step() != step) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(frequency.timeOf(step), 1000L), 0, ZoneOffset.UTC);
      float[] v = new float[channels()];
      for (int f = 0; f < features.size(); f++) {
        double a = 2 * Math.PI * cycle(features.get(f), t);
        v[2 * f] = (float) Math.sin(a);
        v[2 * f + 1] = (float) Math.cos(a);
      }
      p = new Point(step, v);
      cache[slot] = p; // a racing reader sees the old entry, this one or none: each is whole (final fields)
    }
    return p.values();
  }

  /** The position of {@code t} in the feature's cycle, in [0, 1). */
  public static double cycle(TimeFeature f, LocalDateTime t) {
    return switch (f) {
      case MONTH -> (t.getMonthValue() - 1) / 12.0;
      case DAY_OF_WEEK -> (t.getDayOfWeek().getValue() - 1) / 7.0;
      case HOUR -> t.toLocalTime().toSecondOfDay() / 86_400.0;
      case DAY_OF_YEAR -> (t.getDayOfYear() - 1) / (double) t.toLocalDate().lengthOfYear();
    };
  }
}
