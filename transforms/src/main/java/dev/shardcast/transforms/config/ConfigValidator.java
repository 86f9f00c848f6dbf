package dev.shardcast.transforms.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Required fields and impossible values; each failure names the key and what is allowed. */
final class ConfigValidator {
  private ConfigValidator() {}

  static void validate(JobConfig c) {
    if (c.s3() != null && c.s3().endpoint() != null && !c.s3().endpoint().isBlank()) {
      String e = c.s3().endpoint();
      java.net.URI uri;
      try {
        uri = java.net.URI.create(e);
      } catch (IllegalArgumentException bad) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new ConfigException("config key 's3.endpoint' must be an http(s) URL such as http://127.0.0.1:9000, got '"
            + Redaction.text(e) + "'");
      }
      if (uri.getRawUserInfo() != null || Redaction.hasSecret(e)) {
        throw new ConfigException("config key 's3.endpoint' (" + Redaction.text(e) + ") holds credentials: shardcast "
            + "takes them only from the AWS default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a "
            + "role), never from a job file; remove them from the URL");
      }
    }
    if (c.s3() != null && c.s3().retry() != null) {
      retry(c.s3().retry());
    }
    JobConfig.Input in = require(c.input(), "input");
    if (in.sources() == null || in.sources().isEmpty()) {
      require(in.path(), "input.path");
    } else if (in.path() != null) {
      throw new ConfigException("config keys 'input.path' and 'input.sources' exclude each other: "
          + "with several sources, each names its own path");
    }
    require(in.format(), "input.format");
    List<String> keys = require(in.seriesKey(), "input.series_key");
    if (keys.isEmpty()) {
      throw new ConfigException("config key 'input.series_key' must name at least one column");
    }
    QualityValidator.validate(c);
    JobConfig.Timestamp ts = require(in.timestamp(), "input.timestamp");
    require(ts.column(), "input.timestamp.column");
    new TimestampParser(require(ts.format(), "input.timestamp.format"));
    Frequency frequency = Frequency.parse(require(in.frequency(), "input.frequency"));
    if (!frequency.isRegular() && require(in.duplicates(), "input.duplicates") != JobConfig.DuplicatePolicy.QUARANTINE) {
      throw new ConfigException("config key 'input.duplicates' (" + in.duplicates().yaml() + ") applies to regular grids; "
          + "with input.frequency none, events that share a timestamp are all kept, ordered by file and line");
    }
    positive(require(in.chunkPoints(), "input.chunk_points"), "input.chunk_points");
    if (Frequency.parse(require(in.eventBucket(), "input.event_bucket"), "input.event_bucket").fixedMillis() <= 0) {
      throw new ConfigException("config key 'input.event_bucket' must be a fixed duration such as 6h or 1d, got '"
          + in.eventBucket() + "'");
    }
    List<JobConfig.Column> columns = require(in.columns(), "input.columns");
    if (columns.isEmpty()) {
      throw new ConfigException("config key 'input.columns' must list at least one value column");
    }
    Set<String> names = new HashSet<>(keys);
    if (!names.add(ts.column())) {
      throw new ConfigException("config key 'input.timestamp.column': '" + ts.column() + "' is also a series key column");
    }
    boolean anyTarget = false;
    boolean anyInput = false;
    for (int i = 0; i < columns.size(); i++) {
      JobConfig.Column col = columns.get(i);
      String key = "input.columns[" + i + "]";
      require(col.name(), key + ".name");
      require(col.type(), key + ".type");
      if (!names.add(col.name())) {
        throw new ConfigException("config key '" + key + ".name': column '" + col.name() + "' is listed twice (or is a key/timestamp column)");
      }
      anyTarget |= col.isTarget();
      anyInput |= col.isInput();
    }
    if (!anyTarget) {
      throw new ConfigException("config key 'input.columns': mark at least one column 'target: true'");
    }
    if (!anyInput) {
      throw new ConfigException("config key 'input.columns': at least one column must be an input (input: true)");
    }

