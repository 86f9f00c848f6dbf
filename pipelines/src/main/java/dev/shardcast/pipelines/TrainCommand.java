package dev.shardcast.pipelines;

import dev.shardcast.training.TrainJob;
import dev.shardcast.training.eval.MetricText;
import dev.shardcast.transforms.config.JobConfig;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardcast train job.yaml [--resume]}: trains on the shards prepare wrote. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a DJL (PyTorch) model on the job's shards, evaluate it on the test split.")
public final class TrainCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--resume", description = "continue from the latest checkpoint of this job's model folder")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    JobConfig config = job.loadForTraining();
    TrainJob.Outcome o = TrainJob.run(config, resume, dev.shardcast.transforms.config.GitCommit.current());
    System.out.println(summary(o));
    return 0;
  }

  @SuppressWarnings("unchecked")
  static String summary(TrainJob.Outcome o) {
    Map<String, Object> test = (Map<String, Object>) o.testMetrics().get("test");
    Map<String, Object> all = (Map<String, Object>) test.get("all");
    StringBuilder sb = new StringBuilder("\nshardcast train: ");
    if (o.testMetrics().get("members") instanceof java.util.List<?> members) {
      sb.append("the ensemble: the mean of ").append(members).append(", each trained on its own (below), on ")
          .append(o.result().device()).append('\n');
    } else {
      sb.append(o.result().epochs().size()).append(" epochs").append(o.result().earlyStopped() ? " (early stop)" : "")
          .append(o.result().bestEpoch() < 0 ? ", best: the starting point (the ridge fit; no epoch beat it on val)"
              : ", best epoch " + o.result().bestEpoch()).append(" on ").append(o.result().device()).append('\n');
    }
    if (((Number) test.get("windows")).longValue() == 0) {
      sb.append("  test: n/a (no test windows)\n");
    } else {
      Object excluded = test.get("points_excluded_filled");
      String observed = excluded instanceof Number n && n.longValue() > 0
          ? String.format(Locale.ROOT, ", %,d observed points; %,d filled ones not scored", ((Number) all.get("points")).longValue(),
              n.longValue())
          : "";
      sb.append(String.format(Locale.ROOT, "  test (%s windows%s, original units): MAE %s  RMSE %s%n", test.get("windows"),
          observed, MetricText.of(all.get("mae"), "%.4g"), MetricText.of(all.get("rmse"), "%.4g")));
      sb.append(String.format(Locale.ROOT, "  MASE vs seasonal-naive (season %s): %s   MASE vs last-value: %s%n",
          all.get("season"), MetricText.of(all.get("mase_seasonal_naive"), "%.3f"), MetricText.of(all.get("mase_last_value"), "%.3f")));
      if (all.get("mae_ridge") != null) {
        sb.append(String.format(Locale.ROOT, "  baselines' MAE: ridge %s  seasonal-naive %s  last-value %s   model / ridge: %s%n",
            MetricText.of(all.get("mae_ridge"), "%.4g"), MetricText.of(all.get("mae_seasonal_naive"), "%.4g"),
            MetricText.of(all.get("mae_last_value"), "%.4g"), MetricText.of(all.get("mae_ratio_to_ridge"), "%.3f")));
      }
      sb.append(dev.shardcast.training.eval.QuantileMetrics.summary(all));
    }
    if (o.testMetrics().get("model_choice") instanceof Map<?, ?> choice) {
      for (Object c : (java.util.List<?>) choice.get("candidates")) {
        Map<String, Object> cm = (Map<String, Object>) c;
        Map<String, Object> t = (Map<String, Object>) cm.get("test");
        sb.append(String.format(Locale.ROOT, "  candidate %-8s val MAE %s  test MAE %s  MASE %s%n", cm.get("type"),
            MetricText.of(cm.get("val_mae"), "%.5g"), MetricText.of(t == null ? null : t.get("mae"), "%.4g"),
            MetricText.of(t == null ? null : t.get("mase_seasonal_naive"), "%.3f")));
      }
      sb.append("  ").append(choice.get("explanation")).append('\n');
    }
    sb.append("  model    ").append(o.where(o.modelDir())).append('\n');
    sb.append("  metrics  ").append(o.where(o.outputDir().resolve(TrainJob.METRICS_FILE))).append('\n');
    java.nio.file.Path report = o.outputDir().resolve(dev.shardcast.training.report.TrainingReport.FILE_NAME);
    if (java.nio.file.Files.isRegularFile(report)) {
      sb.append("  report   ").append(o.where(report)).append('\n');
    }
    sb.append("  run log  ").append(o.where(o.runLog()));
    return sb.toString();
  }
}
