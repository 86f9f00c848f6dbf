package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;

/**
 * The job's optional {@code registry:} section (docs/registry.md): where {@code retrain} keeps its
 * runs ({@code <location>/models/<run-id>/}) and the {@code current} pointer, and how its promotion
 * gate decides. Null keys take the defaults of the accessors below, so a job without the section
 * hashes as before.
 *
 * @param location a folder or {@code s3://bucket/prefix}; required when the section is given
 * @param metric what the gate compares on the newest test windows, lower is better (default mae)
 * @param tolerance the candidate is promoted if its score is at most {@code current * (1 + tolerance)}
 *     (default 0: not worse at all)
 * @param warmStart start the candidate from {@code current}'s weights when both have the same model
 *     spec (default true); false: the usual start (ridge fit or random)
 * @param lockMaxAgeMinutes a lock older than this is taken as left by a crash, even when its
 *     process cannot be checked (default 1440)
 * @param keepScaler prepare the candidate's shards with {@code current}'s scaler (scaler.from) instead
 *     of fitting a new one, so a warm start sees its inputs in the units it was trained in (default:
 *     as warm_start); where current's scaler does not fit the job, a new one is fitted and the run log says why
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record RegistryConfig(String location, Metric metric, Double tolerance, Boolean warmStart,
    Long lockMaxAgeMinutes, Boolean keepScaler) implements Serializable {

  public RegistryConfig(String location, Metric metric, Double tolerance, Boolean warmStart, Long lockMaxAgeMinutes) {
    this(location, metric, tolerance, warmStart, lockMaxAgeMinutes, null);
  }

  public boolean keepScalerOrDefault() {
    return keepScaler == null ? warmStartOrDefault() : keepScaler;
  }

  public Metric metricOrDefault() {
    return metric == null ? Metric.MAE : metric;
  }

  public double toleranceOrDefault() {
    return tolerance == null ? 0.0 : tolerance;
  }

  public boolean warmStartOrDefault() {
    return warmStart == null || warmStart;
  }

  public long lockMaxAgeMinutesOrDefault() {
    return lockMaxAgeMinutes == null ? 1440 : lockMaxAgeMinutes;
  }

  /** A test metric of metrics.json ({@code test.all.<key>}); lower is better for each. */
  public enum Metric {
    MAE("mae"),
    RMSE("rmse"),
    MASE("mase_seasonal_naive");

    private final String key;

    Metric(String key) {
      this.key = key;
    }

    /** Its key in the metrics map. */
    public String key() {
      return key;
    }

    @JsonValue
    public String yaml() {
      return name().toLowerCase();
    }
  }

  static void validate(RegistryConfig r) {
    if (r == null) {
      return;
    }
    if (r.location() == null || r.location().isBlank()) {
      throw new ConfigException("config key 'registry.location' is required when the registry section is given "
          + "(a folder or s3://bucket/prefix)");
    }
    if (r.tolerance() != null && !(r.tolerance() >= 0)) {
      throw new ConfigException("config key 'registry.tolerance' must be >= 0 (a fraction: 0.02 = 2% worse at most), got "
          + r.tolerance());
    }
    if (r.lockMaxAgeMinutes() != null && r.lockMaxAgeMinutes() <= 0) {
      throw new ConfigException("config key 'registry.lock_max_age_minutes' must be > 0, got " + r.lockMaxAgeMinutes());
    }
  }
}
