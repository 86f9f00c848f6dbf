package dev.shardcast.training.report;

import dev.shardcast.training.io.AtomicFiles;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a train's {@link TrainingReport} from what {@code TrainJob} has at the end, and writes it. */
public final class TrainingReports {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingReports.class);

  /** Test windows plotted per report. */
  public static final int SAMPLES = 4;

  /** One trained model: the folder it trained in (its run log), result, metrics.json map and plotted windows. */
  public record Trained(String model, Path dir, TrainResult result, Map<String, Object> metrics,
      ForecastSamples samples) {}

  private TrainingReports() {}

  /**
   * Writes {@code into/report.html} for {@code t}; {@code chosenBy} says why this model (null: the
   * job named its type), {@code choice} is auto's (null otherwise). A report that cannot be built is
   * logged, not thrown: the model and metrics are already written by then and stay usable.
   */
  public static Path write(JobConfig job, ShardManifest manifest, Trained t, Path into, String chosenBy,
      TrainingReport.Choice choice) {
    Path file = into.resolve(TrainingReport.FILE_NAME);
    try {
      TrainingReport report = build(job, manifest, t, chosenBy, choice);
      AtomicFiles.write(file, report.render().getBytes(StandardCharsets.UTF_8));
      return file;
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the training report {}: {}", file, e.toString(), e);
      return null;
    }
  }

  /** The auto choice for the page: metrics.json's {@code model_choice}, the candidates' curves and reports. */
  @SuppressWarnings("unchecked")
  public static TrainingReport.Choice choice(Map<String, Object> modelChoice, List<Trained> candidates, Path out) {
    Map<String, List<dev.shardcast.training.train.EpochMetrics>> curves = new java.util.LinkedHashMap<>();
    Map<String, String> reports = new java.util.LinkedHashMap<>();
    for (Trained c : candidates) {
      if (!c.result().epochs().isEmpty()) {
        curves.put(c.model(), c.result().epochs()); // the ensemble has no epochs of its own
      }
      reports.put(c.model(), out.relativize(c.dir().resolve(TrainingReport.FILE_NAME)).toString().replace('\\', '/'));
    }
    return new TrainingReport.Choice(String.valueOf(modelChoice.get("chosen")),
        String.valueOf(modelChoice.get("explanation")), (List<Map<String, Object>>) modelChoice.get("candidates"),
        curves, reports);
  }

  @SuppressWarnings("unchecked")
  static TrainingReport build(JobConfig job, ShardManifest manifest, Trained t, String chosenBy,
      TrainingReport.Choice choice) throws IOException {
    ShardManifest.Schema schema = manifest.schema();
    JobConfig.Train train = job.train();
    TrainResult r = t.result();
    List<String[]> facts = new ArrayList<>();
    String model = t.model();
    if (train.quantiles() != null && train.loss() == JobConfig.LossType.QUANTILE) {
      model += ", quantiles " + train.quantiles();
    }
    facts.add(new String[] {"model", model});
    facts.add(new String[] {"chosen by", chosenBy != null ? chosenBy
        : "train.model.type: " + train.model().type().yaml() + " in the job file"});
    facts.add(new String[] {"data", job.shards().output() + " (shards of " + (manifest.name() == null ? "the job"
        : manifest.name()) + ")"});
    facts.add(new String[] {"windows", "target " + String.join(", ", schema.targets())
        + ": " + schema.past() + " past → " + schema.future() + " future steps"
        + (schema.lead() > 0 ? " (lead " + schema.lead() + ")" : "")
        + (schema.frequency() == null ? "" : ", frequency " + schema.frequency())});
    StringBuilder splits = new StringBuilder();
    for (String split : List.of("train", "val", "test")) {
      ShardManifest.Split s = manifest.splits() == null ? null : manifest.splits().get(split);
      splits.append(splits.length() == 0 ? "" : " · ").append(split).append(' ')
          .append(String.format(Locale.ROOT, "%,d", s == null ? 0 : s.windows()));
    }
    facts.add(new String[] {"windows per split", splits.toString()});
    facts.add(r.epochs().isEmpty() && t.metrics().get("members") instanceof List<?> members
        ? new String[] {"training", "none of its own: the mean of the forecasts of " + members
            + ", each at its best epoch"}
        : new String[] {"training", r.epochs().size() + " epochs" + (r.earlyStopped() ? " (early stop)" : "")
        + (r.interrupted() ? " (interrupted)" : "") + ", best "
        + (r.bestEpoch() < 0 ? "the starting point (no epoch beat it on val)" : "epoch " + r.bestEpoch())
        + ", best val loss " + dev.shardcast.training.eval.MetricText.of(r.bestValLoss(), "%.6g") + ", on "
        + r.device()});
    facts.add(new String[] {"loss", lossName(train)});
    Double start = RunLogHistory.read(t.dir().resolve(RunLog.FILE_NAME)).startingPoint();
    Map<String, Object> test = TrainingReport.map(t.metrics().get("test"));
    List<ForecastSamples.Sample> samples = t.samples() == null ? List.of() : t.samples().samples();
    String title = job.name() != null ? job.name() : manifest.name() != null ? manifest.name() : "train";
    return new TrainingReport(title, facts, lossName(train), r.epochs(), r.bestEpoch(), start, test, schema.targets(),
        samples, choice);
  }

  private static String lossName(JobConfig.Train train) {
    JobConfig.LossType loss = train.loss() == null ? JobConfig.LossType.MSE : train.loss();
    return switch (loss) {
      case MSE -> "MSE loss (scaled units)";
      case MAE -> "MAE loss (scaled units)";
      case QUANTILE -> "pinball loss (scaled units)";
    };
  }
}
