package dev.shardcast.training.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.training.data.CalendarFeatures;
import dev.shardcast.training.device.DeviceSelector;
import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.InputPaths;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.QualityReport;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.quality.ScaleCheck;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.ParquetSource;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Forecasts the next {@code future} points of every series in raw recent data, with a trained model
 * folder: the input is read and validated by prepare's readers, the latest window of each series is
 * built by the same grid and gap rules, scaled with the training scaler, and the forecasts are
 * written in original units as CSV or Parquet ({@code series_key, step, timestamp, <target>...}, then a
 * quantile model's {@code <target>_p10...}: see {@link ForecastColumns}).
 */
public final class PredictJob {
  private PredictJob() {}

  /** @param quality the input's quality report (rules re-applied, skew against training), null without one */
  public record Outcome(Path output, int series, int forecasts, List<LatestWindows.Skipped> skipped, int quarantined,
      QualityReport quality) {}

  public static Outcome run(JobConfig given, Path modelDir, Path outCsv) throws IOException {
    DeviceSelector.beforeEngineLoads(given.train().device());
    if (!Files.isRegularFile(modelDir.resolve(TrainJob.MANIFEST_COPY))) {
      // auto's candidates/<type>/best folders hold only the model: the kept one, <model>/best, has the rest
      throw new IllegalArgumentException(modelDir + " has no " + TrainJob.MANIFEST_COPY + " (the shards' schema and "
          + "scaler a forecast needs): predict with a kept model folder, such as <train.output>/best");
    }
    ShardManifest manifest = ShardManifest.fromJson(Files.readAllBytes(modelDir.resolve(TrainJob.MANIFEST_COPY)));
    // Consistent: the rules the training data passed are the ones in the manifest, not whatever the
    // job file says today; serving rejects exactly the rows training would have rejected.
    JobConfig job = ServingRules.withTrainingRules(given, manifest);
    JobPlan plan = new JobPlan(job);
    ShardManifest.Schema schema = manifest.schema();
    List<String> inputs = new ArrayList<>();
    for (int i : plan.inputIndex()) {
      inputs.add(plan.valueColumns().get(i));
    }
    if (!inputs.equals(schema.inputs()) || plan.window().past() != schema.past()) {
      throw new IllegalArgumentException("the job's inputs " + inputs + " / past " + plan.window().past()
          + " do not match the model's " + schema.inputs() + " / " + schema.past());
    }
    RuleSet rules = RuleSet.compile(plan);
    LatestWindows latest = new LatestWindows(plan, ScaleCheck.of(plan, rules, trainingMedians(modelDir)));
    dev.shardcast.transforms.store.BeamFileSystems.configure(job);
    // Every source, as prepare reads them (Unified: each with its own column names and units; where two
    // sources have a row for the same point, the job's unified policy decides, as in prepare).
    ServingRules.Tally tally = new ServingRules.Tally();
    List<JobConfig.Source> sources = plan.sources();
    for (int i = 0; i < sources.size(); i++) {
      JobConfig.Source src = sources.get(i);
      // Not FileSystems.match: for a local path that does not exist it walks the disk from the path's parent.
      List<String> files = InputPaths.match(plan.sourcePathKey(i), src.path());
      for (String path : files) {
        ResourceId file = FileSystems.matchNewResource(path, false);
        String source = file.toString();
        latest.source(source, src.name());
        RowChecks checks = new RowChecks(plan, rules, src);
        long read;
        if (src.format() == JobConfig.Format.PARQUET) {
          read = ParquetSource.read(plan, src, checks, source, () -> seekable(file), latest);
        } else {
          try (BufferedReader r = new BufferedReader(Channels.newReader(FileSystems.open(file), StandardCharsets.UTF_8))) {
            read = CsvSource.read(plan, src, checks, source, r, latest);
          }
        }
        tally.add(src.name(), read, checks);
      }
    }
    List<LatestWindows.Window> windows = new ArrayList<>();
    List<LatestWindows.Skipped> skipped = new ArrayList<>();
    latest.build(new ScaleLookup(manifest), windows, skipped);

    int rows = 0;
    try (NDManager manager = NDManager.newBaseManager();
        ForecastWriter w = ForecastWriter.open(outCsv, ForecastColumns.names(modelDir, schema.targets()))) {
      if (!windows.isEmpty()) {
        SavedModel.Loaded model = SavedModel.load(modelDir, manager);
        ForecastColumns columns = new ForecastColumns(model, schema.targets().size());
        float[] flat = new float[windows.size() * inputs.size() * schema.past()];
        for (int i = 0; i < windows.size(); i++) {
          System.arraycopy(windows.get(i).past(), 0, flat, i * inputs.size() * schema.past(), inputs.size() * schema.past());
        }
        NDArray past = manager.create(flat, new Shape(windows.size(), inputs.size(), schema.past()));
        CalendarFeatures calendar = model.spec().calendar();
        NDList in = calendar == null ? new NDList(past) : new NDList(past, manager.create(
            calendar(calendar, schema.past(), windows), new Shape(windows.size(), calendar.channels(), calendar.length())));
        float[] pred = model.predict(in).toFloatArray();
        float[] quantiles = columns.quantiles(in); // null for a point forecaster
        ScaleLookup scales = new ScaleLookup(manifest);
        int targets = schema.targets().size();
        for (int i = 0; i < windows.size(); i++) {
          LatestWindows.Window win = windows.get(i);
          for (int h = 0; h < schema.future(); h++) {
            Long time = win.firstForecastTime() == null ? null
                : plan.frequency().timeOf(plan.frequency().step(win.firstForecastTime()) + h);
            double[] raw = new double[columns.count()];
            for (int t = 0; t < targets; t++) {
              raw[t] = scales.of(win.series(), schema.targets().get(t)).invert(pred[(i * targets + t) * schema.future() + h]);
            }
            columns.fill(raw, quantiles, i, h, t -> scales.of(win.series(), schema.targets().get(t)));
            w.write(win.series(), h + 1, time, raw);
            rows++;
          }
        }
      }
    }
    List<QuarantineRecord> bad = latest.quarantined();
    if (!bad.isEmpty()) {
      Path q = outCsv.resolveSibling(outCsv.getFileName() + ".quarantine.jsonl");
      try (Writer w = Files.newBufferedWriter(q, StandardCharsets.UTF_8)) {
        for (QuarantineRecord r : bad) {
          w.write(r.toJson() + "\n");
        }
      }
    }
    QualityReport quality = ServingRules.report(plan, tally, bad, modelDir, outCsv);
    return new Outcome(outCsv, windows.size(), rows, skipped, bad.size(), quality);
  }

  /**
   * The calendar channels of the latest windows, as the reader computes them for a shard's windows:
   * the past starts {@code past - 1} grid steps before the window's last point, the forecast at its
   * first forecast time (after the lead).
   */
  static float[] calendar(CalendarFeatures calendar, int past, List<LatestWindows.Window> windows) {
    long[] windowStart = new long[windows.size()];
    long[] forecastStart = new long[windows.size()];
    for (int i = 0; i < windows.size(); i++) {
      LatestWindows.Window w = windows.get(i);
      windowStart[i] = calendar.frequency().timeOf(calendar.frequency().step(w.lastTime()) - past + 1);
      forecastStart[i] = w.firstForecastTime();
    }
    return calendar.encode(windowStart, forecastStart);
  }

  /**
   * Per column, the typical magnitude (median |x|) of the data the model was trained on, from the
   * training run's quality report in the model folder; NaN where unknown (that column is then not
   * scale-checked).
   */
  static java.util.function.ToDoubleFunction<String> trainingMedians(Path modelDir) throws IOException {
    Path report = modelDir.resolve(QualityReport.FILE_NAME);
    if (!Files.isRegularFile(report)) {
      return column -> Double.NaN;
    }
    QualityReport training = QualityReport.fromJson(Files.readString(report, StandardCharsets.UTF_8));
    return column -> {
      QualityReport.ColumnStats stats = training.columns() == null ? null : training.columns().get(column);
      return stats == null || stats.medianAbs() == null ? Double.NaN : stats.medianAbs();
    };
  }

  private static SeekableByteChannel seekable(ResourceId file) throws IOException {
    ReadableByteChannel ch = FileSystems.open(file);
    if (ch instanceof SeekableByteChannel s) {
      return s;
    }
    ch.close();
    throw new IOException(file + " cannot be read at random positions, which Parquet needs");
  }
}
