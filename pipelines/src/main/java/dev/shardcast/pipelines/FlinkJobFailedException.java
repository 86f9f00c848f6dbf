package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.core.NoWindowsException;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.flink.runtime.client.JobExecutionException;

/**
 * prepare's job failed on a standing Flink cluster for a reason outside the job's own code, and
 * Flink's restarts did not save it: a TaskManager lost and not replaced in time, a cluster without
 * slots. Not a bug in shardcast (exit 1) and nothing the job file can fix (exit 2): the output
 * folder holds a partial run without a manifest, and the same prepare, rerun on a healthy cluster,
 * writes the whole output.
 */
public final class FlinkJobFailedException extends RuntimeException {
  /** Distinct from crashes (1), config errors (2), the quality gate (3), no windows (4), a held lock (5). */
  public static final int EXIT_CODE = 6;

  private FlinkJobFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * This failure of the runner as a cluster failure, or null when it is not one: not a Flink job
   * execution failure, or one caused by the job's own code (a DoFn's exception, which Beam wraps in
   * a {@link UserCodeException}; a config or data error keeps its own exit code).
   */
  static FlinkJobFailedException of(RuntimeException e, JobConfig.Runner runner, FlinkMaster master, String jobName) {
    if (PrepareJob.find(e, JobExecutionException.class) == null || PrepareJob.find(e, UserCodeException.class) != null
        || PrepareJob.find(e, ConfigException.class) != null || PrepareJob.find(e, NoWindowsException.class) != null) {
      return null;
    }
    String where = master.isRemote() ? "the Flink cluster at " + master.address() : "the Flink cluster of flink run";
    int n = runner.flinkRestartAttempts();
    String restarts = n == 0 ? "was not restarted (runner.flink_restart_attempts: 0)"
        : "its " + n + (n == 1 ? " restart" : " restarts") + " (runner.flink_restart_attempts) did not recover it";
    return new FlinkJobFailedException("the Flink job " + jobName + " failed on " + where + " and " + restarts + ": "
        + cause(e) + ". No manifest was written: the output holds a partial run. Rerun prepare once the cluster"
        + " is healthy (the JobManager's log has the job's failures).", e);
  }

  /**
   * The failure Flink gave up on, as one line: below Flink's "Recovery is suppressed by <strategy>",
   * past wrappers without a message of their own.
   */
  private static String cause(Throwable e) {
    Throwable t = e;
    for (Throwable s = e; s != null; s = s.getCause() == s ? null : s.getCause()) {
      t = s;
      if (s.getMessage() != null && s.getMessage().startsWith("Recovery is suppressed") && s.getCause() != null) {
        t = s.getCause();
        break;
      }
    }
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException
        || t.getMessage() == null) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse(""));
  }
}
