package dev.shardcast.transforms.config;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps an output where its configured path says. {@code shards.output} and {@code train.output} are
 * the roots every file of a run is written under (shards, manifest, reports, quarantine, model,
 * predictions); a relative one is resolved against the working directory.
 *
 * <ul>
 *   <li>A relative path may use {@code ..} only inside itself: {@code out/a/../b} is {@code out/b};
 *       {@code out/../../x} or {@code ../x} climbs above the working directory and is refused.
 *   <li>An absolute path or a URI ({@code s3://...}) may not hold a {@code ..} segment at all: an
 *       absolute path needs none, and object stores have no parent folders ({@code s3://b/a/../x} is
 *       that literal key to one client and {@code s3://b/x} to another).
 * </ul>
 */
public final class OutputRoot {
  private OutputRoot() {}

  public static void check(String key, String output) {
    if (output == null || Arrays.stream(output.split("[/\\\\]")).noneMatch(".."::equals)) {
      return;
    }
    String shown = Redaction.text(output);
    if (!InputPaths.isLocal(output)) {
      throw new ConfigException("config key '" + key + "' (" + shown + ") has a '..' segment: object stores have no "
          + "parent folders, so where it would write depends on the client; write the prefix itself");
    }
    Path p = Path.of(output);
    if (p.isAbsolute()) {
      throw new ConfigException("config key '" + key + "' (" + shown + ") has a '..' segment: write the folder "
          + "itself (" + p.normalize() + ")");
    }
    Path n = p.normalize();
    if (n.getNameCount() > 0 && n.getName(0).toString().equals("..")) {
      throw new ConfigException("config key '" + key + "' (" + shown + ") climbs above the working directory with "
          + "'..': a relative output must stay inside the folder the job runs in; give an absolute path instead");
    }
  }
}
