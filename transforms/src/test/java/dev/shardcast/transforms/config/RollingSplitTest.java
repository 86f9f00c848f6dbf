package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import org.junit.jupiter.api.Test;

/** split.mode: rolling: the cut-offs counted back from the data's end, config checks, round trip. */
class RollingSplitTest {
  private static final String[] ROLLING = {"split.mode=rolling", "split.train_end=null", "split.val_end=null"};

  private static JobConfig rolling(String... more) {
    String[] all = new String[ROLLING.length + more.length];
    System.arraycopy(ROLLING, 0, all, 0, ROLLING.length);
    System.arraycopy(more, 0, all, ROLLING.length, more.length);
    return TestJobs.config(all);
  }

  private static String fail(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  @Test
  void monthlyGridCountsWholeMonthsBackFromTheMonthAfterTheLastPoint() {
    // the demo: data to 2015-07, test 17 months, val 14: the demo's own fixed cut-offs
    JobConfig c = rolling("input.frequency=1M", "split.test=17M", "split.val=14M");
    assertTrue(!c.split().resolved());
    JobConfig r = RollingSplit.resolve(c, TestJobs.millis("2015-07-01"));
    assertEquals("2013-01-01", r.split().trainEnd());
    assertEquals("2014-03-01", r.split().valEnd());
    assertEquals("17M", r.split().test());
    // a point inside the month (off the grid) ends the data at the same month
    assertEquals("2014-03-01", RollingSplit.resolve(c, TestJobs.millis("2015-07-20")).split().valEnd());
    // one month more data: both cut-offs one month later
    JobConfig later = RollingSplit.resolve(c, TestJobs.millis("2015-08-01"));
    assertEquals("2013-02-01", later.split().trainEnd());
    assertEquals("2014-04-01", later.split().valEnd());
  }

  @Test
  void dailyGridAndEventsWithoutAGrid() {
    JobConfig daily = RollingSplit.resolve(rolling("split.test=10d", "split.val=5d"), TestJobs.millis("2020-01-31"));
    assertEquals("2020-01-22", daily.split().valEnd()); // test: Jan 22..31, 10 days
    assertEquals("2020-01-17", daily.split().trainEnd());
    // a month-long test period on a daily grid: calendar months
    assertEquals("2019-12-31", RollingSplit.resolve(rolling("split.test=1M", "split.val=5d"), TestJobs.millis("2020-01-30"))
        .split().valEnd());
    JobConfig events = RollingSplit.resolve(rolling("input.frequency=none", "split.test=1h", "split.val=1h"),
        TestJobs.millis("2020-01-31") + 1234);
    assertEquals("2020-01-30T23:00:01.235Z", events.split().valEnd());
    assertEquals("2020-01-30T22:00:01.235Z", events.split().trainEnd());
  }

  @Test
  void theComputedSplitSurvivesItsOwnYamlAndTheManifest() {
    JobConfig r = RollingSplit.resolve(rolling("split.test=10d", "split.val=5d"), TestJobs.millis("2020-01-31"));
    JobConfig back = ConfigLoader.loadYaml(ConfigLoader.toYaml(r), java.util.List.of());
    assertEquals(r.split(), back.split());
    JobConfig unresolved = rolling("split.test=10d", "split.val=5d");
    JobConfig fromManifest = RollingSplit.fromManifest(unresolved, ConfigLoader.toTree(r));
    assertEquals(r.split(), fromManifest.split());
    JobConfig fixed = TestJobs.config();
    assertSame(fixed, RollingSplit.resolve(fixed, TestJobs.millis("2020-01-31")));
    assertThrows(IllegalStateException.class, () -> new JobPlan(unresolved).trainEnd());
  }

  @Test
  void configErrorsNameTheKey() {
    assertTrue(fail(ROLLING).contains("'split.val' is required with split.mode: rolling"), fail(ROLLING));
    String both = fail("split.mode=rolling", "split.val=5d", "split.test=5d", "split.test_end=2020-02-01");
    assertTrue(both.contains("'split.test_end' does not go with split.mode: rolling"), both);
    String fixed = fail("split.test=5d");
    assertTrue(fixed.contains("need split.mode: rolling"), fixed);
    String bad = fail("split.mode=rolling", "split.val=5d", "split.test=none");
    assertTrue(bad.contains("'split.test'"), bad);
  }
}
