package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.training.registry.PromotionGate;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.GitCommit;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shardcast retrain job.yaml}: for cron. Under the registry's lock: prepare, train a candidate
 * into {@code <registry>/models/<run-id>/} (warm-started from {@code current}), score it and
 * {@code current} on the same newest test windows, promote it if it is not worse by more than the
 * tolerance. Every outcome ends with one summary line, one line in the registry's log and the
 * optional {@code --notify} command; the exit code is non-zero only for a real failure.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true,
    description = {"Cron-safe retraining into the model registry: prepare, train a candidate, promote it if the gate "
        + "passes (registry: section of the job).",
        "Exit codes: 0 done (candidate promoted, refused by the gate, or no new input since the last retrain), "
            + "5 another retrain/promote holds the lock, 1 failure, 2 bad config, 3 data-quality gate failed, "
            + "4 nothing to train on, 6 storage or cluster failed."})
public final class RetrainCommand implements Callable<Integer> {
  static final int EXIT_LOCKED = 5;
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

  @Mixin JobOptions job;

  @Option(names = "--run-id", paramLabel = "ID", description = "the candidate's folder name under models/; default: "
      + "the UTC start time, e.g. 20261202T170000Z")
  String runId;

  @Option(names = "--notify", paramLabel = "COMMAND", description = "run with sh -c at the end, every time: the summary "
      + "line on its stdin and in $SHARDCAST_SUMMARY, the exit code in $SHARDCAST_EXIT_CODE "
      + "(e.g. 'mail -s \"shardcast retrain\" me@example.com')")
  String notify;

  @Option(names = "--force", description = "retrain even when the input files and the config are the same as at "
      + "the last retrain's prepare (by default such a run does nothing and exits 0)")
  boolean force;

  @Option(names = "--skip-prepare", description = "the job's shards are already prepared (by prepare, or a Flink step "
      + "of its own): train and gate on them")
  boolean skipPrepare;

