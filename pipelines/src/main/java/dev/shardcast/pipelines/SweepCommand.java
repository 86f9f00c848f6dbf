package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.GitCommit;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.TrainChecks;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.store.S3Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shardcast sweep job.yaml --grid k=v1,v2 ... | --random N --seed S --range k=lo:hi:log}:
 * trains many configs on the same shards, each into {@code <shards.output>/sweep/<trial-id>/} with its
 * own run log; finished trials are recorded in {@code sweep/state.jsonl} and not rerun; prints the
 * trials ranked by val MAE (never test) and writes {@code sweep/summary.csv} and {@code sweep/report.html}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Hyperparameter sweep on the job's shards: a grid (cartesian product of --grid) or --random N draws; "
        + "resumable (finished trials are kept), ranked by val MAE.",
        "Exit codes: 0 all trials finished, 1 a trial failed (rerun to retry it), 2 bad config or sweep flags."})
public final class SweepCommand implements Callable<Integer> {
  /** Test hook: runs after each trial is recorded as finished (a throw here stops the sweep like a crash). */
  static volatile Runnable afterTrialRecorded;

  @Mixin JobOptions job;

  @Option(names = "--grid", paramLabel = "KEY=V1,V2", description = "train.* key and its values; several --grid: "
      + "every combination (with --random: a uniform choice). A list value in brackets: train.model.hidden=[64],[64,64]")
  List<String> grids = new ArrayList<>();

  @Option(names = "--range", paramLabel = "KEY=LO:HI[:log|:int]", description = "with --random: a number drawn "
      + "uniformly from LO..HI (log: log-uniform, for learning rates; int: an integer)")
  List<String> ranges = new ArrayList<>();

  @Option(names = "--random", paramLabel = "N", description = "N random draws instead of the grid")
  Integer random;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the --random draws (default 1)")
  long seed = 1;

  @Option(names = "--parallel", paramLabel = "K", description = "trials trained at once (default 1; each trial "
      + "already uses the machine's cores)")
  int parallel = 1;

  @Option(names = "--prepare", description = "prepare the shards even if they exist (by default prepared only when "
      + "<shards.output>/manifest.json is missing)")
  boolean prepare;

  @Option(names = "--promote-best", description = "copy the best trial into the registry as run sweep-<trial-id> and "
      + "promote it through the gate (as promote --gate; needs a local registry: section)")
  boolean promoteBest;

  /** One config the sweep tries. */
  record Trial(String id, Map<String, String> params, JobConfig config) {}

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    JobConfig base = job.loadForTraining();
    if (S3Location.isS3(base.shards().output())) {
      throw new ConfigException("sweep keeps its trials and state beside the shards: shards.output must be a local "
          + "folder, not " + base.shards().output());
    }
    if (parallel < 1) {
      throw new ConfigException("--parallel " + parallel + ": need at least 1");
    }
    SweepSpace space = SweepSpace.of(grids, ranges);
    List<Map<String, String>> points = random != null ? space.random(random, seed) : space.grid();
    if (points.isEmpty()) {
      throw new ConfigException("nothing to sweep: give --grid key=v1,v2 (or --random N with --grid/--range)");
    }
    Path dir = Path.of(base.shards().output(), "sweep");
    List<Trial> trials = trials(points, dir);

    Path manifest = Path.of(base.shards().output(), ShardManifest.FILE_NAME);
    if (prepare || !Files.isRegularFile(manifest)) {
      ShardManifest m = PrepareJob.run(base, List.of());
      System.out.println(PrepareCommand.summary(m, base.shards().output(), (System.nanoTime() - started) / 1e9));
    }

    SweepState state = new SweepState(dir.resolve(SweepState.FILE_NAME));
    Map<String, JsonNode> done = state.finished();
    List<Trial> todo = trials.stream().filter(t -> !done.containsKey(t.id())).toList();
    System.out.printf("%nshardcast sweep: %d trials, %d already finished (kept), %d to train, %d at a time; in %s%n",
        trials.size(), trials.size() - todo.size(), todo.size(), Math.min(parallel, Math.max(1, todo.size())), dir);

