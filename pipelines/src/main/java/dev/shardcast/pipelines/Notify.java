package dev.shardcast.pipelines;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code --notify}: a shell command told the outcome (e.g. mail it), which never changes the exit code. */
final class Notify {
  static final long TIMEOUT_SECONDS = 120;

  private Notify() {}

  static void run(String command, String summary, int exitCode) {
    if (command == null || command.isBlank()) {
      return;
    }
    try {
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("SHARDCAST_SUMMARY", summary);
      pb.environment().put("SHARDCAST_EXIT_CODE", Integer.toString(exitCode));
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write((summary + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (java.io.IOException closedEarly) {
        // the command does not read its stdin: fine
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.err.println("warning: --notify command still running after " + TIMEOUT_SECONDS + " s: stopped");
      } else if (p.exitValue() != 0) {
        System.err.println("warning: --notify command exited with " + p.exitValue());
      }
    } catch (Exception e) {
      System.err.println("warning: --notify command failed: " + e);
    }
  }
}
