package dev.shardcast.training.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Headless Chromium for the report render tests, found (or installed) exactly as the quality
 * report's render test does: PATH first, then the project's {@code scripts/ensure-chromium.sh}
 * (installs Debian's chromium as root, as in CI); fails rather than skips without one.
 */
final class HeadlessChromium {
  private static final List<String> CANDIDATES = List.of("chromium", "chromium-browser", "google-chrome");

  record Run(String name, int exit, String stdout, String stderr) {
    /**
     * Console output from the page. This Chromium logs even uncaught exceptions as INFO:CONSOLE, so
     * any console line from the page counts: the page has no script, so it has nothing to say.
     */
    List<String> pageErrors(String url) {
      return stderr.lines().filter(l -> l.contains("Uncaught") || l.contains("ERROR:CONSOLE")
          || (l.contains(":CONSOLE") && l.contains(url))).collect(Collectors.toList());
    }
  }

  private final String browser;
  private final Path dir;
  private final int width;
  private final int height;

  HeadlessChromium(Path dir, int width, int height) {
    this.browser = findBrowser();
    this.dir = dir;
    this.width = width;
    this.height = height;
  }

  Run run(String name, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(browser, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--window-size=" + width + "," + height,
        // a fresh profile per run: two runs must not share (and lock) one, nor touch the user's own
        "--user-data-dir=" + dir.resolve("profile-" + name), "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(args));
    File out = dir.resolve(name + ".out").toFile();
    File err = dir.resolve(name + ".err").toFile();
    Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("chromium " + name + " did not finish in 120 s:\n" + Files.readString(err.toPath()));
    }
    return new Run(name, p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
  }

  private static String findBrowser() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : CANDIDATES) {
      for (String d : path.split(File.pathSeparator)) {
        Path candidate = Path.of(d.isEmpty() ? "." : d, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    // Not on PATH: the project's own script installs Debian's chromium (root + apt-get, as in CI).
    Path script = Path.of("..", "scripts", "ensure-chromium.sh");
    if (Files.isRegularFile(script)) {
      try {
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String found = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() == 0 && !found.isEmpty()) {
          return found;
        }
      } catch (IOException | InterruptedException e) {
        // fall through to the failure below, which says what to do
      }
    }
    return fail("no headless browser found: looked for " + CANDIDATES + " on PATH. Install one, e.g. on"
        + " Debian/Ubuntu `sudo apt-get install chromium` (scripts/ensure-chromium.sh does that when run as root),"
        + " then rerun with -Pslow.");
  }

  /** With -Dshardcast.report.out=DIR, copies the files there for a look. */
  static void keepForInspection(Path... files) throws IOException {
    String out = System.getProperty("shardcast.report.out");
    if (out == null || out.isBlank()) {
      return;
    }
    Path target = Files.createDirectories(Path.of(out));
    for (Path p : files) {
      if (Files.exists(p)) {
        Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
