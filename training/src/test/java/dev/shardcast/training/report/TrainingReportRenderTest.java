package dev.shardcast.training.report;

import static dev.shardcast.training.report.TrainingReportTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the training and sweep reports in headless Chromium, as the quality report's render test
 * does: string assertions cannot tell whether the page lays out and the charts draw. Fails (rather
 * than skips) without a browser. Set -Dshardcast.report.out=DIR to keep the pages and screenshots.
 */
@Tag("slow")
class TrainingReportRenderTest {
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 4200;

  @TempDir Path dir;

  @Test
  void trainingReportRendersInHeadlessChromium() throws Exception {
    String page = SampleReports.report(true).render();
    // 1 candidates' curves + 1 loss + 2 throughput + 1 per step + 4 forecast plots
    Result r = open("report.html", page, 9);
    // every polyline of the page reaches the DOM: train/val, 2 throughput, 4 per step, 3 candidates, 2 per plot
    assertEquals(count(page, "<polyline class=\"series\""), count(r.dom, "<polyline class=\"series\""));
    assertEquals(2 + 2 + 4 + 3 + 2 * SampleReports.SAMPLES, count(r.dom, "<polyline class=\"series\""));
    assertEquals(SampleReports.SAMPLES, count(r.dom, "<polygon class=\"band\""));
    // Drawn, not just present: the model's blue is in the loss, per-step, candidate and forecast charts.
    assertTrue(r.pixels(SvgCharts.PALETTE.get(0)) > 2_000, "too few model-blue pixels: " + r.pixels(SvgCharts.PALETTE.get(0)));
    assertTrue(r.pixels(SvgCharts.PALETTE.get(3)) > 300, "the data-wait and last-value lines: " + r.pixels(SvgCharts.PALETTE.get(3)));
  }

  @Test
  void sweepReportRendersInHeadlessChromium() throws Exception {
    String page = SweepReportTest.sample().render();
    Result r = open("sweep-report.html", page, 1);
    assertEquals(SweepReportTest.FINISHED, count(r.dom, "<polyline class=\"series\""));
    assertTrue(r.pixels(SvgCharts.PALETTE.get(0)) > 300, "the best trial's line: " + r.pixels(SvgCharts.PALETTE.get(0)));
    assertTrue(r.pixels(SvgCharts.GREY) > 100, "the grey lower-ranked trials: " + r.pixels(SvgCharts.GREY));
  }

  private record Result(String dom, BufferedImage image) {
    int pixels(String hex) {
      int target = Integer.parseInt(hex.substring(1), 16);
      int n = 0;
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          if (close(image.getRGB(x, y) & 0xFFFFFF, target)) {
            n++;
          }
        }
      }
      return n;
    }
  }

  /** Screenshot and DOM of the page; checks what every page must pass. */
  private Result open(String name, String page, int svgs) throws Exception {
    HeadlessChromium chromium = new HeadlessChromium(dir, WIDTH, HEIGHT);
    Path html = dir.resolve(name);
    Files.writeString(html, page, StandardCharsets.UTF_8);
    String url = html.toUri().toString();
    Path png = dir.resolve(name.replace(".html", ".png"));
    HeadlessChromium.Run shot = chromium.run("shot", "--screenshot=" + png, url);
    HeadlessChromium.Run dom = chromium.run("dom", "--dump-dom", url);
    HeadlessChromium.keepForInspection(html, png);

    assertEquals(0, shot.exit(), () -> "chromium --screenshot failed:\n" + shot.stderr());
    assertEquals(0, dom.exit(), () -> "chromium --dump-dom failed:\n" + dom.stderr());
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "screenshot is not a decodable PNG");
    assertEquals(WIDTH, image.getWidth());
    assertEquals(HEIGHT, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < HEIGHT; y += 2) {
      for (int x = 0; x < WIDTH; x += 2) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    // Antialiased text and lines give hundreds of colours; a blank or error page a handful.
    assertTrue(colours.size() > 100, () -> "screenshot looks blank: " + colours.size() + " distinct colours");
    assertEquals(svgs, count(dom.stdout(), "<svg"), "charts in the DOM");
    assertFalse(dom.stdout().contains("<script"), "a script element reached the DOM");
    for (HeadlessChromium.Run run : List.of(shot, dom)) {
      List<String> errors = run.pageErrors(url);
      assertTrue(errors.isEmpty(), () -> run.name() + ": console output from the page:\n" + String.join("\n", errors));
    }
    return new Result(dom.stdout(), image);
  }

  private static boolean close(int rgb, int target) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xFF) - ((target >> shift) & 0xFF)) > 3) {
        return false;
      }
    }
    return true;
  }
}