  @Override
  public Integer call() {
    long started = System.nanoTime();
    ModelRegistry registry = null;
    int code;
    String summary;
    ObjectNode event = RunLog.json().createObjectNode();
    try {
      JobConfig config = job.loadForTraining();
      registry = ModelRegistry.of(config);
      if (registry == null) {
        throw new ConfigException("retrain needs the job's registry: section (at least registry.location)");
      }
      try (RetrainLock lock = RetrainLock.acquire(RetrainLock.pathFor(registry), "retrain",
          Duration.ofMinutes(config.registry().lockMaxAgeMinutesOrDefault()))) {
        summary = retrain(config, registry, event, started);
        code = 0;
      }
    } catch (RetrainLock.HeldException held) {
      code = EXIT_LOCKED;
      event.put("outcome", "locked");
      summary = "shardcast retrain: skipped, " + held.getMessage() + " [exit " + code + "]";
    } catch (Exception e) {
      Throwable root = ShardcastCli.rootCause(e);
      code = ShardcastCli.exitCode(root);
      event.put("outcome", "failed");
      event.put("error", String.valueOf(root.getMessage() == null ? root.toString() : root.getMessage()));
      if (System.getenv("SHARDCAST_DEBUG") != null) {
        e.printStackTrace();
      }
      summary = "shardcast retrain: FAILED [exit " + code + "]: " + event.get("error").asText();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    event.put("exit_code", code);
    event.put("wall_seconds", Math.round(seconds * 10) / 10.0);
    event.put("summary", summary);
    if (registry != null) {
      logQuietly(registry, "retrain", event);
    }
    System.out.println(summary);
    Notify.run(notify, summary, code);
    return code;
  }

  /** Prepare, train, gate, promote: the summary of a run that held the lock. */
  private String retrain(JobConfig config, ModelRegistry registry, ObjectNode event, long started) throws Exception {
    String id = runId != null ? ModelRegistry.checkRunId(runId) : newRunId(registry);
    if (runId != null && registry.hasModel(id)) {
      throw new ConfigException("--run-id " + id + ": the registry already has that run (" + registry.runLocation(id)
          + "); pick another id");
    }
    event.put("run_id", id);
    // The candidate's train output is its registry folder.
    job.overrides.add("train.output=" + registry.runLocation(id));
    JobConfig candidate = job.loadForTraining();
    ModelRegistry.Current current = registry.current();
    if (!skipPrepare) {
      dev.shardcast.transforms.store.BeamFileSystems.configure(candidate);
      String shards = candidate.shards().output();
      InputState last = InputState.read(shards);
      InputState inputs = InputState.of(candidate, last == null ? List.of() : last.files());
      if (!force && current != null && inputs.sameAs(last)) {
        event.put("outcome", "no_new_data");
        event.remove("run_id");
        return String.format(Locale.ROOT, "shardcast retrain: no new input since the last prepare (%d file(s) unchanged, "
            + "the same config): nothing to do, current stays %s (--force retrains anyway) [%.0f s]",
            inputs.files().size(), current.runId(), (System.nanoTime() - started) / 1e9);
      }
      if (current != null && candidate.registry().keepScalerOrDefault() && candidate.scaler().from() == null) {
        candidate = withCurrentScaler(candidate, registry, current, event);
      }
      prepare(candidate, started);
      inputs.write(shards); // after the manifest: a run killed before this prepares again
    }

    Path warm = null;
    if (current != null && candidate.registry().warmStartOrDefault()) {
      warm = registry.fetchModel(current.runId());
      // offered: used only where the spec matches (the run's run.jsonl starting_point says "current model")
      event.put("warm_start_offered_from", current.runId());
    }
    TrainJob.Outcome o = TrainJob.run(candidate, false, GitCommit.current(), warm);
    System.out.println(TrainCommand.summary(o));

    PromotionGate.Decision d = PromotionGate.decide(candidate, registry, id);
    event.setAll((ObjectNode) RunLog.json().valueToTree(d.toMap()));
    event.put("outcome", d.promote() ? "promoted" : "refused");
    if (d.promote()) {
      registry.setCurrent(id, "retrain gate: " + d.reason());
    }
    logGate(registry, d);
    return summary(d, (System.nanoTime() - started) / 1e9);
  }

  /**
   * registry.keep_scaler: the candidate's shards get current's scaler (its model folder holds the
   * manifest it was trained on). Where that scaler does not fit the job any more (another scaler type
   * or scope, a new value column), a new one is fitted: said on stdout and in the run log.
   */
  private JobConfig withCurrentScaler(JobConfig candidate, ModelRegistry registry, ModelRegistry.Current current,
      ObjectNode event) throws Exception {
    Path model = registry.fetchModel(current.runId());
    Path manifest = model.resolve(dev.shardcast.transforms.shard.ShardManifest.FILE_NAME);
    try {
      dev.shardcast.transforms.core.GivenScaler.of(new dev.shardcast.transforms.config.JobPlan(candidate),
          manifest.toString(), java.nio.file.Files.readAllBytes(manifest));
    } catch (ConfigException | java.io.IOException e) {
      event.put("scaler_refit", "current's scaler does not fit this job: " + e.getMessage());
      System.out.println("retrain: fitting a new scaler; current's (" + current.runId() + ") does not fit: " + e.getMessage());
      return candidate;
    }
    job.overrides.add("scaler.from=" + model);
    event.put("scaler_from", current.runId());
    System.out.println("retrain: preparing with current's scaler (run " + current.runId() + ", registry.keep_scaler)");
    return job.loadForTraining();
  }

  /**
   * The shards the candidate trains on: today the job's whole input, prepared afresh (what {@code run}
   * does). Incremental pickup of new input files belongs here.
   */
  private static void prepare(JobConfig config, long started) throws Exception {
    ShardManifest m = PrepareJob.run(config, List.of());
    System.out.println(PrepareCommand.summary(m, config.shards().output(), (System.nanoTime() - started) / 1e9));
  }

  static String summary(PromotionGate.Decision d, double seconds) {
    String scores = String.format(Locale.ROOT, "%s %s vs current %s%s on %d test windows", d.metric(), num(d.candidate()),
        num(d.current()), d.currentRun() == null ? "" : " (" + d.currentRun() + ")", d.windows());
    return String.format(Locale.ROOT, "shardcast retrain: run %s %s: %s; %s [%.0f s]", d.candidateRun(),
        d.promote() ? "PROMOTED to current" : "refused by the gate, current unchanged", scores, d.reason(), seconds);
  }

  private static String num(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String newRunId(ModelRegistry registry) throws java.io.IOException {
    String base = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID);
    String id = base;
    for (int i = 2; registry.hasModel(id); i++) {
      id = base + "-" + i;
    }
    return id;
  }

  /** The decision in the candidate's own run log, beside its training history. */
  static void logGate(ModelRegistry registry, PromotionGate.Decision d) {
    try {
      ObjectNode e = registry.event("gate");
      e.setAll((ObjectNode) RunLog.json().valueToTree(d.toMap()));
      registry.logToRun(d.candidateRun(), e);
    } catch (Exception e) {
      System.err.println("warning: could not append the gate's decision to run " + d.candidateRun() + "'s run log: " + e);
    }
  }

  /** A log line must not turn a finished run into a failed one: a write error is reported, not thrown. */
  static void logQuietly(ModelRegistry registry, String name, ObjectNode fields) {
    try {
      ObjectNode e = registry.event(name);
      e.setAll(fields);
      registry.log(e);
    } catch (Exception e) {
      System.err.println("warning: could not append to " + registry.location() + "/" + ModelRegistry.LOG_FILE + ": " + e);
    }
  }
}