    JobConfig.Windowing w = require(c.windowing(), "windowing");
    positive(require(w.past(), "windowing.past"), "windowing.past");
    positive(require(w.future(), "windowing.future"), "windowing.future");
    positive(require(w.stride(), "windowing.stride"), "windowing.stride");
    if (require(w.lead(), "windowing.lead") < 0) {
      throw new ConfigException("config key 'windowing.lead' must be >= 0, got " + w.lead());
    }
    TimeFeature.check(w.timeFeatures(), frequency);

    JobConfig.Gaps g = require(c.gaps(), "gaps");
    require(g.policy(), "gaps.policy");
    int maxFill = require(g.maxFill(), "gaps.max_fill");
    if (maxFill < 0) {
      throw new ConfigException("config key 'gaps.max_fill' must be >= 0, got " + maxFill);
    }
    if (g.policy() != JobConfig.GapPolicy.NONE && maxFill == 0) {
      throw new ConfigException("config key 'gaps.max_fill' must be >= 1 when gaps.policy is " + g.policy().yaml());
    }

    JobConfig.Split s = require(c.split(), "split");
    RollingSplit.check(s, frequency);
    if (s.rolling() && !s.resolved()) {
      // prepare computes the cut-offs from the data; train and predict read them from the manifest
    } else {
      checkCutoffs(s);
    }


    JobConfig.Scaler sc = require(c.scaler(), "scaler");
    require(sc.type(), "scaler.type");
    require(sc.scope(), "scaler.scope");
    positive(require(sc.sampleSize(), "scaler.sample_size"), "scaler.sample_size");

    JobConfig.Shards sh = require(c.shards(), "shards");
    positive(require(sh.batchSize(), "shards.batch_size"), "shards.batch_size");
    require(sh.seed(), "shards.seed");
    OutputRoot.check("shards.output", require(sh.output(), "shards.output"));
    require(sh.layout(), "shards.layout");
    positive(require(sh.segmentWindows(), "shards.segment_windows"), "shards.segment_windows");
    positive(require(sh.shuffleBuffer(), "shards.shuffle_buffer"), "shards.shuffle_buffer");

    validateTrain(require(c.train(), "train"));
    RegistryConfig.validate(c.registry());
    IncrementalConfig.validate(c);

