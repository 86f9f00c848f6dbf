package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While prepare runs, a progress line every interval with the pipeline's counters (rows read,
 * windows made, shards written), and a last one whose numbers are the manifest's. Here on the Direct
 * runner; {@code FlinkRunnerTest} and {@code FlinkClusterIT} check the same on Flink.
 */
class ProgressTest {
  private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
      "progress: [\\d,]+ rows read, [\\d,]+ windows made, [\\d,]+ shards written \\((\\d+ min )?\\d+ s\\)");

  @Test
  void directRunReportsWhileRunningAndEndsWithTheManifestCounts(@TempDir Path out) throws IOException {
    List<JobProgress.Report> reports = new CopyOnWriteArrayList<>();
    ShardManifest m = PrepareJob.run(ItSupport.demoConfig(out, "input.sample_series=8"), List.of(),
        Duration.ofMillis(200), reports::add);
    assertProgress(reports, m);
  }

  /**
   * At least one report while running with plausible numbers (rows already read, none above the
   * final counts, never going down), and the last one, the only final one, equal to the manifest's.
   */
  static void assertProgress(List<JobProgress.Report> reports, ShardManifest m) {
    assertProgress(reports, m, true);
  }

  /**
   * @param rowsWhileRunning whether a running report must already show rows read: the Direct runner's
   *     counters are live, while Flink's reach the client with the TaskManagers' heartbeats, and on a
   *     loaded machine a small job can finish before the first one (seen in CI); the other checks hold
   */
  static void assertProgress(List<JobProgress.Report> reports, ShardManifest m, boolean rowsWhileRunning) {
    assertTrue(reports.size() >= 2, "expected progress lines while running and a final one: " + reports);
    JobProgress.Report last = reports.get(reports.size() - 1);
    assertTrue(last.done(), "the last report is the final one: " + reports);
    long windows = 0;
    long shards = 0;
    for (String split : JobPlan.SPLITS) {
      windows += m.splits().get(split).windows();
      shards += m.splits().get(split).shardCount();
    }
    JobProgress.Counts expected = new JobProgress.Counts(m.counts().get("rows_read"), windows, shards);
    assertEquals(expected, last.counts(), "final progress counts vs the manifest");
    assertTrue(last.line().startsWith("progress: done: " + JobProgress.describe(expected) + " in "), last.line());

    List<JobProgress.Report> running = reports.subList(0, reports.size() - 1);
    assertTrue(running.stream().noneMatch(JobProgress.Report::done), "only the last report is final: " + reports);
    JobProgress.Counts previous = JobProgress.Counts.NONE;
    boolean sawRows = false;
    for (JobProgress.Report r : running) {
      if (r.counts() == null) {
        assertTrue(r.line().startsWith("progress: "), r.line());
        continue;
      }
      assertTrue(LINE.matcher(r.line()).matches(), "progress line format: " + r.line());
      JobProgress.Counts c = r.counts();
      assertTrue(c.rowsRead() >= previous.rowsRead() && c.windows() >= previous.windows()
          && c.shards() >= previous.shards(), "counters went down: " + previous + " then " + c);
      assertTrue(c.rowsRead() <= expected.rowsRead() && c.windows() <= expected.windows()
          && c.shards() <= expected.shards(), "a running count above the final one: " + c + " vs " + expected);
      sawRows |= c.rowsRead() > 0;
      previous = c;
    }
    assertTrue(sawRows || !rowsWhileRunning, "no progress line while running showed rows read: " + running);
    assertNotNull(last.counts());
  }
}
