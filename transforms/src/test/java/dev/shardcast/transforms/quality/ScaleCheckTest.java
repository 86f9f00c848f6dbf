package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.RowChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values of x around 1..10 with a few 1000 times too large (or small): the column's typical magnitude
 * is about 10^0.8, so with max_orders 2 exactly the values above 10^2.8 or below 10^-1.2 are flagged.
 */
class ScaleCheckTest {
  /** 1..10 (each twice), three values in the wrong unit (x1000), one x0.001, a zero and an empty cell. */
  private static final double[] X = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      2000, 5000, 7000, 0.004, 0, Double.NaN};
  private static final int FLAGGED = 4; // 2000, 5000, 7000, 0.004
  private static final int CHECKED = X.length - 2; // not the zero, not the NaN

  private static RowChunk chunk() {
    RowChunk.Builder b = new RowChunk.Builder("s", "f.csv", 3);
    for (int i = 0; i < X.length; i++) {
      b.add(i, i * 86_400_000L, i + 2, new double[] {X[i], 1, 1});
    }
    return b.build();
  }

  private static ScaleCheck scale(String xRule) {
    JobPlan plan = QualityJobs.plan("quality:\n  columns:\n    x: {scale_check: " + xRule + "}\n");
    DatasetProfile profile = new DatasetProfile();
    for (double x : X) {
      profile.addNumber("x", x);
    }
    return ScaleCheck.of(plan, RuleSet.compile(plan), profile);
  }

  private static boolean wrongScale(double x) {
    return x == 2000 || x == 5000 || x == 7000 || x == 0.004;
  }

  @Test
  void flagsValuesOrdersOfTenOffTheTypicalMagnitude() {
    ScaleCheck s = scale("{max_orders: 2}");
    assertEquals(1, s.size());
    assertEquals("x.scale_check", s.rule(0).id());
    RowChunk rc = chunk();
    long[] checked = new long[1];
    long[] failed = new long[1];
    List<Double> flagged = new ArrayList<>();
    for (int r = 0; r < rc.size; r++) {
      String result = s.test(rc, r, true, checked, failed);
      if (result != null) {
        assertTrue(result.startsWith("x.scale_check\u0000"), result);
        flagged.add(X[r]);
      }
      assertEquals(wrongScale(X[r]), result != null, "row " + r + " x=" + X[r]);
    }
    assertEquals(List.of(2000.0, 5000.0, 7000.0, 0.004), flagged);
    assertArrayEquals(new long[] {CHECKED}, checked);
    assertArrayEquals(new long[] {FLAGGED}, failed);
  }

  @Test
  void moreOrdersFlagFewer() {
    // With 4 orders nothing here is off: 7000 is about 10^3 times the centre, 0.004 about 10^-3.
    ScaleCheck s = scale("4");
    RowChunk rc = chunk();
    long[] checked = new long[1];
    long[] failed = new long[1];
    for (int r = 0; r < rc.size; r++) {
      assertNull(s.test(rc, r, true, checked, failed));
    }
    assertArrayEquals(new long[] {CHECKED}, checked);
    assertArrayEquals(new long[] {0}, failed);
  }

  @Test
  void warnCountsButRejectsNothing() {
    ScaleCheck s = scale("{max_orders: 2, severity: warn}");
    RowChunk rc = chunk();
    long[] checked = new long[1];
    long[] failed = new long[1];
    for (int r = 0; r < rc.size; r++) {
      assertNull(s.test(rc, r, true, checked, failed), "row " + r);
    }
    assertArrayEquals(new long[] {CHECKED}, checked);
    assertArrayEquals(new long[] {FLAGGED}, failed);
  }

  @Test
  void countFalseCountsNothingButStillDecides() {
    ScaleCheck s = scale("{max_orders: 2}");
    RowChunk rc = chunk();
    long[] checked = new long[1];
    long[] failed = new long[1];
    int rejected = 0;
    for (int r = 0; r < rc.size; r++) {
      rejected += s.test(rc, r, false, checked, failed) == null ? 0 : 1;
    }
    assertEquals(FLAGGED, rejected);
    assertArrayEquals(new long[] {0}, checked);
    assertArrayEquals(new long[] {0}, failed);
  }

  @Test
  void noProfileOrNoRuleMeansNoCheck() {
    JobPlan none = QualityJobs.plan("quality:\n  columns:\n    x: {min: 0}\n");
    assertNull(ScaleCheck.of(none, RuleSet.compile(none), new DatasetProfile()));
    // A column with no values in the profile has no centre: nothing is checked.
    JobPlan plan = QualityJobs.plan("quality:\n  columns:\n    x: {scale_check: 2}\n");
    ScaleCheck s = ScaleCheck.of(plan, RuleSet.compile(plan), new DatasetProfile());
    long[] checked = new long[1];
    long[] failed = new long[1];
    RowChunk rc = chunk();
    for (int r = 0; r < rc.size; r++) {
      assertNull(s.test(rc, r, true, checked, failed));
    }
    assertArrayEquals(new long[] {0}, checked);
  }

  @Test
  void checksTheRightColumn() {
    // The rule is on y (index 1); x holds the wrong-scale values, y is constant: nothing flagged.
    JobPlan plan = QualityJobs.plan("quality:\n  columns:\n    y: {scale_check: 2}\n");
    DatasetProfile profile = new DatasetProfile();
    for (double x : X) {
      profile.addNumber("x", x).addNumber("y", 1);
    }
    ScaleCheck s = ScaleCheck.of(plan, RuleSet.compile(plan), profile);
    long[] checked = new long[1];
    long[] failed = new long[1];
    RowChunk rc = chunk();
    for (int r = 0; r < rc.size; r++) {
      assertNull(s.test(rc, r, true, checked, failed));
    }
    assertArrayEquals(new long[] {X.length}, checked);
    assertArrayEquals(new long[] {0}, failed);
  }
}
