package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.WindowSpec;
import dev.shardcast.transforms.quality.QuarantineSample;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why a prepare run has no train or no val windows, in one message a person can act on, from the
 * run's final counts: rows lost to the quarantine (with its most frequent reason and a sample row),
 * series too short for one window, gaps, or split dates that leave a split empty.
 */
public final class NoWindowsDiagnosis {
  private NoWindowsDiagnosis() {}

  /**
   * @param counts the manifest's counts: rows_*, quarantined.*, series, short_series, windows_*,
   *     data_first_time_ms / data_last_time_ms
   * @param sample the quarantine's top reason and a row of it; null when nothing was quarantined
   * @param quarantinePath where the quarantine file is, for the message
   * @return null when the train and val splits both have windows, else the message
   */
  public static String diagnose(JobPlan plan, Map<String, Long> counts, QuarantineSample sample, String quarantinePath) {
    long train = counts.getOrDefault("windows_train", 0L);
    long val = counts.getOrDefault("windows_val", 0L);
    if (train > 0 && val > 0) {
      return null;
    }
    String head = train == 0 && val == 0 ? "no train and no val windows" : train == 0 ? "no train windows" : "no val windows";
    long read = counts.getOrDefault("rows_read", 0L);
    long quarantined = counts.getOrDefault("rows_quarantined", 0L);
    long used = read - quarantined - counts.getOrDefault("rows_not_sampled", 0L);
    List<String> causes = new ArrayList<>();
    if (read == 0) {
      long files = counts.getOrDefault("files_read", 0L);
      causes.add(String.format(Locale.ROOT, "the input has no data rows (%,d file%s read)", files, files == 1 ? "" : "s"));
    }
    if (quarantined > 0) {
      causes.add(String.format(Locale.ROOT, "%,d of %,d rows quarantined", quarantined, read)
          + (sample == null ? "" : ", most as " + sample.describe()));
    }
    if (used > 0) {
      causes.add(windowing(plan, counts, train, val));
    }
    String message = head + ": " + String.join("; ", causes);
    return quarantined > 0 ? message + "; see " + quarantinePath : message;
  }

  /** The rows that were kept made no window of the missing split(s): say which of the reasons it is. */
  private static String windowing(JobPlan plan, Map<String, Long> counts, long train, long val) {
    WindowSpec w = plan.window();
    long series = counts.getOrDefault("series", 0L);
    long shortSeries = counts.getOrDefault("short_series", 0L);
    long test = counts.getOrDefault("windows_test", 0L);
    String span = String.format(Locale.ROOT, "windowing.past %d + lead %d + future %d = %d points", w.past(), w.lead(),
        w.future(), w.span());
    if (series > 0 && shortSeries == series) {
      return String.format(Locale.ROOT, "%s shorter than one window (%s)",
          series == 1 ? "the one series is" : String.format(Locale.ROOT, "all %,d series are", series), span);
    }
    if (train + val + test == 0) {
      JobConfig.Gaps g = plan.config().gaps();
      String gaps = !plan.frequency().isRegular() ? ""
          : String.format(Locale.ROOT, "; gaps break a series unless filled (gaps.policy %s, max_fill %d)",
              g.policy().yaml(), g.maxFill());
      return String.format(Locale.ROOT, "%,d series (%,d shorter than one window) gave no window of %s: %,d rows in no "
          + "window%s", series, shortSeries, span, counts.getOrDefault("rows_unused", 0L), gaps);
    }
    JobConfig.Split s = plan.config().split();
    String range = counts.containsKey("data_first_time_ms")
        ? " against the data (" + time(counts.get("data_first_time_ms")) + " .. " + time(counts.get("data_last_time_ms")) + ")"
        : "";
    long straddling = counts.getOrDefault("windows_straddling", 0L);
    return String.format(Locale.ROOT, "the windows fall in other splits (train %,d, val %,d, test %,d, straddling a "
        + "cut-off %,d; a window belongs to the split holding its whole forecast): check split.train_end %s and "
        + "split.val_end %s%s", train, val, test, straddling, s.trainEnd(), s.valEnd(), range);
  }

  private static String time(long millis) {
    Instant t = Instant.ofEpochMilli(millis);
    return t.atOffset(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0 && millis % 1000 == 0
        ? t.atOffset(ZoneOffset.UTC).toLocalDate().toString() : t.toString();
  }
}
