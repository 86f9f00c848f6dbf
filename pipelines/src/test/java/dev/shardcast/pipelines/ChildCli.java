package dev.shardcast.pipelines;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI in a child JVM, as the {@code shardcast} launcher starts it, so a test can kill it with
 * SIGKILL ({@link Process#destroyForcibly()} on Linux) at a moment of its choosing: no shutdown hook,
 * no finally block runs, as after a power cut or the OOM killer.
 */
final class ChildCli {
  private ChildCli() {}

  /** Starts {@code ShardcastCli args...} in {@code workDir}; its output goes to {@code log}. */
  static Process start(Path workDir, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dai.djl.pytorch.num_threads=1");
    cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    // Surefire's class path: the test classes, the modules' classes and every dependency.
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ShardcastCli.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** SIGKILL, then waits until the process is gone (its files are then final). */
  static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor();
  }
}
