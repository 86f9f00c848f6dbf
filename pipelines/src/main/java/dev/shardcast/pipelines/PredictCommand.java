package dev.shardcast.pipelines;

import dev.shardcast.training.TrainJob;
import dev.shardcast.training.predict.LatestWindows;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardcast predict job.yaml --input recent.csv}: forecasts in original units. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Forecast the next points of each series in raw recent data with the job's trained model.")
public final class PredictCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--input", paramLabel = "PATH",
      description = "raw data (file or glob, same format as input.path, or as the first of input.sources); default: the job's input")
  String input;

  @Option(names = "--model", paramLabel = "DIR", description = "model folder (path or s3://); default: the registry's current model if the job has a registry: "
          + "section and something was promoted, else the job's best model")
  String model;

  @Option(names = "--output", paramLabel = "FILE",
      description = "forecast file (path or s3://), CSV or (name ending in .parquet) Parquet; default: <model output>/predictions.csv")
  String output;

  /**
   * The job reading {@code path} instead of its input: for a job with several sources, as its first
   * source (that source's column names and units apply to the serving data).
   */
  static JobConfig withInput(JobConfig c, String path) {
    JobConfig.Input in = c.input();
    JobConfig.Input serving;
    if (in.sources() != null && !in.sources().isEmpty()) {
      JobConfig.Source first = in.sources().get(0);
      serving = new JobConfig.Input(null, in.format(), in.seriesKey(), in.timestamp(), in.frequency(), in.columns(),
          in.chunkPoints(), in.eventBucket(), in.sampleSeries(),
          java.util.List.of(new JobConfig.Source(first.name(), path, first.format(), first.columns(), first.units())),
          in.duplicates());
    } else {
      serving = new JobConfig.Input(path, in.format(), in.seriesKey(), in.timestamp(), in.frequency(), in.columns(),
          in.chunkPoints(), in.eventBucket(), in.sampleSeries(), in.sources(), in.duplicates());
    }
    return c.withInput(serving);
  }

  /** With a registry, the model {@code current} points at; else (or before any promotion) the job's best model. */
  static String servedModel(JobConfig config, String trainOutput) throws java.io.IOException {
    var registry = dev.shardcast.training.registry.ModelRegistry.of(config);
    var current = registry == null ? null : registry.current();
    if (current == null) {
      if (registry != null) {
        System.err.println("note: the registry " + registry.location() + " has no current model yet; predicting with "
            + trainOutput + "/best");
      }
      return trainOutput + "/best";
    }
    System.err.println("note: predicting with the registry's current model, run " + current.runId());
    return registry.modelLocation(current.runId());
  }

  @Override
  public Integer call() throws Exception {
    JobConfig config = job.load();
    if (input != null) {
      // Checked here too, so the message names the option the user gave rather than the job's input key.
      if (!dev.shardcast.transforms.config.InputPaths.isLocal(input)) {
        dev.shardcast.transforms.store.BeamFileSystems.configure(config);
      }
      dev.shardcast.transforms.config.InputPaths.match("--input", input);
      config = withInput(config, input);
    }
    JobConfig.S3 s3 = dev.shardcast.transforms.store.S3Clients.settings(config);
    String base = TrainJob.outputLocation(config);
    String modelAt = model != null ? model : servedModel(config, base);
    String outAt = output != null ? output : base + "/predictions.csv";
    Path modelDir = dev.shardcast.training.io.Locations.fetchFolder(modelAt, s3);
    Path out = dev.shardcast.training.io.Locations.localFor(outAt);
    PredictJob.Outcome o = PredictJob.run(config, modelDir, out);
    dev.shardcast.training.io.Locations.publish(out, outAt, s3);
    System.out.printf("%nshardcast predict: %d series forecast (%d rows) -> %s%n", o.series(), o.forecasts(), outAt);
    if (o.quarantined() > 0) {
      System.out.printf("  %d input rows quarantined -> %s.quarantine.jsonl%n", o.quarantined(), outAt);
    }
    if (o.quality() != null) {
      System.out.printf("  input quality: %s (training rules re-applied; skew vs training in %s.%s)%n",
          o.quality().verdict(), outAt, dev.shardcast.transforms.quality.QualityReport.HTML_FILE_NAME);
    }
    for (LatestWindows.Skipped s : o.skipped()) {
      System.out.printf("  skipped %s: %s%n", s.series(), s.reason());
    }
    return 0;
  }
}
