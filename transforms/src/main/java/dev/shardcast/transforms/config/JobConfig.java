package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.List;

/**
 * One prepare job, as written in its YAML file (snake_case keys) after defaults and overrides are
 * applied. {@link ConfigLoader} binds and validates it; everything downstream reads only this.
 */
public record JobConfig(
    String name,
    Input input,
    Windowing windowing,
    Gaps gaps,
    Split split,
    Scaler scaler,
    Shards shards,
    Runner runner,
    Train train,
    QualityConfig quality,
    S3 s3,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    RegistryConfig registry,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    IncrementalConfig incremental)
    implements Serializable {

  @com.fasterxml.jackson.annotation.JsonCreator
  public JobConfig {}

  /** Without a registry section. */
  public JobConfig(String name, Input input, Windowing windowing, Gaps gaps, Split split, Scaler scaler, Shards shards,
      Runner runner, Train train, QualityConfig quality, S3 s3) {
    this(name, input, windowing, gaps, split, scaler, shards, runner, train, quality, s3, null, null);
  }

  /** The same job with other quality rules (predict applies the training run's). */
  public JobConfig withQuality(QualityConfig q) {
    return new JobConfig(name, input, windowing, gaps, split, scaler, shards, runner, train, q, s3, registry, incremental);
  }

  public boolean incrementalEnabled() {
    return incremental != null && incremental.enabledOrDefault();
  }

  /** The same job on another runner (runner.name: auto, once decided). */
  public JobConfig withRunner(Runner r) {
    return new JobConfig(name, input, windowing, gaps, split, scaler, shards, r, train, quality, s3, registry, incremental);
  }

  /** The same job with another windowing section (the default calendar features, once resolved). */
  public JobConfig withWindowing(Windowing w) {
    return new JobConfig(name, input, w, gaps, split, scaler, shards, runner, train, quality, s3, registry, incremental);
  }

  /** The same job with another input section (predict's --input). */
  public JobConfig withInput(Input in) {
    return new JobConfig(name, in, windowing, gaps, split, scaler, shards, runner, train, quality, s3, registry, incremental);
  }

  /**
   * How to reach {@code s3://} locations. Credentials never come from here: only from the AWS
   * default provider chain (environment, profile, instance role).
   *
   * @param region the bucket's region; null: {@code AWS_REGION} / the profile
   * @param endpoint an S3-compatible server's URL; null: {@code AWS_ENDPOINT_URL_S3} /
   *     {@code AWS_ENDPOINT_URL}, else AWS
   * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}, as
   *     most S3-compatible servers want
   * @param retry how each S3 request is retried; null: {@link Retry#DEFAULT}. Left out of the
   *     resolved config when not set, so a job without it hashes as before the key existed (a
   *     retry policy does not change what a run writes)
   */
  public record S3(String region, String endpoint, Boolean pathStyle,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      Retry retry) implements Serializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public S3 {}

    /** With the default retry policy. */
    public S3(String region, String endpoint, Boolean pathStyle) {
      this(region, endpoint, pathStyle, null);
    }

    public boolean isPathStyle() {
      return pathStyle != null && pathStyle;
    }

    /** The retry policy in force: the job's keys, each unset one from {@link Retry#DEFAULT}. */
    public Retry retryPolicy() {
      return retry == null ? Retry.DEFAULT : retry.orDefaults();
    }
  }

  /**
   * Retries of one S3 request (a network error, an HTTP 5xx, throttling) with exponential backoff:
   * the k-th retry waits between half and all of {@code min(baseDelayMs * 2^(k-1), maxDelayMs)}.
   *
   * @param maxAttempts tries per request, the first included (1: no retry)
   * @param baseDelayMs the first backoff's upper bound
   * @param maxDelayMs the cap of one backoff
   */
  public record Retry(Integer maxAttempts, Integer baseDelayMs, Integer maxDelayMs) implements Serializable {
    /**
     * 10 attempts, 200 ms doubling up to 10 s: a request rides out an outage of about 20 to 40 s
     * (a server restart, a network blip) before the job fails. The AWS SDK's own default (3 attempts
     * within about a second) suits interactive calls, not a batch job that has written half its shards.
     */
    public static final Retry DEFAULT = new Retry(10, 200, 10_000);

    Retry orDefaults() {
      return new Retry(maxAttempts != null ? maxAttempts : DEFAULT.maxAttempts,
          baseDelayMs != null ? baseDelayMs : DEFAULT.baseDelayMs, maxDelayMs != null ? maxDelayMs : DEFAULT.maxDelayMs);
    }
  }

  public record Input(
      String path,
      Format format,
      List<String> seriesKey,
      Timestamp timestamp,
      String frequency,
      List<Column> columns,
      Long chunkPoints,
      String eventBucket,
      Integer sampleSeries,
      List<Source> sources,
      DuplicatePolicy duplicates)
      implements Serializable {}

  /**
   * One of several inputs merged into one data set (the Unified checks). {@code columns} maps a
   * data-set column name to this source's own column name; {@code units} gives the unit this source
   * records a column in, converted to the column's declared {@code quality.columns.<c>.unit}.
   */
  public record Source(String name, String path, Format format, java.util.Map<String, String> columns,
      java.util.Map<String, String> units)
      implements Serializable {}

  public record Timestamp(String column, String format) implements Serializable {}

  public record Column(String name, ValueType type, Boolean input, Boolean target)
      implements Serializable {
    public boolean isInput() {
      return input == null || input;
    }

    public boolean isTarget() {
      return target != null && target;
    }
  }

  /**
   * @param timeFeatures calendar features (sin/cos of each point's UTC month, weekday, hour or day of
   *     the year); absent: {@link TimeFeature#defaults}, resolved at load ({@link ConfigLoader}); an
   *     empty list: none. Where neither the key nor a default applies (null after load), the config,
   *     its hash and the manifest are as before the key existed
   */
  public record Windowing(Integer past, Integer future, Integer stride, Integer lead,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      List<TimeFeature> timeFeatures) implements Serializable {
    public Windowing(Integer past, Integer future, Integer stride, Integer lead) {
      this(past, future, stride, lead, null);
    }

    /** The same windows with these calendar features. */
    public Windowing withTimeFeatures(List<TimeFeature> features) {
      return new Windowing(past, future, stride, lead, features);
    }

    /** The features, never null. */
    public List<TimeFeature> features() {
      return timeFeatures == null ? List.of() : timeFeatures;
    }
  }

  public record Gaps(GapPolicy policy, Integer maxFill) implements Serializable {}

  /**
   * @param mode fixed (null): the cut-offs as written; rolling: {@code train_end} and {@code val_end}
   *     computed from the data's latest timestamp at prepare ({@link RollingSplit}): the last
   *     {@code test} of the data is test, the {@code val} before it val, the rest train
   * @param val rolling: the val period's length (a count and a unit, as input.frequency: 6M, 90d)
   * @param test rolling: the test period's length
   */
  public record Split(String trainEnd, String valEnd, String testEnd,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      SplitMode mode,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String val,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String test) implements Serializable {
    public Split(String trainEnd, String valEnd, String testEnd) {
      this(trainEnd, valEnd, testEnd, null, null, null);
    }

    public boolean rolling() {
      return mode == SplitMode.ROLLING;
    }

    /** Cut-offs known: fixed, or rolling once prepare computed them. */
    public boolean resolved() {
      return trainEnd != null && valEnd != null;
    }
  }

  public enum SplitMode {
    FIXED,
    ROLLING;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /** The same job with another split section (rolling cut-offs, once computed). */
  public JobConfig withSplit(Split s) {
    return new JobConfig(name, input, windowing, gaps, s, scaler, shards, runner, train, quality, s3, registry, incremental);
  }

  /**
   * @param from null: fit the scaler on a sample of the train split; else a manifest.json, or a
   *     folder holding one (a shards folder, a model's best/), whose scaler is used as it is
   *     (core/GivenScaler; retrain's registry.keep_scaler sets it to current's)
   */
  public record Scaler(ScalerKind type, Integer sampleSize, ScalerScope scope,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      String from)
      implements Serializable {
    public Scaler(ScalerKind type, Integer sampleSize, ScalerScope scope) {
      this(type, sampleSize, scope, null);
    }
  }

  /**
   * @param layout windows: one row per window (past and future materialised); compact: each file holds
   *     the series segments its windows need plus window offsets, the reader gathers the windows
   * @param segmentWindows compact: at most this many consecutive windows share one stored segment
   * @param shuffleBuffer compact: the reader pools this many files and shuffles their windows
   */
  public record Shards(Integer batchSize, Long seed, String output, Layout layout, Integer segmentWindows,
      Integer shuffleBuffer) implements Serializable {
    public Shards(Integer batchSize, Long seed, String output) {
      this(batchSize, seed, output, Layout.WINDOWS, 64, 8);
    }
  }

  /** How windows are stored in shard files (docs/shard-format.md). */
  public enum Layout {
    WINDOWS,
    COMPACT;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /**
   * @param flinkRestartAttempts a standing Flink cluster (host:port, or flink run's) restarts a
   *     failed job this many times before it fails (a lost TaskManager, not an error in the data)
   * @param flinkRestartDelay how long Flink waits before each of those restarts (a fixed duration)
   */
  public record Runner(RunnerName name, String flinkMaster, Integer parallelism, Integer flinkRestartAttempts,
      String flinkRestartDelay) implements Serializable {
    /** This runner with another name and master (runner.name: auto, once decided). */
    public Runner with(RunnerName n, String master) {
      return new Runner(n, master, parallelism, flinkRestartAttempts, flinkRestartDelay);
    }

    /** runner.flink_restart_delay in milliseconds (checked on load: a fixed duration). */
    public long flinkRestartDelayMillis() {
      return Frequency.parse(flinkRestartDelay, "runner.flink_restart_delay").fixedMillis();
    }
  }

  /**
   * The train stage (module training/); prepare ignores it.
   *
   * @param quantiles loss quantile only: the quantile levels the model forecasts; null there means
   *     {@link #DEFAULT_QUANTILES}; must stay null with another loss (ConfigValidator)
   */
  public record Train(
      Device device,
      Model model,
      Integer epochs,
      LossType loss,
      Optimizer optimizer,
      Double gradClip,
      EarlyStopping earlyStopping,
      Integer checkpointEvery,
      Integer prefetch,
      Integer season,
      Long seed,
      String output,
      // omitted when null, so a point forecaster's config hash is what it was before the key existed
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      List<Double> quantiles,
      // an incremental output: the share of the older spans' train shards trained on besides the newest
      // span's (null: all of them); omitted when null, like quantiles
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      Double replayFraction)
      implements Serializable {
    public static final List<Double> DEFAULT_QUANTILES = List.of(0.1, 0.5, 0.9);

    public Train(Device device, Model model, Integer epochs, LossType loss, Optimizer optimizer, Double gradClip,
        EarlyStopping earlyStopping, Integer checkpointEvery, Integer prefetch, Integer season, Long seed,
        String output, List<Double> quantiles) {
      this(device, model, epochs, loss, optimizer, gradClip, earlyStopping, checkpointEvery, prefetch, season, seed,
          output, quantiles, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public Train {
      if (loss == LossType.QUANTILE && quantiles == null) {
        quantiles = DEFAULT_QUANTILES;
      }
    }

    /** A point forecaster's (no quantiles). */
    public Train(Device device, Model model, Integer epochs, LossType loss, Optimizer optimizer, Double gradClip,
        EarlyStopping earlyStopping, Integer checkpointEvery, Integer prefetch, Integer season, Long seed,
        String output) {
      this(device, model, epochs, loss, optimizer, gradClip, earlyStopping, checkpointEvery, prefetch, season, seed,
          output, null);
    }
  }

  /**
   * @param residual mlp, lstm: add a linear map of the past target window to the network's output
   *     (TiDE-style), so the deep model starts from a linear forecaster; null: off
   * @param windowScale mlp, lstm: the centred window is also divided by its own standard deviation
   *     (per channel), and the core's output multiplied by the target's (RevIN-style); null: off
   */
  public record Model(ModelType type, List<Integer> hidden, Double dropout, Integer lstmHidden, Integer lstmLayers,
      Baseline baseline, List<String> inputs, Boolean residual, Boolean windowScale)
      implements Serializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Model {}

    /** Without the residual path and the window scaling (null). */
    public Model(ModelType type, List<Integer> hidden, Double dropout, Integer lstmHidden, Integer lstmLayers,
        Baseline baseline, List<String> inputs) {
      this(type, hidden, dropout, lstmHidden, lstmLayers, baseline, inputs, null, null);
    }

    /** Without the window scaling (null). */
    public Model(ModelType type, List<Integer> hidden, Double dropout, Integer lstmHidden, Integer lstmLayers,
        Baseline baseline, List<String> inputs, Boolean residual) {
      this(type, hidden, dropout, lstmHidden, lstmLayers, baseline, inputs, residual, null);
    }

    public Model withType(ModelType t) {
      return new Model(t, hidden, dropout, lstmHidden, lstmLayers, baseline, inputs, residual, windowScale);
    }
  }

  public record Optimizer(OptimizerType type, Double learningRate, Double momentum, Double weightDecay)
      implements Serializable {}

  public record EarlyStopping(Integer patience, Double minDelta) implements Serializable {}

  public enum Device {
    AUTO,
    CPU,
    GPU;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /**
   * auto: train linear, mlp and lstm on the same shards and keep their mean forecast unless one of them
   * beats it on val by more than a standard error; ensemble: train the three, keep their mean.
   */
  public enum ModelType {
    MLP,
    LSTM,
    LINEAR,
    AUTO,
    ENSEMBLE;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /** What the model's forecast is built on (see WindowNormBlock). */
  public enum Baseline {
    NONE,
    MEAN,
    SEASONAL;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /** quantile: the pinball loss, averaged over train.quantiles (a probabilistic forecast). */
  public enum LossType {
    MSE,
    MAE,
    QUANTILE;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  public enum OptimizerType {
    ADAM,
    SGD;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /** Lower-case names in YAML; Jackson lists them in its error when a value is not one of them. */
  public enum Format {
    CSV,
    PARQUET;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  public enum ValueType {
    DOUBLE,
    FLOAT,
    INT,
    LONG;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  public enum GapPolicy {
    NONE,
    FFILL,
    ZERO;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /**
   * Several rows of one series at one step of a regular grid, from one source: quarantine them all
   * (which one is right cannot be known), or fold them into one row: the first or last by (source
   * file, line), or the column-wise mean or sum of their non-empty cells.
   */
  public enum DuplicatePolicy {
    QUARANTINE,
    FIRST,
    LAST,
    MEAN,
    SUM;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  public enum ScalerKind {
    STANDARD,
    MINMAX,
    ROBUST,
    NONE;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  public enum ScalerScope {
    GLOBAL,
    PER_SERIES;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  /** auto: Direct for small inputs, the embedded Flink above a size (decided at start, logged with the reason). */
  public enum RunnerName {
    AUTO,
    DIRECT,
    FLINK;

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }
}
