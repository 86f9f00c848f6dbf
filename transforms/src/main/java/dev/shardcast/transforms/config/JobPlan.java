package dev.shardcast.transforms.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed, derived view of a {@link JobConfig} that the pipeline's steps use: column order,
 * input/target column indexes, window spec, grid, split cut-offs in epoch millis.
 */
public final class JobPlan implements Serializable {
  public static final String[] SPLITS = {"train", "val", "test"};
  public static final int NO_SPLIT = -1;
  /** A window whose forecast crosses a split cut-off: in no split, counted as windows_straddling. */
  public static final int STRADDLING = -2;

  private final JobConfig config;
  private final WindowSpec window;
  private final Frequency frequency;
  private final TimestampParser timestampParser;
  private final List<String> valueColumns = new ArrayList<>();
  private final int[] inputIndex;
  private final int[] targetIndex;
  private final long trainEnd;
  private final long valEnd;
  private final long testEnd;

  public JobPlan(JobConfig config) {
    this.config = config;
    JobConfig.Windowing w = config.windowing();
    this.window = new WindowSpec(w.past(), w.future(), w.stride(), w.lead());
    this.frequency = Frequency.parse(config.input().frequency());
    this.timestampParser = new TimestampParser(config.input().timestamp().format());
    List<Integer> in = new ArrayList<>();
    List<Integer> tg = new ArrayList<>();
    for (JobConfig.Column c : config.input().columns()) {
      if (c.isInput()) {
        in.add(valueColumns.size());
      }
      if (c.isTarget()) {
        tg.add(valueColumns.size());
      }
      valueColumns.add(c.name());
    }
    this.inputIndex = in.stream().mapToInt(Integer::intValue).toArray();
    this.targetIndex = tg.stream().mapToInt(Integer::intValue).toArray();
    JobConfig.Split s = config.split();
    // A rolling split before prepare computed it (train, predict): no cut-offs, and nothing here needs them.
    this.trainEnd = s.resolved() ? ConfigValidator.cutoff(s.trainEnd(), "split.train_end") : UNRESOLVED;
    this.valEnd = s.resolved() ? ConfigValidator.cutoff(s.valEnd(), "split.val_end") : UNRESOLVED;
    this.testEnd = s.testEnd() == null ? Long.MAX_VALUE : ConfigValidator.cutoff(s.testEnd(), "split.test_end");
  }

  /** The named inputs: {@code input.sources}, or the one {@code input.path} as a source named "input". */
  public List<JobConfig.Source> sources() {
    JobConfig.Input in = config.input();
    if (in.sources() != null && !in.sources().isEmpty()) {
      List<JobConfig.Source> out = new ArrayList<>();
      for (JobConfig.Source s : in.sources()) {
        out.add(new JobConfig.Source(s.name(), s.path(), s.format() == null ? in.format() : s.format(),
            s.columns() == null ? java.util.Map.of() : s.columns(), s.units() == null ? java.util.Map.of() : s.units()));
      }
      return out;
    }
    return List.of(new JobConfig.Source(DEFAULT_SOURCE, in.path(), in.format(), java.util.Map.of(), java.util.Map.of()));
  }

  public static final String DEFAULT_SOURCE = "input";

  /** The config key of source {@code i}'s path, for messages: {@code input.path} or {@code input.sources[i].path}. */
  public String sourcePathKey(int i) {
    JobConfig.Input in = config.input();
    return in.sources() != null && !in.sources().isEmpty() ? "input.sources[" + i + "].path" : "input.path";
  }

  public JobConfig config() {
    return config;
  }

  /** Whether prepare keeps each series' last rows for the next incremental span. */
  public boolean incremental() {
    return config.incrementalEnabled();
  }

  public WindowSpec window() {
    return window;
  }

  public Frequency frequency() {
    return frequency;
  }

  public TimestampParser timestampParser() {
    return timestampParser;
  }

  public List<String> valueColumns() {
    return valueColumns;
  }

  public int[] inputIndex() {
    return inputIndex;
  }

  public int[] targetIndex() {
    return targetIndex;
  }

  public long trainEnd() {
    requireResolved();
    return trainEnd;
  }

  public long valEnd() {
    requireResolved();
    return valEnd;
  }

  public long testEnd() {
    return testEnd;
  }

  public int maxFill() {
    return config.gaps().policy() == JobConfig.GapPolicy.NONE ? 0 : config.gaps().maxFill();
  }

  public boolean fillsGaps() {
    return config.gaps().policy() != JobConfig.GapPolicy.NONE;
  }

  public long eventBucketMillis() {
    return Frequency.parse(config.input().eventBucket()).fixedMillis();
  }

  public long seed() {
    return config.shards().seed();
  }

  /**
   * The cut-offs must fall inside the data, or a split is empty by construction.
   *
   * @throws IllegalArgumentException naming the cut-off and the data's time range
   */
  public void checkCutoffs(long firstTime, long lastTime) {
    requireResolved();
    String range = " is outside the data, which runs from " + java.time.Instant.ofEpochMilli(firstTime) + " to "
        + java.time.Instant.ofEpochMilli(lastTime);
    if (trainEnd <= firstTime || trainEnd > lastTime) {
      throw new ConfigException("config key 'split.train_end' (" + config.split().trainEnd() + ")" + range);
    }
    if (valEnd > lastTime) {
      throw new ConfigException("config key 'split.val_end' (" + config.split().valEnd() + ")" + range
          + "; the test split would be empty");
    }
  }

  /**
   * The split of a window by its whole forecast (the rule of GluonTS / PyTorch Forecasting
   * backtests): train when its last forecast point is before {@code train_end}; val when its first
   * is on/after {@code train_end} and its last before {@code val_end}; test when its first is
   * on/after {@code val_end} and its last before {@code test_end} (when set). The past may reach into
   * an earlier split: that data is known at forecast time. A forecast that crosses a cut-off would
   * put later targets into an earlier split's loss (test values steering model selection), so it
   * is {@link #STRADDLING}; one that starts at or after {@code test_end} is {@link #NO_SPLIT}.
   */
  public int splitOf(long firstForecastMillis, long lastForecastMillis) {
    requireResolved();
    if (lastForecastMillis < trainEnd) {
      return 0;
    }
    if (firstForecastMillis < trainEnd) {
      return STRADDLING;
    }
    if (lastForecastMillis < valEnd) {
      return 1;
    }
    if (firstForecastMillis < valEnd) {
      return STRADDLING;
    }
    if (lastForecastMillis < testEnd) {
      return 2;
    }
    return firstForecastMillis < testEnd ? STRADDLING : NO_SPLIT;
  }

  private static final long UNRESOLVED = Long.MIN_VALUE;

  private void requireResolved() {
    if (trainEnd == UNRESOLVED) {
      throw new IllegalStateException("split.mode rolling: the cut-offs are computed by prepare (RollingSplit), not known yet");
    }
  }
}
