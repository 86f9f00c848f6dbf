package dev.shardcast.transforms.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Finds the files a job names (a file or a glob) before any work starts; no match is a
 * {@link ConfigException} naming the config key and the path.
 *
 * <p>Local paths (no scheme, or {@code file:}) are matched here and never by Beam's
 * LocalFileSystem: for a path that does not exist, Beam walks every folder under the parent of the
 * path's fixed prefix, so {@code /nope.csv} walks the whole machine from {@code /} (minutes to hours
 * at full CPU) before saying "no files matched". This matcher lists only the folders the glob can
 * reach: the fixed prefix must be a folder, then each glob segment lists one level below the
 * folders the previous one matched; only a segment holding {@code **} walks everything below. Glob
 * syntax is Java's (as Beam's): {@code * ? [..] {a,b}}, and {@code *} does not cross a {@code /}.
 *
 * <p>Other schemes (s3://, gs://) go through Beam's FileSystems, whose object-store match lists by
 * key prefix; their options must be set first ({@code FileSystems.setDefaultPipelineOptions}).
 */
public final class InputPaths {
  /** A URI scheme as Beam parses it; one letter is a Windows drive, not a scheme. */
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][-a-zA-Z0-9+.]+):/.*");

  private InputPaths() {}

  /** Whether {@code spec} is a local path: no scheme, or {@code file:}. */
  public static boolean isLocal(String spec) {
    var m = SCHEME.matcher(spec);
    return !m.matches() || m.group(1).equalsIgnoreCase("file");
  }

  /** How a message names where the path came from: a config key, or a command-line option ({@code --input}). */
  private static String label(String key) {
    return key.startsWith("--") ? "option " + key : "config key '" + key + "'";
  }

  static boolean isGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
  }

  /**
   * Every file {@code spec} names, sorted: at least one, or a ConfigException naming {@code key}.
   *
   * @throws IOException only from a remote file system (listing failed, not "nothing there")
   */
  public static List<String> match(String key, String spec) throws IOException {
    if (spec == null || spec.isBlank()) {
      throw new ConfigException(label(key) + " is empty: name a file or a glob");
    }
    if (isLocal(spec)) {
      return matchLocal(key, spec).stream().map(Path::toString).toList();
    }
    return matchRemote(key, spec);
  }

  /** Exactly one file (a reference table, a report): the path, or a ConfigException naming {@code key}. */
  public static String requireFile(String key, String spec) throws IOException {
    List<String> files = match(key, spec);
    if (files.size() != 1) {
      throw new ConfigException(label(key) + ": " + spec + " matches " + files.size()
          + " files, it must name one");
    }
    return files.get(0);
  }

  /** The local path of a spec: {@code file:} removed, absolute (against the working folder), normalized. */
  static Path localPath(String spec) {
    String raw = stripFileScheme(spec);
    return Path.of(raw).toAbsolutePath().normalize();
  }

  static String stripFileScheme(String spec) {
    if (spec.regionMatches(true, 0, "file:", 0, 5)) {
      String rest = spec.substring(5);
      return rest.startsWith("//") ? rest.substring(2) : rest; // file:///a/b and file:/a/b both mean /a/b
    }
    return spec;
  }

  /**
   * The parts of a local glob: its fixed prefix folder (absolute, normalized) and the segments after
   * it, the first of which holds a wildcard. A spec without wildcards has one "segment": its file name.
   */
  record Glob(Path folder, List<String> segments) {
    static Glob of(String spec) {
      String raw = stripFileScheme(spec);
      String abs = raw.startsWith("/") ? raw : Path.of("").toAbsolutePath() + "/" + raw;
      List<String> segs = new ArrayList<>();
      for (String s : abs.split("/+")) {
        if (!s.isEmpty()) {
          segs.add(s);
        }
      }
      int first = 0;
      while (first < segs.size() && !isGlob(segs.get(first))) {
        first++;
      }
      if (first == segs.size()) { // no wildcard: the folder is the file's own folder
        first = Math.max(0, segs.size() - 1);
      }
      Path folder = Path.of("/" + String.join("/", segs.subList(0, first))).normalize();
      return new Glob(folder, List.copyOf(segs.subList(first, segs.size())));
    }

    boolean literal() {
      return segments.stream().noneMatch(InputPaths::isGlob);
    }
  }

  static List<Path> matchLocal(String key, String spec) {
    Path literal = null;
    try {
      literal = localPath(spec);
    } catch (InvalidPathException e) {
      // a glob the platform cannot spell as a path (Windows): matched below
    }
    // As Beam: an existing path is taken as it is, even if its name holds a glob character.
    if (literal != null && Files.exists(literal)) {
      if (Files.isDirectory(literal)) {
        throw new ConfigException(label(key) + ": " + spec + " is a folder; name a file, or the files "
            + "in it with a glob such as " + spec.replaceAll("/+$", "") + "/*.csv");
      }
      if (!Files.isReadable(literal)) {
        throw new ConfigException(label(key) + ": " + spec + " cannot be read (permissions)");
      }
      return List.of(literal);
    }
    Glob glob = Glob.of(spec);
    if (glob.literal()) {
      throw new ConfigException(label(key) + ": file not found: " + spec
          + (Files.isDirectory(glob.folder()) ? "" : " (no folder " + glob.folder() + ")"));
    }
    if (!Files.isDirectory(glob.folder())) {
      throw new ConfigException(label(key) + ": no file matches " + spec + " (no folder "
          + glob.folder() + ")");
    }
    TreeSet<Path> found = new TreeSet<>();
    list(glob.folder(), glob, 0, found);
    if (found.isEmpty()) {
      throw new ConfigException(label(key) + ": no file matches " + spec);
    }
    return List.copyOf(found);
  }

  /** Lists {@code dir} for segment {@code i}: one level, or everything below for a {@code **} segment. */
  private static void list(Path dir, Glob glob, int i, TreeSet<Path> found) {
    String segment = glob.segments().get(i);
    if (segment.contains("**")) {
      walk(dir, glob, found);
      return;
    }
    boolean last = i == glob.segments().size() - 1;
    PathMatcher name = FileSystems.getDefault().getPathMatcher("glob:" + segment);
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (!name.matches(child.getFileName())) {
          continue;
        }
        if (last) {
          if (Files.isRegularFile(child)) {
            found.add(child);
          }
        } else if (Files.isDirectory(child)) {
          list(child, glob, i + 1, found);
        }
      }
    } catch (IOException e) {
      // A folder that cannot be listed holds no match for us (Beam skips it too).
    }
  }

  /** A {@code **} segment: every file below {@code dir} that the whole glob matches. */
  private static void walk(Path dir, Glob glob, TreeSet<Path> found) {
    String base = dir.toString().endsWith("/") ? dir.toString() : dir + "/";
    int depth = (int) glob.segments().stream().takeWhile(s -> !s.contains("**")).count();
    String rest = String.join("/", glob.segments().subList(depth, glob.segments().size()));
    PathMatcher whole = FileSystems.getDefault().getPathMatcher("glob:" + escape(base) + rest);
    try {
      Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && whole.matches(file)) {
            found.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // unreadable folder, or a symlink loop
        }
      });
    } catch (IOException e) {
      // as above
    }
  }

  /** A literal folder name inside a glob pattern: its glob characters escaped. */
  static String escape(String literal) {
    return literal.replaceAll("([\\\\*?\\[\\]{},])", "\\\\$1");
  }

  private static List<String> matchRemote(String key, String spec) throws IOException {
    MatchResult result;
    try {
      result = org.apache.beam.sdk.io.FileSystems.match(List.of(spec), EmptyMatchTreatment.ALLOW).get(0);
    } catch (IllegalArgumentException e) {
      // e.g. "No filesystem found for scheme s3": the module for that store is not on the class path
      throw new ConfigException(label(key) + ": cannot read " + spec + ": " + e.getMessage());
    }
    if (result.status() == MatchResult.Status.NOT_FOUND
        || (result.status() == MatchResult.Status.OK && result.metadata().isEmpty())) {
      throw new ConfigException(label(key) + ": no file matches " + spec);
    }
    List<String> files = new ArrayList<>();
    for (MatchResult.Metadata m : result.metadata()) { // throws the listing's IOException on ERROR
      if (!m.resourceId().isDirectory()) {
        files.add(m.resourceId().toString());
      }
    }
    if (files.isEmpty()) {
      throw new ConfigException(label(key) + ": no file matches " + spec);
    }
    files.sort(null);
    return files;
  }
}
