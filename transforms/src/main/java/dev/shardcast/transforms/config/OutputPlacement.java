package dev.shardcast.transforms.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Keeps the output folder out of the inputs. An output that is an input's folder would write its
 * manifest, reports and shard folders among the data (and delete the previous run's files there);
 * an output inside the folder an input glob lists ({@code data/*.csv}, {@code data/**}) lies among
 * data that arrives there, and a later glob ({@code data/**}, a new partition pattern) reads it back.
 * Both are refused before any work starts.
 *
 * <p>A named input file has no input folder: an output beside it ({@code data/sales.csv} with output
 * {@code data/shards}) is fine, only the file's own folder is refused.
 *
 * <p>Local paths are compared after normalization, with symbolic links resolved as far as the path
 * exists; URIs (s3://, gs://) by their text, segment by segment.
 */
public final class OutputPlacement {
  private OutputPlacement() {}

  public static void check(String outputKey, String output, String inputKey, String input) {
    if (InputPaths.isLocal(output) != InputPaths.isLocal(input)) {
      return; // different stores: they cannot overlap
    }
    List<String> folder;
    List<String> glob;
    List<String> out;
    if (InputPaths.isLocal(input)) {
      InputPaths.Glob g = InputPaths.Glob.of(input);
      folder = names(real(g.folder()));
      glob = g.segments();
      out = names(real(InputPaths.localPath(output)));
    } else {
      List<String> all = uriSegments(input);
      int first = 0;
      while (first < all.size() && !InputPaths.isGlob(all.get(first))) {
        first++;
      }
      first = Math.min(first, all.size() - 1); // no wildcard: the folder is the file's own folder
      folder = all.subList(0, first);
      glob = all.subList(first, all.size());
      out = uriSegments(output);
    }
    if (out.equals(folder)) {
      throw new ConfigException("config key '" + outputKey + "' (" + output + ") is the folder of config key '"
          + inputKey + "' (" + input + "): the job would write its shards, manifest and reports among its input "
          + "files; write them to another folder");
    }
    boolean globbed = glob.stream().anyMatch(InputPaths::isGlob);
    if (out.size() > folder.size() && out.subList(0, folder.size()).equals(folder)
        && (globbed || reaches(glob, out.subList(folder.size(), out.size())))) {
      throw new ConfigException("config key '" + outputKey + "' (" + output + ") lies inside a folder that config key '"
          + inputKey + "' (" + input + ") reads: a later run would find this run's output among its inputs; write "
          + "it to a folder outside " + display(folder, InputPaths.isLocal(input)));
    }
  }

  /**
   * Whether the glob segments (after the fixed prefix folder) can match a file below the folder
   * {@code rel} (relative to that prefix): a {@code **} on the way, or segments that match each of
   * {@code rel}'s names and go on below it.
   */
  static boolean reaches(List<String> glob, List<String> rel) {
    for (int i = 0; i < rel.size(); i++) {
      String g = glob.get(i);
      if (g.contains("**")) {
        return true;
      }
      if (i == glob.size() - 1) {
        return false; // the glob's files lie above the output folder (or would be that folder itself)
      }
      if (!FileSystems.getDefault().getPathMatcher("glob:" + g).matches(Path.of(rel.get(i)))) {
        return false;
      }
    }
    return glob.size() > rel.size();
  }

  /** The path with symbolic links resolved for the part of it that exists. */
  static Path real(Path p) {
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return p;
    }
    Path r;
    try {
      r = existing.toRealPath();
    } catch (IOException e) {
      return p;
    }
    while (!missing.isEmpty()) {
      r = r.resolve(missing.pop());
    }
    return r;
  }

  private static List<String> names(Path p) {
    List<String> out = new ArrayList<>();
    if (p.getRoot() != null) {
      out.add(p.getRoot().toString());
    }
    for (Path n : p) {
      out.add(n.toString());
    }
    return out;
  }

  /** {@code s3://bucket/a/b/} as [s3:, bucket, a, b]. */
  private static List<String> uriSegments(String uri) {
    List<String> out = new ArrayList<>();
    for (String s : uri.split("/+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static String display(List<String> folder, boolean local) {
    if (local) {
      return Path.of(folder.get(0), folder.subList(1, folder.size()).toArray(String[]::new)).toString();
    }
    return folder.get(0) + "//" + String.join("/", folder.subList(1, folder.size()));
  }
}
