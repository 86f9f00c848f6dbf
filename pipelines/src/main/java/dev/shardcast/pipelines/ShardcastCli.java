package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.Redaction;
import dev.shardcast.transforms.core.NoWindowsException;
import dev.shardcast.transforms.store.S3StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shardcast <command>}: the one entry point, started by the ./shardcast launcher. */
@Command(
    name = "shardcast",
    mixinStandardHelpOptions = true,
    version = "shardcast 0.1.0",
    description = "Time series to training-ready, batch-per-file Parquet shards.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:crash (a bug: please report it)", "2:bad config, usage or input",
        "3:data-quality gate failed", "4:no train or no val windows",
        "5:(retrain, promote) another run holds the registry's lock",
        "6:infrastructure failed, nothing published: an S3 request after its retries (s3.retry; the message "
            + "names the object) or a Flink cluster's job after its restarts (runner.flink_restart_attempts); "
            + "run again when the store or cluster is healthy"},
    subcommands = {PrepareCommand.class, TrainCommand.class, RunCommand.class, PredictCommand.class,
        InferRulesCommand.class, RetrainCommand.class, PromoteCommand.class, SweepCommand.class})
public final class ShardcastCli implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    // DJL must never download: the PyTorch native library ships as a Maven dependency.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
    RedactingStream.installOnStandardStreams(); // before the first log line: SLF4J's simple logger writes to System.err
    BeamWarmUp.startFor(args);
    System.exit(commandLine().execute(args));
  }

  /**
   * The CLI with its exit codes: 1 crash, 2 bad config or usage, 3 data-quality gate failed, 4 no
   * train or no val windows (nothing to train on), 5 another retrain or promote holds the registry's
   * lock, 6 infrastructure failed: an S3 request after its retries ({@link S3StorageException}) or
   * prepare's job on a Flink cluster after its restarts ({@link FlinkJobFailedException}); nothing was
   * published, rerun once the storage or cluster is healthy.
   */
  public static CommandLine commandLine() {
    return withExitCodes(new CommandLine(new ShardcastCli()));
  }

  /** A command line that reports errors as one message and maps them to the exit codes above. */
  static CommandLine withExitCodes(CommandLine cli) {
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable root = rootCause(e);
      if (System.getenv("SHARDCAST_DEBUG") != null) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        cmd.getErr().print(Redaction.text(trace.toString()));
      }
      cmd.getErr().println("error: " + Redaction.text(root.getMessage() == null ? root.toString() : root.getMessage()));
      return exitCode(root);
    });
    return cli;
  }

  /** The exit code of a failure, from its {@link #rootCause}. */
  static int exitCode(Throwable root) {
    if (root instanceof QualityGateException) {
      return QualityGateException.EXIT_CODE;
    }
    if (root instanceof NoWindowsException) {
      return NoWindowsException.EXIT_CODE;
    }
    if (root instanceof S3StorageException) {
      return S3StorageException.EXIT_CODE;
    }
    if (root instanceof FlinkJobFailedException) {
      return FlinkJobFailedException.EXIT_CODE;
    }
    // By name: the `flink run` job jar holds prepare's classes only, and a class reference to the
    // trainer's here failed there with NoClassDefFoundError (FlinkClusterIT).
    if (isA(root, "dev.shardcast.training.data.ShardReadException")) {
      // A shard that is not the file its manifest lists (changed, truncated, replaced after prepare):
      // an input that is not what the job says it is, not a crash. (Read errors under it, such as
      // an S3StorageException, are found first by rootCause.)
      return 2;
    }
    return root instanceof ConfigException ? 2 : 1;
  }

  /**
   * Beam wraps a DoFn's exception in layers; the innermost message is the one a user can act on,
   * unless one of shardcast's own on the way says more: an S3 failure's innermost cause is a socket
   * error that names no object. A {@link FlinkJobFailedException} is never wrapped, and its cause is
   * Flink's long story of the failure: its own message is the one.
   */
  private static boolean isA(Throwable t, String className) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }

  static Throwable rootCause(Throwable e) {
    Throwable t = e;
    if (t instanceof S3StorageException || t instanceof FlinkJobFailedException) {
      return t;
    }
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t instanceof ConfigException || t instanceof QualityGateException || t instanceof NoWindowsException
          || t instanceof S3StorageException || t instanceof FlinkJobFailedException) {
        return t;
      }
    }
    return t;
  }
}
