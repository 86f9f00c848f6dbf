package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the rendered report in headless Chromium: string assertions cannot tell whether the page
 * actually lays out and draws. Fails (rather than skips) without a browser, because a silently skipped
 * check is no check; CI installs Debian's chromium package. Set -Dshardcast.report.out=DIR to keep the
 * page and the screenshot for a look.
 */
@Tag("slow")
class QualityReportRenderTest {

  private static final int WIDTH = 1280;
  private static final int HEIGHT = 2400;
  private static final List<String> CANDIDATES = List.of("chromium", "chromium-browser", "google-chrome");

  @TempDir Path dir;

  @Test
  void reportRendersInHeadlessChromium() throws Exception {
    String browser = findBrowser();
    Path html = dir.resolve(QualityReport.HTML_FILE_NAME);
    Files.writeString(html, QualityReportHtml.render(SampleQualityReports.failing()), StandardCharsets.UTF_8);
    String url = html.toUri().toString();
    Path png = dir.resolve("quality-report.png");

    Run shot = chromium(browser, "shot", "--screenshot=" + png, url);
    Run dom = chromium(browser, "dom", "--dump-dom", url);
    keepForInspection(html, png);

    assertEquals(0, shot.exit, () -> "chromium --screenshot failed:\n" + shot.stderr);
    assertEquals(0, dom.exit, () -> "chromium --dump-dom failed:\n" + dom.stderr);
    assertTrue(Files.size(png) > 0, "no screenshot written");

    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "screenshot is not a decodable PNG");
    assertEquals(WIDTH, image.getWidth());
    assertEquals(HEIGHT, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    int banner = Integer.parseInt(QualityReportHtml.FAIL_COLOR.substring(1), 16);
    int bannerPixels = 0;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        if (close(rgb, banner)) {
          bannerPixels++;
        }
      }
    }
    // Antialiased text and coloured status chips give hundreds of colours; a blank or error page a handful.
    assertTrue(colours.size() > 100, () -> "screenshot looks blank: " + colours.size() + " distinct colours");
    // The fail banner spans the page width and is ~100 px tall.
    assertTrue(bannerPixels > 50_000, "too few fail-banner pixels: " + bannerPixels);

    int bars = SampleQualityReports.DELAY_BINS + SampleQualityReports.EVIL_BINS;
    assertEquals(2, count(dom.stdout, "<svg"), "one histogram per numeric column in the DOM");
    assertEquals(bars, count(dom.stdout, "<rect class=\"bar\""), "histogram bars in the DOM");
    assertTrue(dom.stdout.contains("FAIL"));
    assertFalse(dom.stdout.contains("<script"), "a script element reached the DOM");

    for (Run run : List.of(shot, dom)) {
      // This Chromium logs even uncaught exceptions as INFO:CONSOLE, so any console line from the page
      // counts: the page has no script, so it has nothing to say.
      List<String> pageErrors = run.stderr.lines()
          .filter(l -> l.contains("Uncaught") || l.contains("ERROR:CONSOLE")
              || (l.contains(":CONSOLE") && l.contains(url)))
          .collect(Collectors.toList());
      assertTrue(pageErrors.isEmpty(), () -> run.name + ": console output from the page:\n"
          + String.join("\n", pageErrors));
    }
  }

  private static boolean close(int rgb, int target) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xFF) - ((target >> shift) & 0xFF)) > 3) {
        return false;
      }
    }
    return true;
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private record Run(String name, int exit, String stdout, String stderr) {}

  private Run chromium(String browser, String name, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(browser, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT,
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
        String found = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (p.waitFor() == 0 && !found.isEmpty()) {
          return found;
        }
      } catch (IOException | InterruptedException e) {
        // fall through to the failure below, which says what to do
      }
    }
    return fail("no headless browser found: looked for " + CANDIDATES + " on PATH. Install one, e.g. on"
        + " Debian/Ubuntu `sudo apt-get install chromium` (scripts/render-report.sh does that when run as root),"
        + " then rerun with -Pslow.");
  }

  private static void keepForInspection(Path html, Path png) throws IOException {
    String out = System.getProperty("shardcast.report.out");
    if (out == null || out.isBlank()) {
      return;
    }
    Path target = Files.createDirectories(Path.of(out));
    for (Path p : Stream.of(html, png).filter(Files::exists).toList()) {
      Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
