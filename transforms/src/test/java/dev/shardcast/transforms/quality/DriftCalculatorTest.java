package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.QualityConfig.Limits;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class DriftCalculatorTest {
  static final Limits MEAN_SHIFT = new Limits(0.5, 3.0);
  static final Limits PSI = new Limits(0.1, 0.25);

  /** 20,000 log-normal values (positive, skewed, like a load or a price) after f. */
  static ColumnProfile profile(long seed, DoubleUnaryOperator f) {
    Random r = new Random(seed);
    ColumnProfile p = ColumnProfile.numeric();
    for (int i = 0; i < 20_000; i++) {
      p.addNumber(f.applyAsDouble(Math.exp(1 + 0.5 * r.nextGaussian())));
    }
    return p;
  }

  @Test
  void identicalDataPasses() {
    ColumnProfile base = profile(1, x -> x);
    // The current profile is the one the baseline summary came from: only the histogram's rounding
    // to whole counts separates the two.
    QualityReport.DriftResult d = DriftCalculator.compare("load", base.summary(20), base, MEAN_SHIFT, PSI);
    assertEquals("load", d.column());
    assertEquals(0, d.meanShiftStd(), 1e-12);
    assertTrue(d.psi() < 0.01, "psi " + d.psi());
    assertEquals(1, d.scaleRatio(), 1e-12);
    assertEquals("pass", d.status());
    assertEquals("within limits", d.message());
  }

  /**
   * The same data profiled twice reads as no drift at all: the value sketch is the same whatever the
   * order of updates and merges (20,000 values: past the exact limit, so binned). With KLL, which
   * compacts at random, the same data read as PSI up to 0.073 over 300 runs.
   */
  @Test
  void sameDataProfiledAgainReadsNoDrift() {
    QualityReport.DriftResult same = DriftCalculator.compare("load", profile(1, x -> x).summary(20),
        profile(1, x -> x), MEAN_SHIFT, null);
    assertEquals(0, same.meanShiftStd(), 1e-9);
    assertEquals(0, same.psi(), 1e-12, "psi " + same.psi());
    assertEquals("pass", same.status());

    QualityReport.DriftResult other = DriftCalculator.compare("load", profile(1, x -> x).summary(20),
        profile(2, x -> x), MEAN_SHIFT, new Limits(0.2, 0.3));
    assertTrue(other.meanShiftStd() < 0.05, "shift " + other.meanShiftStd());
    assertTrue(other.psi() < 0.2, "psi " + other.psi());
    assertEquals(1, other.scaleRatio(), 0.03);
    assertEquals("pass", other.status());
  }

  @Test
  void unitChangeShowsAsScaleRatioAndFails() {
    QualityReport.DriftResult d = DriftCalculator.compare("load", profile(1, x -> x).summary(20),
        profile(1, x -> 1000 * x), MEAN_SHIFT, PSI);
    // Two independently compacted sketches: each median is off by up to ~0.5% here (the worst ratio
    // error over 300 runs was 1.05%), so 2% rather than 1%.
    assertEquals(1000, d.scaleRatio(), 20);
    // Everything lands in the baseline's top bin: psi is far above any sane limit.
    assertTrue(d.psi() > 5, "psi " + d.psi());
    assertTrue(d.meanShiftStd() > 1000, "shift " + d.meanShiftStd());
    assertEquals("fail", d.status());
    assertTrue(d.message().contains("> error limit 3.0"), d.message());
    assertTrue(d.message().contains("psi "), d.message());
  }

  @Test
  void twoStdMeanShiftWarns() {
    ColumnProfile base = profile(1, x -> x);
    double shift = 2 * base.std();
    QualityReport.DriftResult d = DriftCalculator.compare("load", base.summary(20), profile(1, x -> x + shift),
        MEAN_SHIFT, null); // psi not limited: only the mean shift decides
    assertEquals(2.0, d.meanShiftStd(), 1e-9);
    assertEquals("warn", d.status());
    assertEquals("mean shift 2 std > warn limit 0.5", d.message());
    assertTrue(d.psi() > 1, "psi " + d.psi());
  }

  @Test
  void psiLimitAloneDecides() {
    // Half the values moved up by one std: mean shift 0.5 std (not above warn 0.5), psi well above 0.25.
    ColumnProfile base = profile(1, x -> x);
    double std = base.std();
    int[] i = {0};
    ColumnProfile cur = profile(1, x -> i[0]++ % 2 == 0 ? x + 2 * std : x);
    QualityReport.DriftResult d = DriftCalculator.compare("load", base.summary(20), cur, new Limits(null, 5.0), PSI);
    assertEquals(1.0, d.meanShiftStd(), 1e-9);
    assertTrue(d.psi() > 0.25, "psi " + d.psi());
    assertEquals("fail", d.status());
    assertTrue(d.message().startsWith("psi ") && d.message().endsWith(" > error limit 0.25"), d.message());
  }

  @Test
  void psiOfKnownFractions() {
    ColumnProfile base = ColumnProfile.numeric();
    ColumnProfile cur = ColumnProfile.numeric();
    for (int v = 0; v < 100; v++) { // fewer than k values: exact
      base.addNumber(v < 50 ? 1 : 3); // baseline 50/50
      cur.addNumber(v < 80 ? 1 : 3); // current 80/20
    }
    QualityReport.Histogram h = new QualityReport.Histogram(List.of(0.0, 2.0, 4.0), List.of(50L, 50L));
    double expected = (0.8 - 0.5) * Math.log(0.8 / 0.5) + (0.2 - 0.5) * Math.log(0.2 / 0.5);
    assertEquals(expected, DriftCalculator.psi(h, cur), 1e-12);
    assertEquals(0.4158883, expected, 1e-7);
    // An empty current bin uses 1e-4 instead of 0.
    QualityReport.Histogram h3 =
        new QualityReport.Histogram(List.of(0.0, 2.0, 4.0, 6.0), List.of(50L, 50L, 0L));
    assertEquals(expected, DriftCalculator.psi(h3, cur), 1e-12); // both sides 1e-4: adds 0
    QualityReport.Histogram h1 = new QualityReport.Histogram(List.of(0.0, 2.0, 4.0), List.of(100L, 0L));
    double oneSided = (0.8 - 1) * Math.log(0.8) + (0.2 - 1e-4) * Math.log(0.2 / 1e-4);
    assertEquals(oneSided, DriftCalculator.psi(h1, cur), 1e-12);
  }

  @Test
  void constantBaseline() {
    ColumnProfile base = ColumnProfile.numeric();
    ColumnProfile same = ColumnProfile.numeric();
    ColumnProfile moved = ColumnProfile.numeric();
    for (int i = 0; i < 10; i++) {
      base.addNumber(7);
      same.addNumber(7);
      moved.addNumber(8);
    }
    QualityReport.DriftResult d = DriftCalculator.compare("c", base.summary(10), same, MEAN_SHIFT, PSI);
    assertEquals(0.0, d.meanShiftStd());
    assertEquals(0.0, d.psi(), 1e-12);
    assertEquals("pass", d.status());

    d = DriftCalculator.compare("c", base.summary(10), moved, MEAN_SHIFT, PSI);
    assertNull(d.meanShiftStd());
    assertEquals("fail", d.status());
    assertEquals("baseline is constant (7) but the mean is now 8: mean shift > error limit 3.0", d.message());
    assertEquals(8.0 / 7, d.scaleRatio(), 8.0 / 7 * 0.0024, "two medians, each to the 1/1000-order bins");
  }

  @Test
  void textAndEmptyColumnsAreNotCompared() {
    ColumnProfile text = ColumnProfile.text();
    text.addText("x");
    QualityReport.DriftResult d = DriftCalculator.compare("city", text.summary(10), text, MEAN_SHIFT, PSI);
    assertEquals("pass", d.status());
    assertEquals("text column: not compared", d.message());
    assertNull(d.psi());

    ColumnProfile empty = ColumnProfile.numeric();
    empty.addNumber(Double.NaN);
    d = DriftCalculator.compare("load", profile(1, x -> x).summary(10), empty, MEAN_SHIFT, PSI);
    assertEquals("pass", d.status());
    assertEquals("no values in the current data: not compared", d.message());
  }

  @Test
  void worstStatus() {
    assertEquals("pass", DriftCalculator.worst(List.of()));
    assertEquals("warn", DriftCalculator.worst(List.of("pass", "warn", "pass")));
    assertEquals("fail", DriftCalculator.worst(List.of("warn", "fail", "pass")));
    assertThrows(IllegalArgumentException.class, () -> DriftCalculator.worst(List.of("ok")));
  }

  @Test
  void numbersInMessagesHaveThreeSignificantDigits() {
    assertEquals("3.1", DriftCalculator.fmt(3.1));
    assertEquals("1000", DriftCalculator.fmt(1000.4));
    assertEquals("0.0123", DriftCalculator.fmt(0.012345));
    assertEquals("2", DriftCalculator.fmt(2.0000000001));
  }
}
