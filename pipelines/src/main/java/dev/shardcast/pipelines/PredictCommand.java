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

  @Option(names = "--input", paramLabel = "PATH", description = "raw data (file or glob, same format as input.path); default: input.path")
  String input;

  @Option(names = "--model", paramLabel = "DIR", description = "model folder; default: the job's best model")
  Path model;

  @Option(names = "--output", paramLabel = "FILE",
      description = "forecast file, CSV or (name ending in .parquet) Parquet; default: <model output>/predictions.csv")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (input != null) {
      job.overrides.add("input.path=" + input);
    }
    JobConfig config = job.load();
    Path modelDir = model != null ? model : TrainJob.outputDir(config).resolve("best");
    Path out = output != null ? output : TrainJob.outputDir(config).resolve("predictions.csv");
    PredictJob.Outcome o = PredictJob.run(config, modelDir, out);
    System.out.printf("%nshardcast predict: %d series forecast (%d rows) -> %s%n", o.series(), o.forecasts(), o.output());
    if (o.quarantined() > 0) {
      System.out.printf("  %d input rows quarantined -> %s.quarantine.jsonl%n", o.quarantined(), o.output());
    }
    if (o.quality() != null) {
      System.out.printf("  input quality: %s (training rules re-applied; skew vs training in %s.%s)%n",
          o.quality().verdict(), o.output(), dev.shardcast.transforms.quality.QualityReport.HTML_FILE_NAME);
    }
    for (LatestWindows.Skipped s : o.skipped()) {
      System.out.printf("  skipped %s: %s%n", s.series(), s.reason());
    }
    return 0;
  }
}
