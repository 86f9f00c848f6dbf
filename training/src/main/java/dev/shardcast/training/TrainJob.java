package dev.shardcast.training;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.data.ShardStore;
import dev.shardcast.training.io.ModelOutput;
import dev.shardcast.training.device.DeviceSelector;
import dev.shardcast.training.data.CalendarFeatures;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.eval.TestEvaluator;
import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.io.AtomicFiles;
import dev.shardcast.training.model.LinearInit;
import dev.shardcast.training.model.ModelFactory;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.report.ForecastSamples;
import dev.shardcast.training.report.TrainingReports;
import dev.shardcast.training.train.TrainOptions;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.NoWindowsDiagnosis;
import dev.shardcast.transforms.core.NoWindowsException;
import dev.shardcast.transforms.quality.QuarantineSample;
import dev.shardcast.transforms.config.TrainChecks;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train stage of a job: trains on the shards of {@code shards.output}, keeps the best epoch by
 * validation loss, scores it on the test split in original units and writes the model folder:
 * {@code model.json}, {@code model.params}, {@code scaler.json}, {@code metrics.json}, with the run log
 * and checkpoints beside it.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  public static final String METRICS_FILE = "metrics.json";
  public static final String SCALER_FILE = "scaler.json";
  public static final String MANIFEST_COPY = "manifest.json";

  /** Where things went, and the test metrics. */
  /**
   * @param outputDir the folder the model was written in (for an S3 output, its local working copy)
   * @param location where the output lives: {@code outputDir}, or the S3 prefix it was pushed to
   */
  public record Outcome(Path outputDir, Path modelDir, Path runLog, Map<String, Object> testMetrics, TrainResult result,
      String location) {
    public Outcome(Path outputDir, Path modelDir, Path runLog, Map<String, Object> testMetrics, TrainResult result) {
      this(outputDir, modelDir, runLog, testMetrics, result, outputDir.toString());
    }

    /** Where a file of the output is for the user: its local path, or its S3 URI. */
    public String where(Path file) {
      if (!dev.shardcast.transforms.store.S3Location.isS3(location)) {
        return file.toString();
      }
      return dev.shardcast.transforms.store.S3Location.parse(location)
          .resolve(outputDir.relativize(file).toString().replace('\\', '/')).toString();
    }
  }

  private TrainJob() {}

  /** Where the model folder, checkpoints and run log go: {@code train.output}, else {@code <shards.output>/model}. */
  public static String outputLocation(JobConfig job) {
    String configured = job.train().output();
    if (configured != null) {
      return configured;
    }
    String shards = job.shards().output();
    return shards.endsWith("/") ? shards + "model" : shards + "/model";
  }

  /** The output as a local path (for a local output; an S3 output's working copy differs per run). */
  public static Path outputDir(JobConfig job) {
    return Path.of(outputLocation(job));
  }

  /**
   * A manifest without train or val windows (prepare refuses to write one now; an older version did)
   * gives nothing to train on, or nothing to stop on: fail with prepare's message, not "MAE NaN".
   */
  static void checkWindows(JobConfig job, ShardStore shards, ShardManifest manifest) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>(manifest.counts());
    for (String split : new String[] {"train", "val"}) {
      ShardManifest.Split s = manifest.splits().get(split);
      counts.put("windows_" + split, s == null ? 0L : s.windows());
    }
    if (counts.get("windows_train") > 0 && counts.get("windows_val") > 0) {
      return;
    }
    String quarantine = manifest.quarantine() == null ? "quarantine/rows.jsonl" : manifest.quarantine().path();
    QuarantineSample sample = null;
    if (manifest.quarantine() != null && manifest.quarantine().rows() > 0) {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(shards.open(quarantine),
          java.nio.charset.StandardCharsets.UTF_8))) {
        sample = QuarantineSample.of(manifest.quarantine().byReason(), r);
      } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
        sample = null;
      }
    }
    throw new NoWindowsException(NoWindowsDiagnosis.diagnose(
        new JobPlan(dev.shardcast.transforms.config.RollingSplit.fromManifest(job, manifest.config())), counts, sample,
        shards.describe() + "/" + quarantine) + " (manifest " + shards.describe() + "/" + ShardManifest.FILE_NAME
        + "; nothing to train on)");
  }

  public static Outcome run(JobConfig job, boolean resume, String gitCommit) throws IOException {
    return run(job, resume, gitCommit, null, null);
  }

  /** @param warmStart a model folder to start from where its spec matches (retrain's current model), or null */
  public static Outcome run(JobConfig job, boolean resume, String gitCommit, Path warmStart) throws IOException {
    return run(job, resume, gitCommit, warmStart, null);
  }

  /**
   * As above; {@code adjust} (tests) changes the train options of every model trained, e.g. a stop
   * hook that ends training like a kill. An auto run stops at the first candidate so stopped.
   */
  public static Outcome run(JobConfig job, boolean resume, String gitCommit, Path warmStart,
      java.util.function.UnaryOperator<TrainOptions> adjust) throws IOException {
    TrainChecks.check(job); // the commands check at load already; this covers other callers
    JobConfig.S3 s3 = dev.shardcast.transforms.store.S3Clients.settings(job);
    try (ShardStore shards = dev.shardcast.training.data.ReplayStore.of(ShardStore.of(job.shards().output(), s3),
        job.train().replayFraction(), job.train().seed())) {
      if (!shards.hasManifest()) {
        throw new dev.shardcast.transforms.config.ConfigException("no " + ShardManifest.FILE_NAME + " in " + shards.describe()
            + ": incomplete output (prepare writes the manifest last; run prepare first, or let it finish)");
      }
      checkWindows(job, shards, ShardManifest.fromJson(shards.readAll(ShardManifest.FILE_NAME)));
      try (ModelOutput output = ModelOutput.open(outputLocation(job), s3, resume)) {
        return train(job, resume, gitCommit, shards, output, warmStart, adjust);
      }
    }
  }

  private static Outcome train(JobConfig job, boolean resume, String gitCommit, ShardStore shards, ModelOutput output,
      Path warmStart, java.util.function.UnaryOperator<TrainOptions> adjust) throws IOException {
    Path out = output.local();
    DeviceSelector.beforeEngineLoads(job.train().device());
    try (NDManager manager = NDManager.newBaseManager();
        ShardReader reader = new ShardReader(shards, job.train().prefetch(), manager)) {
      ShardManifest manifest = reader.manifest();
      CalendarFeatures.checkJob(job.windowing().features(), manifest.schema(), shards.describe());
      TrainOptions opts = TrainOptions.defaults()
          .resume(resume)
          .config(ConfigLoader.toTree(job))
          .configHash(ConfigLoader.hash(job))
          .manifestHash(manifest.configHash())
          .afterCheckpoint(output::push)
          .warmStart(warmStart);
      if (adjust != null) {
        opts = adjust.apply(opts);
      }
      if (gitCommit != null) {
        opts = opts.gitCommit(gitCommit);
      }
      RidgeBaseline ridge = TestEvaluator.fitRidge(reader, manifest);
      JobConfig.Model model = job.train().model();
      boolean onlyEnsemble = model.type() == JobConfig.ModelType.ENSEMBLE;
      boolean auto = model.type() == JobConfig.ModelType.AUTO || onlyEnsemble;
      List<ModelChoice.Candidate> candidates = new ArrayList<>();
      List<TrainingReports.Trained> trained = new ArrayList<>();
      for (JobConfig.ModelType type : auto ? ModelFactory.TYPES : List.of(model.type())) {
        // auto: each candidate in its own folder, with its own checkpoints and run log (resumable)
        Path dir = auto ? out.resolve("candidates").resolve(type.yaml()) : out;
        ForecastSamples samples = new ForecastSamples(TrainingReports.SAMPLES, manifest.schema().lead());
        candidates.add(trainOne(withModel(job.train(), model.withType(type)), manifest, reader, dir, opts, ridge,
            samples));
        ModelChoice.Candidate last = candidates.get(candidates.size() - 1);
        trained.add(new TrainingReports.Trained(last.name(), dir, last.result(), last.metrics(), samples));
        if (auto && last.result().interrupted()) {
          // stopped like a kill: no later candidate, no choice; a resume continues from the checkpoints
          return new Outcome(out, last.result().modelDir(), dir.resolve(RunLog.FILE_NAME), last.metrics(), last.result(),
              output.location());
        }
      }
      ModelChoice.Candidate ensemble = null;
      if (auto) {
        Path dir = out.resolve("candidates").resolve("ensemble");
        ForecastSamples samples = new ForecastSamples(TrainingReports.SAMPLES, manifest.schema().lead());
        ensemble = EnsembleCandidate.build(job.train(), manifest, reader, dir, candidates, ridge, samples);
        trained.add(new TrainingReports.Trained(ensemble.name(), dir, ensemble.result(), ensemble.metrics(), samples));
      }
      ModelChoice choice = auto ? new ModelChoice(candidates, ensemble, onlyEnsemble, manifest.schema().future()) : null;
      ModelChoice.Candidate kept = auto ? choice.chosen() : candidates.get(0);
      Map<String, Object> metrics = kept.metrics();
      Path modelDir = kept.result().modelDir();
      Path runLog = out.resolve(RunLog.FILE_NAME);
      if (auto) {
        LOG.info("{}", choice.explanation());
        metrics.put("model_choice", choice.describe());
        modelDir = copyFolder(modelDir, out.resolve("best"));
        try (RunLog log = new RunLog(runLog)) {
          com.fasterxml.jackson.databind.node.ObjectNode e = log.event("model_choice");
          e.set("choice", RunLog.json().valueToTree(metrics.get("model_choice")));
          log.write(e);
        }
      }
      byte[] metricsJson = ShardManifest.json().writeValueAsBytes(metrics);
      AtomicFiles.write(modelDir.resolve(METRICS_FILE), metricsJson);
      AtomicFiles.write(out.resolve(METRICS_FILE), metricsJson);
      AtomicFiles.write(modelDir.resolve(SCALER_FILE), ShardManifest.json().writeValueAsBytes(manifest.scaler()));
      AtomicFiles.write(modelDir.resolve(MANIFEST_COPY), manifest.toJson());
      // predict compares its input with the training data's profile (training/serving skew).
      String report = dev.shardcast.transforms.quality.QualityReport.FILE_NAME;
      // the manifest names its report: an incremental output's is the newest span's
      String reportAt = manifest.quality() != null && manifest.quality().report() != null ? manifest.quality().report() : report;
      try {
        AtomicFiles.write(modelDir.resolve(report), shards.readAll(reportAt));
      } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
        LOG.info("no {} beside the shards: predict will not measure training/serving skew", report);
      }
      writeReports(job, manifest, out, trained, auto ? metrics : null);
      output.push();
      LOG.info("model {}, metrics {}", output.describe(modelDir), output.describe(out.resolve(METRICS_FILE)));
      return new Outcome(out, modelDir, runLog, metrics, kept.result(), output.location());
    }
  }

  /**
   * {@code report.html}: the kept model's in {@code out}; with auto ({@code autoMetrics} not null) also one
   * per candidate in its folder, and the top one shows every candidate and the choice.
   */
  private static void writeReports(JobConfig job, ShardManifest manifest, Path out,
      List<TrainingReports.Trained> trained, Map<String, Object> autoMetrics) {
    if (autoMetrics == null) {
      TrainingReports.write(job, manifest, trained.get(0), out, null, null);
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> described = (Map<String, Object>) autoMetrics.get("model_choice");
    String chosen = String.valueOf(described.get("chosen"));
    for (TrainingReports.Trained t : trained) {
      TrainingReports.write(job, manifest, t, t.dir(), "a candidate of train.model.type: auto; "
          + (t.model().equals(chosen) ? "the one chosen" : chosen + " was chosen") + " (../../report.html)", null);
    }
    TrainingReports.Trained kept = trained.stream().filter(t -> t.model().equals(chosen)).findFirst().orElseThrow();
    TrainingReports.write(job, manifest, kept, out, "train.model.type: auto (below)",
        TrainingReports.choice(described, trained, out));
  }

  /** Trains one model type into {@code dir}, scores its best epoch; writes run_end to its run log. */
  private static ModelChoice.Candidate trainOne(JobConfig.Train train, ShardManifest manifest, ShardReader reader,
      Path dir, TrainOptions opts, RidgeBaseline ridge, ForecastSamples samples) throws IOException {
    ModelSpec spec = ModelSpec.of(train.model(), manifest.schema(), train.season()).withQuantiles(train.quantiles());
    try (Trainer trainer = new Trainer(train, spec, reader, dir, opts)) {
      // the first forecast is the ridge fit's (a resume then loads the checkpoint's parameters over it)
      if (LinearInit.fromRidge(trainer.block(), spec, ridge)) {
        LOG.info("{} starts from the ridge fit", spec.type().yaml());
        trainer.keepStartingPoint("ridge fit");
      }
      if (opts.warmStart() != null && dev.shardcast.training.registry.WarmStart.apply(trainer, spec, opts.warmStart())) {
        trainer.keepStartingPoint("current model");
      }
      TrainResult result = trainer.fit();
      Map<String, Object> metrics = new LinkedHashMap<>();
      WindowErrors valErrors;
      try (NDManager evalManager = NDManager.newBaseManager(trainer.selection().primary())) {
        SavedModel.Loaded model = SavedModel.load(result.modelDir(), evalManager);
        metrics.put("model", train.model().type().yaml());
        valErrors = score(model, reader, manifest, train.season(), ridge, samples, metrics);
      }
      metrics.put("best_epoch", result.bestEpoch());
      metrics.put("best_val_loss", Double.isFinite(result.bestValLoss()) ? result.bestValLoss() : null);
      metrics.put("device", result.device());
      trainer.finish(metrics);
      return new ModelChoice.Candidate(train.model().type().yaml(), train.model().type(), result, metrics, valErrors);
    }
  }

  /**
   * Puts a candidate's {@code test} (offering {@code samples} every scored window) and {@code val} scores
   * and the ridge fit into {@code metrics}; returns its val errors per window (auto's choice compares them).
   */
  static WindowErrors score(SavedModel.Loaded model, ShardReader reader, ShardManifest manifest, int season,
      RidgeBaseline ridge, ForecastSamples samples, Map<String, Object> metrics) {
    metrics.put("test", TestEvaluator.evaluate(model, reader, manifest, "test", season, ridge, samples));
    metrics.put("val", TestEvaluator.evaluate(model, reader, manifest, "val", season, ridge));
    metrics.put("ridge", ridge.describe());
    return WindowErrors.of(model, reader, manifest, "val");
  }

  private static JobConfig.Train withModel(JobConfig.Train t, JobConfig.Model m) {
    return new JobConfig.Train(t.device(), m, t.epochs(), t.loss(), t.optimizer(), t.gradClip(), t.earlyStopping(),
        t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output(), t.quantiles(), t.replayFraction());
  }

  /** Replaces {@code to} with a copy of the files of {@code from} (a model folder: no subfolders). */
  private static Path copyFolder(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var old = Files.list(to)) {
      for (Path p : (Iterable<Path>) old::iterator) {
        if (Files.isRegularFile(p)) {
          Files.delete(p);
        }
      }
    }
    try (var files = Files.list(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          AtomicFiles.write(to.resolve(p.getFileName().toString()), Files.readAllBytes(p));
        }
      }
    }
    return to;
  }
}