    int failed = runAll(todo, state);
    List<SweepTable.Row> rows = SweepTable.rows(trials, state.finished());
    String table = SweepTable.render(rows);
    SweepTable.writeCsv(rows, dir.resolve("summary.csv"));
    Path report = SweepTable.writeHtml(rows, trials, dir, base.name() == null ? "sweep" : base.name());
    System.out.println();
    System.out.print(table);
    System.out.printf("  ranked by val MAE (original units); summary %s%s, state %s%n", dir.resolve("summary.csv"),
        report == null ? "" : ", report " + report, state.file());
    System.out.printf(java.util.Locale.ROOT, "shardcast sweep: %d of %d trials finished%s in %.1f s%n", rows.stream().filter(SweepTable.Row::finished)
        .count(), trials.size(), failed > 0 ? ", " + failed + " FAILED (rerun to retry)" : "", (System.nanoTime() - started) / 1e9);
    if (promoteBest && !rows.isEmpty() && rows.get(0).finished()) {
      Trial best = trials.stream().filter(t -> t.id().equals(rows.get(0).id())).findFirst().orElseThrow();
      System.out.println(SweepPromotion.promote(base, best, dir.resolve(best.id())));
    }
    return failed > 0 ? 1 : 0;
  }

  /**
   * Each point as a full config (checked now, so a bad value fails before any training): its id is
   * {@code t-} and the first 10 hex digits of the config's hash (without output and registry), so a rerun, or
   * another sweep over the same shards, finds a trial of the very same config already finished; a
   * changed job file makes new trials.
   */
  private List<Trial> trials(List<Map<String, String>> points, Path dir) {
    List<Trial> out = new ArrayList<>();
    for (Map<String, String> p : points) {
      List<String> o = baseOverrides();
      p.forEach((k, v) -> o.add(k + "=" + v));
      JobConfig c = PrepareJob.load(job.jobFile, o);
      TrainChecks.check(c);
      String id = "t-" + trialHash(c).substring(0, 10);
      if (out.stream().anyMatch(t -> t.id().equals(id))) {
        continue; // e.g. a grid value equal to the job's own
      }
      o.add("train.output=" + dir.resolve(id));
      out.add(new Trial(id, p, PrepareJob.load(job.jobFile, o)));
    }
    return out;
  }

  /**
   * The config's hash without its registry: section, which a sweep's training does not read (it only
   * names where {@code --promote-best} copies the winner), so adding one keeps the finished trials.
   */
  static String trialHash(JobConfig c) {
    ObjectNode tree = (ObjectNode) ConfigLoader.toTree(c).deepCopy();
    tree.remove("registry");
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(RunLog.json().writeValueAsBytes(tree)));
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> baseOverrides() {
    List<String> o = new ArrayList<>(job.overrides);
    if (job.sample != null) {
      o.add("input.sample_series=" + job.sample);
    }
    return o;
  }

  /** Trains the trials on a pool of {@code parallel} threads; the number that failed. */
  private int runAll(List<Trial> todo, SweepState state) throws Exception {
    if (todo.isEmpty()) {
      return 0;
    }
    String git = GitCommit.current();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, todo.size()), r -> {
      Thread t = new Thread(r, "sweep-trial");
      t.setDaemon(true);
      return t;
    });
    int failed = 0;
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Trial t : todo) {
        futures.add(pool.submit(() -> {
          if (stopping.get()) {
            return null; // a stop: queued trials do not start (they stay unfinished for the rerun)
          }
          try {
            runOne(t, state, git);
          } catch (TrialStop stop) {
            stopping.set(true);
            throw stop;
          }
          return null;
        }));
      }
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable root = ShardcastCli.rootCause(e);
          if (root instanceof TrialStop) {
            throw new IllegalStateException(root.getMessage(), root);
          }
          failed++;
          System.err.println("error: trial " + todo.get(i).id() + " failed: " + root);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return failed;
  }

  /**
   * An unfinished trial trains with resume: continuing from its last checkpoint where a killed sweep
   * left one, from scratch otherwise (the trial's folder is its own config's, so the checkpoint fits).
   */
  private static void runOne(Trial t, SweepState state, String git) throws Exception {
    long started = System.nanoTime();
    Path runLog = Path.of(TrainJob.outputLocation(t.config())).resolve(RunLog.FILE_NAME);
    try (RunLog log = new RunLog(runLog)) {
      ObjectNode e = log.event("sweep_trial");
      e.put("trial", t.id());
      e.set("params", RunLog.json().valueToTree(t.params()));
      log.write(e);
    }
    TrainJob.Outcome o = TrainJob.run(t.config(), true, git);
    if (o.result().interrupted()) {
      throw new IllegalStateException("trial " + t.id() + " was interrupted");
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    ObjectNode line = SweepTable.scores(t.id(), t.params(), o.testMetrics(), o.result().epochs().size(), seconds);
    state.record(line);
    System.out.printf(java.util.Locale.ROOT, "shardcast sweep: trial %s done in %.1f s: %s  val MAE %.4g  val MASE %.3f%n",
        t.id(), seconds, SweepSpace.describe(t.params()), line.path("val_mae").asDouble(Double.NaN),
        line.path("val_mase").asDouble(Double.NaN));
    Runnable hook = afterTrialRecorded;
    if (hook != null) {
      hook.run();
    }
  }

  /** Thrown by the test hook: stops the whole sweep, as a crash would. */
  static final class TrialStop extends RuntimeException {
    TrialStop(String message) {
      super(message);
    }
  }
}
