package dev.shardcast.pipelines;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of a running Flink job, read from the JobManager's REST API.
 *
 * <p>Why not the PipelineResult, as on the Direct runner: in attached mode (the default, and the
 * one that reports a failed job with its cause) the FlinkRunner's {@code run()} blocks until the job
 * has ended, so there is no result to poll while it runs. Detached mode returns a result whose
 * metrics are live, but the embedded cluster has no detached batch mode, and a detached result says
 * a job FAILED without its cause (prepare's exit codes 3 and 4 come from it). So a thread started
 * before {@code run()} asks the JobManager: which job is ours (the new one with our
 * job name), then its accumulators, where Beam's Flink runner keeps every counter (its
 * {@code MetricsContainerStepMap}, the same object the finished job's result reads). TaskManagers
 * send accumulators to the JobManager with their heartbeat, so the numbers move every
 * {@code heartbeat.interval} (10 s by default; prepare sets 2 s on the embedded cluster).
 *
 * <p>Where the REST API is: {@code host:port} for a standing cluster; for {@code [local]}, the port
 * prepare wrote into the embedded cluster's config ({@link FlinkSubmission#localConfDir}); under
 * {@code flink run} ({@code [auto]}), the address the CLI was given, from its context environment.
 */
final class FlinkProgressSource implements JobProgress.Source {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkProgressSource.class);
  private static final long TIMEOUT_MS = 3_000;

  private final String jobName;
  private final String rest;
  private final String cluster;
  private final RestClusterClient<StandaloneClusterId> client;
  private final Set<JobID> before = new HashSet<>();
  private JobID job;

  private FlinkProgressSource(String jobName, String host, int port, boolean embedded) throws Exception {
    this.jobName = jobName;
    this.rest = host + ":" + port;
    this.cluster = embedded ? "the embedded Flink cluster" : "the Flink cluster at " + rest;
    Configuration c = new Configuration();
    c.set(RestOptions.ADDRESS, host);
    c.set(RestOptions.PORT, port);
    // A poll that fails is skipped, never retried: the next one is a few seconds away.
    c.set(RestOptions.RETRY_MAX_ATTEMPTS, 0);
    c.set(RestOptions.CONNECTION_TIMEOUT, TIMEOUT_MS);
    c.set(RestOptions.AWAIT_LEADER_TIMEOUT, TIMEOUT_MS);
    this.client = new RestClusterClient<>(c, StandaloneClusterId.getInstance());
    if (embedded) {
      return; // this run's own cluster: every job it will have is ours
    }
    try {
      // Jobs of the same name already on a standing cluster (earlier runs) are not this one.
      for (JobStatusMessage j : client.listJobs().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        before.add(j.getJobId());
      }
    } catch (Exception e) {
      // The cluster does not answer yet: the first poll will say so.
    }
  }

  /** A source for the job these options submit, or null when its REST API cannot be located. */
  static FlinkProgressSource of(PipelineOptions options) {
    FlinkPipelineOptions o = options.as(FlinkPipelineOptions.class);
    FlinkMaster master = FlinkMaster.parse(o.getFlinkMaster());
    String host;
    int port;
    if (master.isRemote()) {
      host = master.host();
      port = master.port();
    } else {
      boolean local = FlinkMaster.LOCAL.equals(master.text());
      Configuration c = local
          ? (o.getFlinkConfDir() == null ? new Configuration() : GlobalConfiguration.loadConfiguration(o.getFlinkConfDir()))
          : ExecutionEnvironment.getExecutionEnvironment().getConfiguration();
      host = c.get(RestOptions.ADDRESS);
      port = local ? parsePort(c.get(RestOptions.BIND_PORT)) : c.get(RestOptions.PORT);
      if (host == null || port <= 0) {
        LOG.info("progress lines: the Flink REST address is not known here; only the final counts are shown");
        return null;
      }
    }
    try {
      return new FlinkProgressSource(o.getJobName(), host, port, FlinkMaster.LOCAL.equals(master.text()));
    } catch (Exception e) {
      LOG.info("progress lines: no REST client for the Flink cluster at {}:{} ({}); only the final counts are shown",
          host, port, e.toString());
      return null;
    }
  }

  private static int parsePort(String bindPort) {
    try {
      return bindPort == null ? -1 : Integer.parseInt(bindPort.trim());
    } catch (NumberFormatException e) {
      return -1; // a port range: the embedded cluster picks one we cannot know
    }
  }

  @Override
  public JobProgress.Counts poll() throws Exception {
    if (job == null) {
      Collection<JobStatusMessage> jobs = client.listJobs().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      JobStatusMessage newest = null;
      for (JobStatusMessage j : jobs) {
        if (jobName.equals(j.getJobName()) && !before.contains(j.getJobId())
            && (newest == null || j.getStartTime() > newest.getStartTime())) {
          newest = j;
        }
      }
      if (newest == null) {
        return null;
      }
      job = newest.getJobId();
      LOG.info("Flink job {} on {}", job, rest);
    }
    Map<String, Object> acc = client.getAccumulators(job, getClass().getClassLoader())
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Object metrics = acc.get(FlinkMetricContainer.ACCUMULATOR_NAME);
    if (!(metrics instanceof MetricsContainerStepMap)) {
      return null; // no task has reported yet
    }
    return JobProgress.Counts.of(MetricsContainerStepMap.asAttemptedOnlyMetricResults((MetricsContainerStepMap) metrics));
  }

  @Override
  public String waiting() {
    return job == null ? "submitting the job to " + cluster : "Flink job " + job + " starting";
  }

  @Override
  public void close() {
    client.close();
  }
}
