package dev.shardcast.pipelines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Flink cluster ({@code runner.flink_master: [local]}), started on a second thread as
 * soon as prepare knows it will run there, while the first thread builds the Beam options and the
 * pipeline and translates it. Started by the runner instead, the cluster comes up only after all of
 * that, one step after the other on one core: about 0.9 s of every run (RPC service, TaskManager,
 * REST endpoint) that the idle second core can do meanwhile.
 *
 * <p>The job still goes through Flink's own local executor ({@link LocalExecutor}: job graph,
 * submission, shutting the cluster down when the job ends); only the cluster it is given is this one,
 * already running. The runner gets it as the context environment (master {@code [auto]}), as
 * {@link FlinkRestarts} hands a standing cluster's environment over. The cluster is configured as
 * the runner and the local executor would configure it: the same config folder, one TaskManager with
 * a slot per unit of parallelism, managed memory as a fraction of the free heap, no class-loader leak
 * check. If the job asks for another shape, it gets a fresh cluster of that shape, as before.
 */
final class EmbeddedFlinkCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlinkCluster.class);
  static final String EXECUTOR = "shardcast-embedded";

  private final Path confDir;
  private final Configuration conf;
  private final EarlyMiniCluster cluster;

  private EmbeddedFlinkCluster(Path confDir, Configuration conf, EarlyMiniCluster cluster) {
    this.confDir = confDir;
    this.conf = conf;
    this.cluster = cluster;
  }

  /** Writes the embedded cluster's config folder ({@link FlinkSubmission#localConfDir}) and starts the cluster. */
  static EmbeddedFlinkCluster start(int parallelism, List<String> extraBeamArgs) {
    Path dir = FlinkSubmission.localConfDir(FlinkSubmission.value(extraBeamArgs, "flinkConfDir"));
    Configuration conf = GlobalConfiguration.loadConfiguration(dir.toString());
    // What Beam's FlinkExecutionEnvironments does to the config of [local].
    if (!conf.containsKey(TaskManagerOptions.MANAGED_MEMORY_SIZE.key())) {
      long managed = (long) (EnvironmentInformation.getSizeOfFreeHeapMemoryWithDefrag()
          * conf.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION));
      conf.setString(TaskManagerOptions.MANAGED_MEMORY_SIZE.key(), String.valueOf(managed));
    }
    if (!conf.contains(CoreOptions.CHECK_LEAKED_CLASSLOADER)) {
      conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
    }
    // What the local executor does (PerJobMiniClusterFactory) for a job of this parallelism.
    Configuration clusterConf = new Configuration(conf);
    if (!clusterConf.contains(RestOptions.BIND_PORT)) {
      clusterConf.set(RestOptions.BIND_PORT, "0");
    }
    int taskManagers = clusterConf.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS);
    int slots = clusterConf.getOptional(TaskManagerOptions.NUM_TASK_SLOTS)
        .orElse(Math.max(1, (parallelism + taskManagers - 1) / taskManagers));
    EarlyMiniCluster cluster = new EarlyMiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(clusterConf)
        .setNumTaskManagers(taskManagers)
        .setRpcServiceSharing(RpcServiceSharing.SHARED)
        .setNumSlotsPerTaskManager(slots)
        .build(), taskManagers, slots);
    Thread starter = new Thread(cluster::startEarly, "embedded-flink-start");
    starter.setDaemon(true);
    starter.start();
    return new EmbeddedFlinkCluster(dir, conf, cluster);
  }

  /** The Beam arguments with this cluster's config folder as {@code --flinkConfDir}. */
  List<String> beamArgs(List<String> extraBeamArgs) {
    List<String> args = new ArrayList<>();
    extraBeamArgs.stream().filter(a -> !a.startsWith("--flinkConfDir")).forEach(args::add);
    args.add("--flinkConfDir=" + confDir);
    return args;
  }

  /**
   * Right before {@code run()}: the job's environment submits to this cluster. The options' master
   * becomes {@code [auto]} (the runner then takes the context environment); anything that reads the
   * master for the REST address must have done so before.
   */
  void install(PipelineOptions options) {
    Configuration envConf = new Configuration(conf);
    envConf.set(DeploymentOptions.TARGET, EXECUTOR);
    envConf.set(DeploymentOptions.ATTACHED, true);
    PipelineExecutorFactory factory = new PipelineExecutorFactory() {
      @Override
      public String getName() {
        return EXECUTOR;
      }

      @Override
      public boolean isCompatibleWith(Configuration c) {
        return EXECUTOR.equals(c.get(DeploymentOptions.TARGET));
      }

      @Override
      public PipelineExecutor getExecutor(Configuration c) {
        return LocalExecutor.createWithFactory(c, EmbeddedFlinkCluster.this::clusterFor);
      }
    };
    PipelineExecutorServiceLoader loader = new PipelineExecutorServiceLoader() {
      @Override
      public PipelineExecutorFactory getExecutorFactory(Configuration c) {
        return factory;
      }

      @Override
      public Stream<String> getExecutorNames() {
        return Stream.of(EXECUTOR);
      }
    };
    FlinkRestarts.Context.set(new ExecutionEnvironment(loader, envConf, EmbeddedFlinkCluster.class.getClassLoader()));
    options.as(FlinkPipelineOptions.class).setFlinkMaster(FlinkMaster.AUTO);
  }

  /** The cluster the local executor asks for: this one when the shape matches, else a new one. */
  MiniCluster clusterFor(MiniClusterConfiguration wanted) {
    int slots = wanted.getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS);
    if (wanted.getNumTaskManagers() == cluster.taskManagers && slots == cluster.slots) {
      return cluster;
    }
    LOG.info("the job needs {} TaskManager(s) with {} slot(s), not the {} x {} started early: starting a new cluster",
        wanted.getNumTaskManagers(), slots, cluster.taskManagers, cluster.slots);
    cluster.started.whenComplete((ok, failed) -> cluster.closeAsync());
    return new MiniCluster(wanted);
  }

  /** Whether the cluster started early runs (a job's executor shuts it down when the job ends). */
  boolean earlyClusterRunning() {
    return cluster.isRunning();
  }

  /**
   * Stops the cluster once its start has finished (a finished job's executor has stopped it already),
   * without waiting for the shutdown, as Flink's own local executor does not; forgets the context
   * environment.
   */
  @Override
  public void close() {
    FlinkRestarts.Context.reset();
    cluster.started.whenComplete((ok, failed) -> cluster.closeAsync());
  }

  /** A MiniCluster started by {@link #startEarly} on another thread; {@link #start} waits for that start. */
  private static final class EarlyMiniCluster extends MiniCluster {
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final int taskManagers;
    private final int slots;

    EarlyMiniCluster(MiniClusterConfiguration c, int taskManagers, int slots) {
      super(c);
      this.taskManagers = taskManagers;
      this.slots = slots;
    }

    void startEarly() {
      try {
        super.start();
        started.complete(null);
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    }

    /** Called by the local executor before it submits the job: the start already under way, awaited. */
    @Override
    public void start() throws Exception {
      awaitStart();
    }

    private void awaitStart() throws Exception {
      try {
        started.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }
}
