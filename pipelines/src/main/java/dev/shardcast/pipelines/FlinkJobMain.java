package dev.shardcast.pipelines;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Main class of the Flink job jar ({@code mvn -Pflink-job package}): {@code prepare} for
 * {@code flink run}, which runs this main in its own JVM and hands the Flink runner the cluster it
 * was given ({@code -m host:port}, or its config) and ships this jar to it:
 * <pre>
 *   flink run -m flink-jm:8081 shardcast-pipelines-0.1.0-SNAPSHOT-flink-job.jar job.yaml [--set key=value]...
 * </pre>
 * The runner is always Flink with master {@code [auto]} (flink run's cluster); parallelism stays
 * {@code runner.parallelism}. Exit codes as {@code shardcast prepare} (0, 1, 2, 3, 4, 6).
 */
public final class FlinkJobMain {
  private FlinkJobMain() {}

  public static void main(String[] args) {
    List<String> all = new ArrayList<>(List.of(args));
    // Last, so they win over the job file's and the caller's runner keys.
    all.addAll(List.of("--set", "runner.name=flink", "--set", "runner.flink_master='" + FlinkMaster.AUTO + "'"));
    // (quoted: unquoted, YAML reads [auto] as a list)
    int code = ShardcastCli.withExitCodes(new CommandLine(new PrepareCommand())).execute(all.toArray(String[]::new));
    if (code != 0) {
      // flink run exits with this code (it exits 1 for an exception: the quality gate's 3 would be lost).
      System.exit(code);
    }
  }
}
