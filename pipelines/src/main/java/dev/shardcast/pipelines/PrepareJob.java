package dev.shardcast.pipelines;

import dev.shardcast.transforms.beam.OutputFiles;
import dev.shardcast.transforms.beam.WriteManifest;
import dev.shardcast.transforms.beam.WriteQuarantine;
import dev.shardcast.transforms.config.AbsolutePaths;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.GitCommit;
import dev.shardcast.transforms.config.InputPaths;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.RollingSplit;
import dev.shardcast.transforms.core.NoWindowsException;
import dev.shardcast.transforms.config.PrepareChecks;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.ShardcastS3Options;
import dev.shardcast.transforms.quality.QualityReport;
import dev.shardcast.transforms.quality.QuarantineParquet;
import dev.shardcast.transforms.quality.QuarantineSample;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one prepare job: clears the old output, runs the pipeline, returns the written manifest. */
public final class PrepareJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);
  public static final String RESOLVED_CONFIG = "job.resolved.yaml";

  private PrepareJob() {}

  public static ShardManifest run(JobConfig config, List<String> extraBeamArgs) throws IOException {
    return run(config, extraBeamArgs, JobProgress.DEFAULT_INTERVAL, report -> {});
  }

  /**
   * @param progressEvery how often a progress line is logged while the pipeline runs
   * @param progressListener also gets each progress report (tests)
   */
  static ShardManifest run(JobConfig config, List<String> extraBeamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> progressListener) throws IOException {
    return prepare(config, extraBeamArgs, progressEvery, progressListener).manifest();
  }

  static IncrementalPrepare.Outcome prepare(JobConfig config, List<String> extraBeamArgs) throws IOException {
    return prepare(config, extraBeamArgs, JobProgress.DEFAULT_INTERVAL, report -> {});
  }

  /** A prepare: incremental spans with {@code incremental.enabled}, else one job over every input file. */
  static IncrementalPrepare.Outcome prepare(JobConfig config, List<String> extraBeamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> progressListener) throws IOException {
    if (config.incrementalEnabled()) {
      return IncrementalPrepare.run(config, extraBeamArgs, progressEvery, progressListener);
    }
    return new IncrementalPrepare.Outcome(run(config, extraBeamArgs, progressEvery, progressListener, null, null), false, null);
  }

  /**
   * @param span an incremental span's new files and context, or null
   * @param baselineOverride the drift baseline (an incremental span's: the span before), or null for
   *     quality.drift.baseline or the last run's report at the output
   */
  static ShardManifest run(JobConfig config, List<String> extraBeamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> progressListener, PreparePipeline.Span span, PreparePipeline.Baseline baselineOverride)
      throws IOException {
    FlinkMaster master = config.runner().name() == JobConfig.RunnerName.FLINK
        ? FlinkMaster.parse(config.runner().flinkMaster()) : null;
    if (master != null && !FlinkMaster.LOCAL.equals(master.text())) {
      // A cluster's TaskManagers resolve paths in their own working directory: give them this one's.
      config = AbsolutePaths.resolve(config, Path.of("").toAbsolutePath());
    }
    String started = Instant.now().toString();
    // Every path the job reads is checked before anything is printed, deleted or built (exit 2 on a wrong
    // one). Local paths need nothing from Beam, so a typo costs no Beam start-up (seconds on a cold JVM);
    // remote ones are listed through Beam's FileSystems, which needs this run's options (credentials, region).
    PipelineOptions options = null;
    if (!PrepareChecks.allLocal(config)) {
      options = options(config, extraBeamArgs);
      FileSystems.setDefaultPipelineOptions(options);
    }
    config = RunnerChoice.resolve(config, PrepareChecks.check(config));
    boolean autoChoseFlink = master == null && config.runner().name() == JobConfig.RunnerName.FLINK;
    if (autoChoseFlink) {
      master = FlinkMaster.parse(config.runner().flinkMaster());
    }
    // The embedded cluster starts now, on another thread, while this one builds options and pipeline.
    try (EmbeddedFlinkCluster embedded = master != null && FlinkMaster.LOCAL.equals(master.text())
        ? EmbeddedFlinkCluster.start(config.runner().parallelism(), extraBeamArgs) : null) {
      if (embedded != null) {
        extraBeamArgs = embedded.beamArgs(extraBeamArgs);
      }
      if (options != null && (autoChoseFlink || embedded != null)) {
        options = options(config, extraBeamArgs); // the runner's options, not those that listed the inputs
      }
      return run(config, extraBeamArgs, progressEvery, progressListener, span, baselineOverride,
          new Submission(master, options, embedded, started));
    }
  }

  /** Where the job goes: the Flink master (null: Direct), options if made already, the embedded cluster if any. */
  private record Submission(FlinkMaster master, PipelineOptions options, EmbeddedFlinkCluster embedded, String started) {}

  private static ShardManifest run(JobConfig config, List<String> extraBeamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> progressListener, PreparePipeline.Span span, PreparePipeline.Baseline baselineOverride,
      Submission submission) throws IOException {
    FlinkMaster master = submission.master();
    PipelineOptions options = submission.options();
    EmbeddedFlinkCluster embedded = submission.embedded();
    String started = submission.started();
    String out = config.shards().output();
    if (config.split().rolling()) {
      if (options == null) {
        FileSystems.setDefaultPipelineOptions(options(config, extraBeamArgs)); // DataEnd reads through Beam's file systems
      }
      long latest = DataEnd.latest(new JobPlan(config));
      config = RollingSplit.resolve(config, latest);
      LOG.info(RollingSplit.describe(config, latest));
    }
    JobPlan plan = new JobPlan(config); // with the runner auto chose: the manifest records the one that ran
    if (master != null && master.isRemote()) {
      // A cluster that is down or too small is reported in seconds, before any output is touched.
      master.checkReachable(config.runner().parallelism());
    }
    if (options == null) {
      options = options(config, extraBeamArgs);
      FileSystems.setDefaultPipelineOptions(options);
    }
    LOG.info("resolved config:\n{}", ConfigLoader.toDisplayYaml(config));
    PreparePipeline.Baseline baseline = baselineOverride != null ? baselineOverride : baseline(config);
    int removed = clearOutput(out);
    if (removed > 0) {
      LOG.info("removed {} shard files of an earlier run in {}", removed, out);
    }
    OutputFiles.write(out, RESOLVED_CONFIG, ConfigLoader.toDisplayYaml(config).getBytes(StandardCharsets.UTF_8));

    Pipeline p = Pipeline.create(options);
    PreparePipeline.build(p, plan, out, new WriteManifest.RunInfo(GitCommit.current(), started, span != null), baseline, span);
    boolean standingCluster = master != null && !FlinkMaster.LOCAL.equals(master.text());
    if (master != null) {
      LOG.info("Flink: {}", FlinkRestarts.describe(config.runner(), master));
    }
    PipelineResult.State state;
    try (JobProgress progress = JobProgress.start(progressEvery, progressListener)) {
      if (master != null) {
        // The FlinkRunner's run() blocks until the job has ended: its counters are asked for elsewhere.
        progress.watch(FlinkProgressSource.of(options));
      }
      if (standingCluster) {
        FlinkRestarts.install(options, config.runner(), master);
      } else if (embedded != null) {
        embedded.install(options);
      }
      PipelineResult result = p.run();
      if (!result.getState().isTerminal()) {
        // The Direct runner (blockOnRun=false) returns at once, with live counters.
        progress.watch(() -> JobProgress.Counts.of(result.metrics()));
      }
      state = result.waitUntilFinish();
      if (state == PipelineResult.State.DONE) {
        progress.done(JobProgress.Counts.of(result.metrics()));
      }
    } catch (RuntimeException e) {
      FlinkJobFailedException lost = standingCluster
          ? FlinkJobFailedException.of(e, config.runner(), master, options.getJobName()) : null;
      if (lost != null) {
        throw lost;
      }
      NoWindowsException noWindows = find(e, NoWindowsException.class);
      if (noWindows == null) {
        throw e;
      }
      // The manifest writer refused: the shards written of the splits that had windows are no
      // output of a finished run, so they go, as after a failed gate.
      deleteShards(out);
      throw noWindows;
    } finally {
      if (standingCluster) {
        FlinkRestarts.uninstall();
      }
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended in state " + state);
    }
    byte[] reportJson = OutputFiles.read(out, QualityReport.FILE_NAME);
    QualityReport report = QualityReport.fromJson(new String(reportJson, StandardCharsets.UTF_8));
    String reportPath = OutputFiles.resolve(out, QualityReport.HTML_FILE_NAME).toString();
    if (QualityReport.FAIL.equals(report.verdict())) {
      List<String> reasons = new ArrayList<>(report.reasons());
      if (report.quarantine() != null && report.quarantine().rows() > 0) {
        try (var r = OutputFiles.reader(out, WriteQuarantine.PATH)) {
          QuarantineSample sample = QuarantineSample.of(report.quarantine().byReason(), r);
          reasons.add("most quarantined rows: " + sample.describe() + "; see "
              + OutputFiles.resolve(out, WriteQuarantine.PATH));
        }
      }
      throw new QualityGateException(reportPath, reasons);
    }
    if (config.input().sampleSeries() == null) {
      // This run passed the gate: its report is the next run's drift baseline (a smoke run is no baseline).
      OutputFiles.writeAtomically(out, BASELINE, reportJson);
    }
    LOG.info("data quality: {} (report {})", report.verdict(), reportPath);
    return ShardManifest.fromJson(OutputFiles.read(out, ShardManifest.FILE_NAME));
  }

  /** Deletes an earlier run's output (the manifest first: a folder without one is unfinished); returns the shards removed. */
  static int clearOutput(String out) throws IOException {
    OutputFiles.deleteMatching(out, ShardManifest.FILE_NAME);
    OutputFiles.deleteMatching(out, QualityReport.FILE_NAME);
    OutputFiles.deleteMatching(out, QualityReport.HTML_FILE_NAME);
    OutputFiles.deleteMatching(out, QuarantineParquet.PATH);
    int removed = deleteShards(out);
    OutputFiles.deleteMatching(out, WriteQuarantine.PATH);
    // A run killed inside an atomic write (temp file, then rename) leaves the temp file behind.
    OutputFiles.deleteMatching(out, "*.tmp");
    OutputFiles.deleteMatching(out, "quality/*.tmp");
    return removed;
  }

  private static int deleteShards(String out) throws IOException {
    int removed = 0;
    for (String split : JobPlan.SPLITS) {
      removed += OutputFiles.deleteMatching(out, split + "/batch-*.parquet");
    }
    return removed;
  }

  /** The first exception of a type in a cause chain (Beam wraps a DoFn's exception in its own). */
  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** Where a successful run keeps its report for the next run's drift check. */
  public static final String BASELINE = "quality/baseline-report.json";

  /** quality.drift.baseline if set, else the last successful run's report at this output location. */
  static PreparePipeline.Baseline baseline(JobConfig config) throws IOException {
    String out = config.shards().output();
    String explicit = config.quality() == null || config.quality().drift() == null ? null
        : config.quality().drift().baseline();
    if (explicit != null) {
      String file = InputPaths.requireFile("quality.drift.baseline", explicit);
      try (var in = java.nio.channels.Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file, false)))) {
        return new PreparePipeline.Baseline(new String(in.readAllBytes(), StandardCharsets.UTF_8), explicit);
      }
    }
    if (!OutputFiles.exists(out, BASELINE)) {
      LOG.info("no drift baseline at {}: this run's report will be the first one", OutputFiles.resolve(out, BASELINE));
      return PreparePipeline.Baseline.NONE;
    }
    String path = OutputFiles.resolve(out, BASELINE).toString();
    LOG.info("drift baseline: {}", path);
    return new PreparePipeline.Baseline(new String(OutputFiles.read(out, BASELINE), StandardCharsets.UTF_8), path);
  }

  /** System property: keep the Direct runner's immutability and encodability checks on (the tests do). */
  static final String DIRECT_CHECKS = "shardcast.directChecks";

  static PipelineOptions options(JobConfig config, List<String> extraBeamArgs) {
    List<String> args = new ArrayList<>();
    List<String> passOn = extraBeamArgs;
    JobConfig.Runner r = config.runner();
    switch (r.name()) {
      case DIRECT, AUTO -> { // AUTO only for listing remote inputs before the choice is made
        args.add("--runner=DirectRunner");
        args.add("--targetParallelism=" + r.parallelism());
        if (extraBeamArgs.stream().noneMatch(a -> a.startsWith("--blockOnRun"))) {
          // run() returns at once and the progress lines read the live counters until waitUntilFinish().
          args.add("--blockOnRun=false");
        }
        if (!Boolean.getBoolean(DIRECT_CHECKS) && extraBeamArgs.stream().noneMatch(a -> a.startsWith("--enforce"))) {
          // The Direct runner's element checks (a copy and re-encoding of every element, and a walk of
          // the whole graph per bundle) made it several times slower than the work; the test suite
          // keeps them on (-Dshardcast.directChecks=true), where they catch a DoFn that mutates input.
          args.add("--enforceImmutability=false");
          args.add("--enforceEncodability=false");
        }
      }
      case FLINK -> {
        FlinkMaster master = FlinkMaster.parse(r.flinkMaster());
        args.addAll(FlinkSubmission.args(r, master, extraBeamArgs));
        passOn = FlinkSubmission.passOn(master, extraBeamArgs);
      }
      default -> throw new IllegalArgumentException(r.name().toString());
    }
    args.add("--jobName=shardcast-" + config.name().replaceAll("[^A-Za-z0-9-]", "-").toLowerCase());
    // s3:// through Beam's S3 file system, with the clients shardcast builds itself (S3Clients). A
    // multipart upload holds one part in memory per open file: 16 MiB, not Beam's 64 MiB, since
    // shards are written many at a time (at most 160 GB an object, far above any shard or report).
    JobConfig.S3 s3 = S3Clients.settings(config);
    if (PrepareChecks.allLocal(config) && (s3.region() == null || s3.region().isBlank())) {
      // No s3:// path in the job: Beam still builds an S3 client, which never calls S3. Naming a region
      // spares the default region chain, whose EC2 metadata lookup waits out a timeout off EC2 (0.8 s,
      // twice per run: here and in Beam's client).
      s3 = new JobConfig.S3("us-east-1", s3.endpoint(), s3.pathStyle(), s3.retry());
    }
    args.addAll(ShardcastS3Options.args(s3));
    args.add("--s3UploadBufferSizeBytes=" + (16 << 20));
    args.addAll(passOn);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().create();
  }

  public static JobConfig load(Path jobFile, List<String> overrides) {
    return ConfigLoader.load(jobFile, overrides);
  }
}
