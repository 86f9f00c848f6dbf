package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import java.time.Duration;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.construction.resources.PipelineResources;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * The restart strategy of prepare's Flink job, always set by prepare, never left to a cluster's
 * default (which restarts nothing when checkpointing is off, as in a batch job, unless its admin
 * configured otherwise for every job).
 *
 * <ul>
 *   <li>A standing cluster ({@code host:port}, or {@code flink run}'s): fixed delay,
 *       {@code runner.flink_restart_attempts} restarts {@code runner.flink_restart_delay} apart. A lost
 *       TaskManager is what this is for: the whole job runs again from its inputs (a batch job has no
 *       checkpoint), and since every output file has a fixed name and deterministic bytes, the rerun
 *       overwrites what the failed attempt wrote; only an attempt that wrote every shard writes the
 *       manifest. Errors in the data or the config fail the same way every time and are not
 *       restarted: {@code ConfigException} and {@code NoWindowsException} are marked non-recoverable.</li>
 *   <li>The embedded cluster ({@code [local]}): no restart. It runs inside prepare's own JVM, so there
 *       is no TaskManager to lose without losing prepare too; a restart could only repeat a failure.</li>
 * </ul>
 *
 * <p>How it reaches the job. Beam's FlinkRunner applies {@code numberOfExecutionRetries} to streaming
 * jobs only, and a batch (DataSet) job takes its restart strategy from its {@code ExecutionConfig}
 * object alone: Flink's {@code restart-strategy.*} keys in the client's config are stored there
 * but never read for such a job (tried: the job ran with {@code NoRestartBackoffTimeStrategy}). So
 * prepare makes the job's {@code ExecutionEnvironment} itself, as the runner would, sets the strategy
 * on it, and hands it to the runner as the context environment, which the runner takes for the master
 * {@code [auto]}: for {@code host:port} the remote environment the runner makes (same config folder,
 * same staged files), for {@code flink run} the one the CLI provides.
 */
final class FlinkRestarts {
  private FlinkRestarts() {}

  /** The embedded cluster's config keys: no restart. */
  static Configuration embedded() {
    Configuration c = new Configuration();
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return c;
  }

  static RestartStrategies.RestartStrategyConfiguration strategy(JobConfig.Runner r) {
    return r.flinkRestartAttempts() == 0 ? RestartStrategies.noRestart()
        : RestartStrategies.fixedDelayRestart(r.flinkRestartAttempts(), Duration.ofMillis(r.flinkRestartDelayMillis()));
  }

  /** One line for the log: what happens when the job fails. */
  static String describe(JobConfig.Runner r, FlinkMaster master) {
    if (FlinkMaster.LOCAL.equals(master.text())) {
      return "the embedded Flink cluster does not restart a failed job";
    }
    if (r.flinkRestartAttempts() == 0) {
      return "a failed job is not restarted (runner.flink_restart_attempts: 0)";
    }
    return "a failed job (e.g. a TaskManager lost) is restarted up to " + r.flinkRestartAttempts() + " times, "
        + r.flinkRestartDelay() + " apart (runner.flink_restart_attempts, runner.flink_restart_delay)";
  }

  /**
   * Before {@code run()} on a standing cluster: the job's environment, with the restart strategy, as
   * the context environment; for {@code host:port} the options' master becomes {@code [auto]} so that
   * the runner takes it. {@link #uninstall} after the run.
   */
  static void install(PipelineOptions options, JobConfig.Runner r, FlinkMaster master) {
    FlinkPipelineOptions o = options.as(FlinkPipelineOptions.class);
    ExecutionEnvironment env;
    if (master.isRemote()) {
      // What the runner does for host:port (FlinkExecutionEnvironments) and skips for [auto]: folders
      // on the class path (a source checkout's target/classes) staged as jars, the config folder, the port.
      PipelineResources.prepareFilesForStaging(o);
      Configuration conf = o.getFlinkConfDir() == null ? GlobalConfiguration.loadConfiguration()
          : GlobalConfiguration.loadConfiguration(o.getFlinkConfDir());
      conf.set(RestOptions.PORT, master.port());
      env = ExecutionEnvironment.createRemoteEnvironment(master.host(), master.port(), conf,
          o.getFilesToStage().toArray(String[]::new));
      o.setFlinkMaster(FlinkMaster.AUTO);
    } else {
      env = ExecutionEnvironment.getExecutionEnvironment(); // flink run's
    }
    env.getConfig().setRestartStrategy(strategy(r));
    Context.set(env);
  }

  static void uninstall() {
    Context.reset();
  }

  /** Access to ExecutionEnvironment's protected context hook; never instantiated. */
  abstract static class Context extends ExecutionEnvironment {
    static void set(ExecutionEnvironment env) {
      // One job per install: the runner's getExecutionEnvironment() gets this instance, configured.
      initializeContextEnvironment(() -> env);
    }

    static void reset() {
      resetContextEnvironment();
    }
  }
}
