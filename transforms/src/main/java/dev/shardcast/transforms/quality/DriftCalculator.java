package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.QualityConfig;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Drift of one column's current profile against its statistics in a baseline report: mean shift in
 * baseline standard deviations, population stability index (PSI) over the baseline's histogram bins,
 * and the ratio of robust magnitudes (median |x|), which shows a unit change as a clean factor.
 *
 * <p>Text columns are not compared (there is no numeric summary to compare); they get status pass
 * and say so in the message, so the report lists every drift column it was asked about.
 */
public final class DriftCalculator {
  /**
   * Stand-in for an empty bin's fraction in PSI: ln(c/b) is infinite when either side is 0. 1e-4 is
   * the usual choice; a bin holding 1% on one side and nothing on the other then adds about 0.046.
   */
  static final double EMPTY_BIN = 1e-4;

  private DriftCalculator() {}

  public static QualityReport.DriftResult compare(String column, QualityReport.ColumnStats baseline,
      ColumnProfile current, QualityConfig.Limits meanShift, QualityConfig.Limits psi) {
    if (current.isText() || ColumnProfile.TEXT.equals(baseline.type())) {
      return new QualityReport.DriftResult(column, null, null, null, QualityReport.PASS,
          "text column: not compared");
    }
    if (baseline.count() == 0 || baseline.mean() == null || current.count() == 0) {
      // Nothing numeric to compare; a column that became all-null is a matter for the nullable rule.
      String which = current.count() == 0 ? "current" : "baseline";
      return new QualityReport.DriftResult(column, null, null, null, QualityReport.PASS,
          "no values in the " + which + " data: not compared");
    }
    List<String> exceeded = new ArrayList<>();
    String status = QualityReport.PASS;

    Double shift = null;
    double mean = current.mean();
    Double std = baseline.std();
    if (std != null && std > 0) {
      shift = Math.abs(mean - baseline.mean()) / std;
      status = worse(status, check("mean shift", shift, " std", meanShift, exceeded));
    } else if (mean == baseline.mean()) {
      shift = 0.0;
    } else {
      // An infinite shift: it exceeds whatever limit is set, but JSON has no infinity, so report null.
      String s = limitStatus(Double.POSITIVE_INFINITY, meanShift);
      status = worse(status, s);
      String limit = s.equals(QualityReport.PASS) ? "" : ": mean shift > " + limitText(s, meanShift);
      exceeded.add("baseline is constant (" + fmt(baseline.mean()) + ") but the mean is now " + fmt(mean) + limit);
    }

    Double psiValue = psi(baseline.histogram(), current);
    if (psiValue != null) {
      status = worse(status, check("psi", psiValue, "", psi, exceeded));
    }

    Double scale = null;
    double currentMag = current.medianAbs();
    Double baselineMag = baseline.medianAbs();
    if (baselineMag != null && baselineMag != 0 && !Double.isNaN(currentMag) && currentMag != 0) {
      scale = currentMag / baselineMag;
    }

    String message = exceeded.isEmpty() ? "within limits" : String.join("; ", exceeded);
    return new QualityReport.DriftResult(column, shift, psiValue, scale, status, message);
  }

  /**
   * PSI = Σ (c − b) ln(c / b) over the baseline's bins, b from the baseline counts and c from the
   * current sketch (out-of-range values in the outer bins); a 0 on either side becomes
   * {@link #EMPTY_BIN}. Null when the baseline has no histogram.
   */
  static Double psi(QualityReport.Histogram baseline, ColumnProfile current) {
    if (baseline == null || baseline.counts() == null || baseline.counts().isEmpty()) {
      return null;
    }
    long total = 0;
    for (long c : baseline.counts()) {
      total += c;
    }
    if (total == 0) {
      return null;
    }
    double[] currentFractions = current.binFractions(baseline.edges());
    if (currentFractions.length != baseline.counts().size()) {
      throw new IllegalArgumentException("baseline histogram has " + baseline.edges().size() + " edges but "
          + baseline.counts().size() + " counts");
    }
    double sum = 0;
    for (int i = 0; i < currentFractions.length; i++) {
      double b = Math.max((double) baseline.counts().get(i) / total, EMPTY_BIN);
      double c = Math.max(currentFractions[i], EMPTY_BIN);
      sum += (c - b) * Math.log(c / b);
    }
    return sum;
  }

  /** The worst of pass, warn and fail; pass for an empty list. */
  public static String worst(List<String> statuses) {
    String worst = QualityReport.PASS;
    for (String s : statuses) {
      worst = worse(worst, s);
    }
    return worst;
  }

  private static String worse(String a, String b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(String status) {
    if (status == null) {
      throw new IllegalArgumentException("status is null");
    }
    return switch (status) {
      case QualityReport.PASS -> 0;
      case QualityReport.WARN -> 1;
      case QualityReport.FAIL -> 2;
      default -> throw new IllegalArgumentException("unknown status '" + status + "'");
    };
  }

  /** Status of one metric against its limits; records a message line when a limit is exceeded. */
  private static String check(String metric, double value, String unit, QualityConfig.Limits limits,
      List<String> exceeded) {
    String status = limitStatus(value, limits);
    if (!status.equals(QualityReport.PASS)) {
      exceeded.add(metric + " " + fmt(value) + unit + " > " + limitText(status, limits));
    }
    return status;
  }

  /** "error limit 3.0" or "warn limit 0.5": the limit that gave a fail or warn status. */
  private static String limitText(String status, QualityConfig.Limits limits) {
    return status.equals(QualityReport.FAIL) ? "error limit " + limits.error() : "warn limit " + limits.warn();
  }

  /** fail when above a set error limit, else warn when above a set warn limit, else pass. */
  private static String limitStatus(double value, QualityConfig.Limits limits) {
    if (limits == null) {
      return QualityReport.PASS;
    }
    if (limits.error() != null && value > limits.error()) {
      return QualityReport.FAIL;
    }
    if (limits.warn() != null && value > limits.warn()) {
      return QualityReport.WARN;
    }
    return QualityReport.PASS;
  }

  /** Three significant digits, no exponent for everyday magnitudes: 3.1, 0.0123, 1000. */
  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros();
    double abs = Math.abs(v);
    return abs == 0 || (abs >= 1e-6 && abs < 1e12) ? d.toPlainString() : d.toString();
  }
}
