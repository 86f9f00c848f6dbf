package dev.shardcast.training.train;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a {@link Trainer} runs, apart from the {@code train:} config: resume, what goes into the run
 * log's run_start, split names, and the test hook that simulates a kill. Fluent setters.
 */
public final class TrainOptions {
  boolean resume;
  Long stopAfterSteps;
  boolean checkpointOnStop = true;
  JsonNode config;
  String configHash;
  String manifestHash;
  String gitCommit;
  boolean gitCommitSet;
  String trainSplit = "train";
  String valSplit = "val";
  CheckpointListener afterCheckpoint;
  java.nio.file.Path warmStart;

  /** Told after each checkpoint is on disk (with the run log and best model it refers to). */
  @FunctionalInterface
  public interface CheckpointListener {
    void written() throws java.io.IOException;
  }

  /** E.g. push the output folder to S3, so a killed run can resume elsewhere. */
  public TrainOptions afterCheckpoint(CheckpointListener listener) {
    this.afterCheckpoint = listener;
    return this;
  }

  public static TrainOptions defaults() {
    return new TrainOptions();
  }

  /** Continue from the latest checkpoint in the output folder, if there is one. */
  public TrainOptions resume(boolean resume) {
    this.resume = resume;
    return this;
  }

  /**
   * Test hook: stop as soon as the global step count reaches {@code steps}, as if the process were
   * killed there: no epoch end, no final model, no run_end. With {@code writeCheckpoint} a
   * checkpoint is written at that point (a graceful stop); without it the run relies on the last
   * periodic one (a hard kill).
   */
  public TrainOptions stopAfterSteps(long steps, boolean writeCheckpoint) {
    this.stopAfterSteps = steps;
    this.checkpointOnStop = writeCheckpoint;
    return this;
  }

  /** The whole resolved job config for run_start (default: the train section alone). */
  public TrainOptions config(JsonNode config) {
    this.config = config;
    return this;
  }

  /** Job config hash (ConfigLoader.hash); logged and stored in checkpoints. */
  public TrainOptions configHash(String configHash) {
    this.configHash = configHash;
    return this;
  }

  /** The shards' manifest config_hash (or a hash of the manifest); logged. */
  public TrainOptions manifestHash(String manifestHash) {
    this.manifestHash = manifestHash;
    return this;
  }

  /** The code's commit; default: SHARDCAST_GIT_COMMIT or {@code git rev-parse HEAD}. */
  public TrainOptions gitCommit(String gitCommit) {
    this.gitCommit = gitCommit;
    this.gitCommitSet = true;
    return this;
  }

  /** Start from the weights of this model folder where the spec is the same (the registry's current model). */
  public TrainOptions warmStart(java.nio.file.Path modelDir) {
    this.warmStart = modelDir;
    return this;
  }

  public java.nio.file.Path warmStart() {
    return warmStart;
  }

  public TrainOptions splits(String train, String val) {
    this.trainSplit = train;
    this.valSplit = val;
    return this;
  }
}
