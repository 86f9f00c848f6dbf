package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.TrainChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job file and config overrides every command takes (a picocli mixin). */
public final class JobOptions {
  @Parameters(index = "0", paramLabel = "JOB_YAML", description = "the job file")
  Path jobFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key, e.g. --set windowing.past=24 --set train.epochs=5")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--sample", paramLabel = "N",
      description = "smoke mode: only the first N series (in key order), to check a job end to end in seconds")
  Integer sample;

  JobConfig load() {
    List<String> all = new ArrayList<>(overrides);
    if (sample != null) {
      all.add("input.sample_series=" + sample);
    }
    return PrepareJob.load(jobFile, all);
  }

  /** For the commands that train: also the train cross-checks, before any shard is prepared. */
  JobConfig loadForTraining() {
    JobConfig config = load();
    TrainChecks.check(config);
    return config;
  }
}
