package dev.shardcast.transforms.config;

import static dev.shardcast.transforms.testing.TestJobs.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobPlanTest {

  @Test
  void windowSpecArithmetic() {
    WindowSpec w = new WindowSpec(3, 2, 1, 0);
    assertEquals(5, w.span());
    assertEquals(3, w.futureOffset());
    assertEquals(0, w.windowsIn(0));
    assertEquals(0, w.windowsIn(4));
    assertEquals(1, w.windowsIn(5));
    assertEquals(26, w.windowsIn(30));
    WindowSpec strided = new WindowSpec(3, 2, 4, 0);
    assertEquals(1, strided.windowsIn(5));
    assertEquals(1, strided.windowsIn(8)); // starts 0 only; start 4 needs 9 points
    assertEquals(2, strided.windowsIn(9));
    assertEquals(7, strided.windowsIn(30)); // starts 0,4,...,24
    WindowSpec lead = new WindowSpec(3, 2, 1, 2);
    assertEquals(7, lead.span());
    assertEquals(5, lead.futureOffset());
    assertEquals(24, lead.windowsIn(30));
    assertEquals(0, lead.windowsIn(6));
  }

  @Test
  void windowsInMatchesCountingStarts() {
    for (int past = 1; past <= 4; past++) {
      for (int future = 1; future <= 3; future++) {
        for (int stride = 1; stride <= 4; stride++) {
          for (int lead = 0; lead <= 2; lead++) {
            WindowSpec w = new WindowSpec(past, future, stride, lead);
            for (int n = 0; n <= 20; n++) {
              long count = 0;
              for (int s = 0; s + past + lead + future <= n; s += stride) {
                count++;
              }
              assertEquals(count, w.windowsIn(n), w + " n=" + n);
            }
          }
        }
      }
    }
  }

  @Test
  void columnIndexesFollowTheConfigOrder() {
    JobPlan plan = TestJobs.plan();
    assertEquals(List.of("x", "y", "z"), plan.valueColumns());
    assertArrayEquals(new int[] {0, 1}, plan.inputIndex());
    assertArrayEquals(new int[] {0, 2}, plan.targetIndex());
    assertEquals(new WindowSpec(3, 2, 1, 0), plan.window());
    assertEquals(0, plan.maxFill());
    assertFalse(plan.fillsGaps());
    JobPlan filling = TestJobs.plan("gaps.policy=ffill", "gaps.max_fill=2");
    assertTrue(filling.fillsGaps());
    assertEquals(2, filling.maxFill());
    // max_fill without a policy fills nothing.
    assertEquals(0, TestJobs.plan("gaps.max_fill=5").maxFill());
    assertEquals(7 * 86_400_000L, plan.eventBucketMillis()); // the default event_bucket, 7d
  }

  @Test
  void aWindowIsInTheSplitThatHoldsItsWholeForecast() {
    JobPlan plan = TestJobs.plan();
    long train = millis("2020-01-15");
    long val = millis("2020-01-25");
    long day = 86_400_000L;
    assertEquals(train, plan.trainEnd());
    assertEquals(val, plan.valEnd());
    assertEquals(Long.MAX_VALUE, plan.testEnd());
    assertEquals(0, plan.splitOf(train - 3 * day, train - 1));
    assertEquals(JobPlan.STRADDLING, plan.splitOf(train - 1, train), "the last target is in val");
    assertEquals(JobPlan.STRADDLING, plan.splitOf(train - day, val + day), "across two cut-offs");
    assertEquals(1, plan.splitOf(train, val - 1));
    assertEquals(JobPlan.STRADDLING, plan.splitOf(val - 1, val), "the last target is in test");
    assertEquals(2, plan.splitOf(val, val + 5 * day));
    assertEquals(2, plan.splitOf(millis("2999-01-01"), millis("2999-01-02")));

    JobPlan capped = TestJobs.plan("split.test_end=2020-02-01");
    assertEquals(2, capped.splitOf(millis("2020-02-01") - day, millis("2020-02-01") - 1));
    assertEquals(JobPlan.STRADDLING, capped.splitOf(millis("2020-02-01") - 1, millis("2020-02-01")));
    assertEquals(JobPlan.NO_SPLIT, capped.splitOf(millis("2020-02-01"), millis("2020-02-03")));
    assertEquals(0, capped.splitOf(Long.MIN_VALUE + 1, Long.MIN_VALUE + 1));
  }

  @Test
  void dateTimeCutoffs() {
    JobPlan plan = TestJobs.plan("split.train_end=2020-01-15T12:00:00", "split.val_end=2020-01-15T12:00:01Z");
    assertEquals(millis("2020-01-15") + 12 * 3_600_000L, plan.trainEnd());
    assertEquals(plan.trainEnd() + 1000, plan.valEnd());
  }

  @Test
  void checkCutoffsRejectsCutoffsOutsideTheData() {
    JobPlan plan = TestJobs.plan();
    plan.checkCutoffs(millis("2020-01-01"), millis("2020-02-01")); // inside: fine
    String before = assertThrows(ConfigException.class,
        () -> plan.checkCutoffs(millis("2020-01-16"), millis("2020-02-01"))).getMessage();
    assertTrue(before.contains("split.train_end"), before);
    String after = assertThrows(ConfigException.class,
        () -> plan.checkCutoffs(millis("2020-01-01"), millis("2020-01-20"))).getMessage();
    assertTrue(after.contains("split.val_end"), after);
  }
}
