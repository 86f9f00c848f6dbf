package dev.shardcast.transforms.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The commit of the code that runs, recorded in manifests and run logs. */
public final class GitCommit {
  private GitCommit() {}

  /** From SHARDCAST_GIT_COMMIT, else {@code git rev-parse HEAD} in the working directory; null when unknown. */
  public static String current() {
    String env = System.getenv("SHARDCAST_GIT_COMMIT");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String text = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && text.matches("[0-9a-f]{40}")) {
        return text;
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }
}
