package dev.shardcast.transforms.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code split.mode: rolling}: the cut-offs move with the data, so a model retrained on new data is
 * always judged on the newest period. With the data's latest timestamp L (the latest of the rows that
 * pass the row checks) and its end E (the grid point after L; L + 1 ms without a grid):
 * {@code val_end = E - test}, {@code train_end = val_end - val}. Windows are then assigned to splits
 * by their whole forecast, as with fixed cut-offs (JobPlan#splitOf). prepare computes them
 * (pipelines/DataEnd reads the rows once) and the manifest's config records them; train and predict
 * take them from there.
 */
public final class RollingSplit {
  private RollingSplit() {}

  /** Config-time checks: rolling needs both lengths and no test_end; fixed takes no lengths. */
  static void check(JobConfig.Split s, Frequency frequency) {
    if (!s.rolling()) {
      if (s.val() != null || s.test() != null) {
        throw new ConfigException("config keys 'split.val' and 'split.test' (period lengths) need split.mode: rolling; "
            + "with fixed cut-offs use split.train_end and split.val_end");
      }
      return;
    }
    if (s.testEnd() != null) {
      throw new ConfigException("config key 'split.test_end' does not go with split.mode: rolling (the test period "
          + "is the last split.test of the data)");
    }
    length(s.val(), "split.val");
    length(s.test(), "split.test");
  }

  private static Frequency length(String spec, String key) {
    if (spec == null) {
      throw new ConfigException("config key '" + key + "' is required with split.mode: rolling (a length such as 6M, 90d)");
    }
    Frequency f = Frequency.parse(spec, key);
    if (!f.isRegular()) {
      throw new ConfigException("config key '" + key + "' must be a length such as 6M or 90d, got '" + spec + "'");
    }
    return f;
  }

  /** The job with its cut-offs computed from the data's latest timestamp (unchanged when fixed). */
  public static JobConfig resolve(JobConfig c, long latestMillis) {
    JobConfig.Split s = c.split();
    if (!s.rolling()) {
      return c;
    }
    Frequency grid = Frequency.parse(c.input().frequency(), "input.frequency");
    long end = grid.isRegular() ? grid.timeOf(grid.floorStep(latestMillis) + 1) : latestMillis + 1;
    long valEnd = minus(end, length(s.test(), "split.test"));
    long trainEnd = minus(valEnd, length(s.val(), "split.val"));
    return c.withSplit(new JobConfig.Split(text(trainEnd), text(valEnd), null, s.mode(), s.val(), s.test()));
  }

  /**
   * The cut-offs prepare computed, from the manifest's config (train, predict and the no-window
   * diagnosis need them; the job file has only the lengths). Unchanged when fixed or already resolved.
   */
  public static JobConfig fromManifest(JobConfig c, JsonNode manifestConfig) {
    JobConfig.Split s = c.split();
    if (!s.rolling() || s.resolved() || manifestConfig == null) {
      return c;
    }
    JsonNode split = manifestConfig.path("split");
    if (!split.path("train_end").isTextual() || !split.path("val_end").isTextual()) {
      return c;
    }
    return c.withSplit(new JobConfig.Split(split.get("train_end").asText(), split.get("val_end").asText(), null,
        s.mode(), s.val(), s.test()));
  }

  /** One line for the log: where the data ends and where each split starts. */
  public static String describe(JobConfig resolved, long latestMillis) {
    JobConfig.Split s = resolved.split();
    return "split (rolling): the data ends at " + Instant.ofEpochMilli(latestMillis) + "; test: the last " + s.test()
        + " (from " + s.valEnd() + "), val: the " + s.val() + " before it (from " + s.trainEnd() + "), train: before "
        + s.trainEnd();
  }

  private static long minus(long millis, Frequency length) {
    if (length.months() > 0) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC)
          .plusNanos(Math.floorMod(millis, 1000) * 1_000_000L);
      return t.minusMonths(length.months()).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    return millis - length.fixedMillis();
  }

  /** A date where the cut-off is midnight UTC (the usual case), else the ISO instant. */
  private static String text(long millis) {
    if (Math.floorMod(millis, 86_400_000L) == 0) {
      return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
    return Instant.ofEpochMilli(millis).toString();
  }
}