    JobConfig.Runner r = require(c.runner(), "runner");
    require(r.name(), "runner.name");
    positive(require(r.parallelism(), "runner.parallelism"), "runner.parallelism");
    if (require(r.flinkRestartAttempts(), "runner.flink_restart_attempts") < 0) {
      throw new ConfigException("config key 'runner.flink_restart_attempts' must be >= 0 (0: no restart), got "
          + r.flinkRestartAttempts());
    }
    checkRestartDelay(r);
  }

  private static void checkRestartDelay(JobConfig.Runner r) {
    require(r.flinkRestartDelay(), "runner.flink_restart_delay");
    if (r.flinkRestartDelayMillis() <= 0) {
      throw new ConfigException("config key 'runner.flink_restart_delay' must be a fixed duration such as 500ms, 10s"
          + " or 1min, got '" + r.flinkRestartDelay() + "'");
    }
  }

  private static void validateTrain(JobConfig.Train t) {
    require(t.device(), "train.device");
    OutputRoot.check("train.output", t.output());
    JobConfig.Model m = require(t.model(), "train.model");
    require(m.type(), "train.model.type");
    for (Integer h : require(m.hidden(), "train.model.hidden")) {
      positive(require(h, "train.model.hidden[]"), "train.model.hidden[]");
    }
    double dropout = require(m.dropout(), "train.model.dropout");
    if (dropout < 0 || dropout >= 1) {
      throw new ConfigException("config key 'train.model.dropout' must be in [0, 1), got " + dropout);
    }
    positive(require(m.lstmHidden(), "train.model.lstm_hidden"), "train.model.lstm_hidden");
    positive(require(m.lstmLayers(), "train.model.lstm_layers"), "train.model.lstm_layers");
    positive(require(t.epochs(), "train.epochs"), "train.epochs");
    require(t.loss(), "train.loss");
    QuantileLevels.validate(t.loss(), t.quantiles());
    if (t.replayFraction() != null && !(t.replayFraction() >= 0 && t.replayFraction() <= 1)) {
      throw new ConfigException("config key 'train.replay_fraction' must be between 0 and 1 (the share of the older "
          + "spans' train shards to train on besides the newest span's), got " + t.replayFraction());
    }
    JobConfig.Optimizer o = require(t.optimizer(), "train.optimizer");
    require(o.type(), "train.optimizer.type");
    if (!(require(o.learningRate(), "train.optimizer.learning_rate") > 0)) {
      throw new ConfigException("config key 'train.optimizer.learning_rate' must be > 0, got " + o.learningRate());
    }
    double momentum = require(o.momentum(), "train.optimizer.momentum");
    if (momentum < 0 || momentum >= 1) {
      throw new ConfigException("config key 'train.optimizer.momentum' must be in [0, 1), got " + momentum);
    }
    if (require(o.weightDecay(), "train.optimizer.weight_decay") < 0) {
      throw new ConfigException("config key 'train.optimizer.weight_decay' must be >= 0, got " + o.weightDecay());
    }
    if (require(t.gradClip(), "train.grad_clip") < 0) {
      throw new ConfigException("config key 'train.grad_clip' must be >= 0 (0 = off), got " + t.gradClip());
    }
    JobConfig.EarlyStopping es = require(t.earlyStopping(), "train.early_stopping");
    positive(require(es.patience(), "train.early_stopping.patience"), "train.early_stopping.patience");
    if (require(es.minDelta(), "train.early_stopping.min_delta") < 0) {
      throw new ConfigException("config key 'train.early_stopping.min_delta' must be >= 0, got " + es.minDelta());
    }
    positive(require(t.checkpointEvery(), "train.checkpoint_every"), "train.checkpoint_every");
    positive(require(t.prefetch(), "train.prefetch"), "train.prefetch");
    positive(require(t.season(), "train.season"), "train.season");
    require(t.seed(), "train.seed");
  }

  private static void checkCutoffs(JobConfig.Split s) {
    long train = cutoff(require(s.trainEnd(), "split.train_end"), "split.train_end");
    long val = cutoff(require(s.valEnd(), "split.val_end"), "split.val_end");
    if (val <= train) {
      throw new ConfigException("config key 'split.val_end' (" + s.valEnd() + ") must be after split.train_end (" + s.trainEnd() + ")");
    }
    if (s.testEnd() != null && cutoff(s.testEnd(), "split.test_end") <= val) {
      throw new ConfigException("config key 'split.test_end' (" + s.testEnd() + ") must be after split.val_end (" + s.valEnd() + ")");
    }
  }

  /** Bounds that keep one request's retries within minutes: a job should fail, not hang, when S3 stays down. */
  private static void retry(JobConfig.Retry r) {
    within(r.maxAttempts(), 1, 100, "s3.retry.max_attempts");
    within(r.baseDelayMs(), 1, 60_000, "s3.retry.base_delay_ms");
    within(r.maxDelayMs(), 1, 300_000, "s3.retry.max_delay_ms");
    JobConfig.Retry policy = new JobConfig.S3(null, null, false, r).retryPolicy();
    if (policy.maxDelayMs() < policy.baseDelayMs()) {
      throw new ConfigException("config key 's3.retry.max_delay_ms' (" + policy.maxDelayMs()
          + ") must be >= s3.retry.base_delay_ms (" + policy.baseDelayMs() + ")");
    }
  }

  private static void within(Integer value, int min, int max, String key) {
    if (value != null && (value < min || value > max)) {
      throw new ConfigException("config key '" + key + "' must be in [" + min + ", " + max + "], got " + value);
    }
  }

  static long cutoff(String text, String key) {
    try {
      return TimestampParser.parseIso(text);
    } catch (RuntimeException e) {
      throw new ConfigException("config key '" + key + "' must be an ISO date or date-time such as 2012-01-01, got '" + text + "'");
    }
  }

  private static <T> T require(T value, String key) {
    if (value == null) {
      throw new ConfigException("config key '" + key + "' is required");
    }
    return value;
  }

  private static void positive(Number value, String key) {
    if (value != null && value.longValue() <= 0) {
      throw new ConfigException("config key '" + key + "' must be > 0, got " + value);
    }
  }
}
