package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.construction.resources.PipelineResources;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.clusterframework.BootstrapTools;

/**
 * The Beam arguments prepare passes to the FlinkRunner. Besides master and parallelism:
 * <ul>
 *   <li>a standing cluster ({@code host:port}) gets the files to stage (the jars its TaskManagers
 *       load the job's classes from) without what prepare never runs there: Flink's own jars (the
 *       cluster has them and loads {@code org.apache.flink} classes parent-first anyway), the training
 *       stack (DJL, PyTorch's native library, Arrow) and test libraries. That is 150 MB instead of
 *       400 MB from a source checkout: half the submission time.</li>
 *   <li>the embedded cluster ({@code [local]}) gets a Flink config with a fixed REST port, so the
 *       progress lines can ask it for the job's counters as they ask a standing cluster; Flink would
 *       otherwise pick a random port nobody is told about. That config also says it restarts
 *       nothing ({@link FlinkRestarts}).</li>
 * </ul>
 * A {@code --filesToStage} or {@code --flinkConfDir} given with {@code --beam-arg} is kept (the embedded
 * cluster's config is then that one plus the keys above).
 */
final class FlinkSubmission {
  /** Jars never staged to a cluster, by file name. */
  static final Pattern NOT_STAGED = Pattern.compile(
      "(flink-.*|pytorch-.*|api-\\d.*|arrow-.*|flatbuffers-java-.*|jna-.*|duckdb_jdbc-.*|junit-.*|opentest4j-.*"
          + "|apiguardian-api-.*|shardcast-training-.*)\\.jar");
  /** How often the embedded cluster's TaskManager reports to its JobManager, counters included (Flink: 10 s). */
  static final long LOCAL_HEARTBEAT_MS = 2_000;

  /** The config folders {@link #localConfDir} wrote. */
  private static final java.util.Set<Path> WRITTEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private FlinkSubmission() {}

  static List<String> args(JobConfig.Runner r, FlinkMaster master, List<String> extraBeamArgs) {
    List<String> args = new ArrayList<>();
    args.add("--runner=FlinkRunner");
    args.add("--flinkMaster=" + (master.isRemote() ? master.address() : master.text()));
    args.add("--parallelism=" + r.parallelism());
    // The runner asks for it: without it Flink deep-copies every element between chained operators,
    // which only protects DoFns that mutate their input or an element after emitting it. Beam forbids
    // that, and the Direct runner enforces it (immutability checks) in every test of this pipeline.
    if (!given(extraBeamArgs, "fasterCopy")) {
      args.add("--fasterCopy=true");
    }
    if (master.isRemote() && !given(extraBeamArgs, "filesToStage")) {
      args.add("--filesToStage=" + String.join(",", filesToStage()));
    }
    if (FlinkMaster.LOCAL.equals(master.text())) {
      args.add("--flinkConfDir=" + localConfDir(value(extraBeamArgs, "flinkConfDir")));
    }
    return args;
  }

  /** The Beam arguments to pass on after {@link #args}: a --flinkConfDir of [local] is merged there, not passed twice. */
  static List<String> passOn(FlinkMaster master, List<String> extraBeamArgs) {
    if (!FlinkMaster.LOCAL.equals(master.text())) {
      return extraBeamArgs;
    }
    return extraBeamArgs.stream().filter(a -> !a.startsWith("--flinkConfDir")).collect(Collectors.toList());
  }

  /** This JVM's classpath as Beam would stage it, less {@link #NOT_STAGED}. */
  static List<String> filesToStage() {
    List<String> all = PipelineResources.detectClassPathResourcesToStage(
        FlinkSubmission.class.getClassLoader(), PipelineOptionsFactory.create());
    return all.stream().filter(f -> !NOT_STAGED.matcher(new File(f).getName()).matches()).collect(Collectors.toList());
  }

  /**
   * A config folder for the embedded cluster: the given one's (or $FLINK_CONF_DIR's) settings, with the
   * REST endpoint on a free port of 127.0.0.1 and a 2 s heartbeat (so counters reach the JobManager
   * between two progress lines), unless that config sets them, and no restart. Deleted when the JVM exits.
   */
  static Path localConfDir(String base) {
    if (base != null && WRITTEN.contains(Path.of(base))) {
      return Path.of(base); // written by this JVM for this run (EmbeddedFlinkCluster): complete already
    }
    Configuration conf = base != null ? GlobalConfiguration.loadConfiguration(base)
        : System.getenv("FLINK_CONF_DIR") != null ? GlobalConfiguration.loadConfiguration(System.getenv("FLINK_CONF_DIR"))
        : new Configuration();
    if (!conf.contains(RestOptions.BIND_PORT)) {
      conf.set(RestOptions.BIND_PORT, Integer.toString(freePort()));
    }
    if (!conf.contains(RestOptions.BIND_ADDRESS)) {
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    }
    if (!conf.contains(RestOptions.ADDRESS)) {
      conf.set(RestOptions.ADDRESS, "127.0.0.1");
    }
    if (!conf.contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)) {
      conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, LOCAL_HEARTBEAT_MS);
    }
    conf.addAll(FlinkRestarts.embedded());
    try {
      Path dir = Files.createTempDirectory("shardcast-flink-conf");
      dir.toFile().deleteOnExit(); // after the file: the last registered goes first
      // Written the way this Flink reads it back (config.yaml, nested YAML, since 1.19).
      File file = dir.resolve(GlobalConfiguration.getFlinkConfFilename()).toFile();
      BootstrapTools.writeConfiguration(conf, file);
      file.deleteOnExit();
      WRITTEN.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean given(List<String> args, String option) {
    return value(args, option) != null || args.contains("--" + option);
  }

  static String value(List<String> args, String option) {
    String prefix = "--" + option + "=";
    String v = null;
    for (String a : args) {
      if (a.startsWith(prefix)) {
        v = a.substring(prefix.length());
      }
    }
    return v;
  }
}
