package dev.shardcast.transforms.beam;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam counters a running prepare job is followed by: rows read, windows made, shard files
 * written. They exist for progress lines only (the manifest's counts come from the pipeline's own
 * side outputs, exact on every runner); each runner reports them while the job runs.
 */
public final class ProgressCounters {
  public static final String NAMESPACE = "shardcast";
  /** Data rows read from the input files, good and quarantined. */
  public static final String ROWS_READ = "rows_read";
  /** Windows placed in the train, val or test split. */
  public static final String WINDOWS = "windows";
  /** Shard files written. */
  public static final String SHARDS = "shards_written";

  private ProgressCounters() {}

  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }
}
