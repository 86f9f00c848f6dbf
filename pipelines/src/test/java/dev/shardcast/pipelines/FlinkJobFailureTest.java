package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.runtime.JobException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException;
import org.apache.flink.runtime.throwable.ThrowableClassifier;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.junit.jupiter.api.Test;

/**
 * How prepare reads a failed Flink job (no cluster: the exception chains as the FlinkRunner throws
 * them, from FlinkClusterFaultsIT's runs) and which restart strategy it asks for.
 */
class FlinkJobFailureTest {
  private static final FlinkMaster CLUSTER = FlinkMaster.parse("flink-jm:8081");

  private static JobConfig.Runner runner(String... overrides) {
    return ItSupport.demoConfig(Path.of("unused"), overrides).runner();
  }

  /** Beam's wrapper around Flink's, around the failure the restart strategy gave up on. */
  private static RuntimeException failed(Throwable cause) {
    return new RuntimeException("Pipeline execution failed", new JobExecutionException(new JobID(),
        "Job execution failed.", new JobException("Recovery is suppressed by FixedDelayRestartBackoffTimeStrategy("
            + "maxNumberRestartAttempts=1, backoffTimeMS=2000)", cause)));
  }

  @Test
  void aLostClusterIsExitSixWithTheFailureFlinkGaveUpOn() {
    RuntimeException e = failed(new CompletionException(new CompletionException(new NoResourceAvailableException(
        "Slot request bulk is not fulfillable! Could not allocate the required slot within slot request timeout"))));
    FlinkJobFailedException f = FlinkJobFailedException.of(e, runner("runner.flink_restart_attempts=1"), CLUSTER, "shardcast-x");
    assertEquals("the Flink job shardcast-x failed on the Flink cluster at flink-jm:8081 and its 1 restart"
        + " (runner.flink_restart_attempts) did not recover it: NoResourceAvailableException: Slot request bulk is not"
        + " fulfillable! Could not allocate the required slot within slot request timeout. No manifest was written: the"
        + " output holds a partial run. Rerun prepare once the cluster is healthy (the JobManager's log has the job's"
        + " failures).", f.getMessage());
    assertEquals(6, ShardcastCli.exitCode(ShardcastCli.rootCause(f)));
    assertEquals(6, ShardcastCli.exitCode(ShardcastCli.rootCause(new RuntimeException("wrapped", f))));
  }

  @Test
  void failuresOfTheJobsOwnCodeKeepTheirExitCodes() {
    JobConfig.Runner r = runner();
    // A DoFn's bug (exit 1) and a data error (exit 2) are not the cluster's.
    assertNull(FlinkJobFailedException.of(failed(UserCodeException.wrap(new IllegalStateException("bug"))), r, CLUSTER, "j"));
    RuntimeException config = failed(UserCodeException.wrap(new ConfigException("input file F is not valid CSV")));
    assertNull(FlinkJobFailedException.of(config, r, CLUSTER, "j"));
    assertEquals(2, ShardcastCli.exitCode(ShardcastCli.rootCause(config)));
    // Not a job failure at all (e.g. the submission refused).
    assertNull(FlinkJobFailedException.of(new IllegalStateException("no"), r, CLUSTER, "j"));
  }

  @Test
  void dataAndConfigErrorsAreNotRecoverableForFlink() {
    Throwable chain = new JobException("x", UserCodeException.wrap(new ConfigException("bad")));
    assertEquals(ThrowableType.NonRecoverableError,
        ThrowableClassifier.findThrowableOfThrowableType(chain, ThrowableType.NonRecoverableError)
            .map(ThrowableClassifier::getThrowableType).orElse(null));
    assertTrue(ThrowableClassifier.findThrowableOfThrowableType(
        new dev.shardcast.transforms.core.NoWindowsException("none"), ThrowableType.NonRecoverableError).isPresent());
    assertTrue(ThrowableClassifier.findThrowableOfThrowableType(
        new IllegalStateException("lost"), ThrowableType.NonRecoverableError).isEmpty());
  }

  @Test
  void theRestartStrategyFollowsTheRunnerKeys() {
    assertEquals(RestartStrategies.fixedDelayRestart(3, java.time.Duration.ofSeconds(10)),
        FlinkRestarts.strategy(runner()));
    assertEquals(RestartStrategies.fixedDelayRestart(5, java.time.Duration.ofMillis(1500)),
        FlinkRestarts.strategy(runner("runner.flink_restart_attempts=5", "runner.flink_restart_delay=1500ms")));
    assertEquals(RestartStrategies.noRestart(), FlinkRestarts.strategy(runner("runner.flink_restart_attempts=0")));
    assertEquals("the embedded Flink cluster does not restart a failed job",
        FlinkRestarts.describe(runner(), FlinkMaster.parse(FlinkMaster.LOCAL)));
  }
}
