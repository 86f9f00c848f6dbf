package dev.shardcast.transforms.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Mergeable profile of one column, either numeric or text. Exact moments (count, min, max, mean,
 * variance) plus sketches for what cannot be merged exactly in bounded memory: an HLL sketch for the
 * distinct count, a {@link ValueSketch} of the values for quantiles and histograms (exact up to 16 k
 * values, then log-magnitude bins: the same result whatever the merge order), and bins of log10|x|
 * for a robust magnitude (median |x|) that a unit change (m → km) moves by a clean factor.
 *
 * <p>Not thread-safe; a profile is built by one worker and then merged.
 */
public final class ColumnProfile {
  public static final String NUMERIC = "numeric";
  public static final String TEXT = "text";
  /** HLL lgK 12: about 1.6% relative standard error, a few KiB per column. */
  static final int HLL_LG_K = 12;
  private static final String[] QUANTILE_KEYS = {"p01", "p05", "p25", "p50", "p75", "p95", "p99"};
  private static final double[] QUANTILE_RANKS = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};

  private static final char[] EMPTY_TEXT = {'\0'};

  private final boolean text;
  private long count;
  private long nulls;
  private HllSketch distinct = new HllSketch(HLL_LG_K);
  // numeric only
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double m2; // sum of squared deviations from the mean (Welford)
  private ValueSketch values;
  /**
   * log10|x| in bins of 1/1000 of an order (key = round(log10|x| * 1000)) -> count. Exact and
   * independent of merge order, unlike a sketch: the scale check's centre decides which rows are
   * quarantined, so it must not move between runs on the same data.
   */
  private LogBins logBins;
  // text only
  private int maxLength;

  private ColumnProfile(boolean text) {
    this.text = text;
    if (!text) {
      values = new ValueSketch();
      logBins = new LogBins();
    }
  }

  public static ColumnProfile numeric() {
    return new ColumnProfile(false);
  }

  public static ColumnProfile text() {
    return new ColumnProfile(true);
  }

  /** An empty profile of the same type, the starting point of a copy by merge. */
  ColumnProfile emptyLike() {
    return new ColumnProfile(text);
  }

  /**
   * Adds one value; NaN counts as null. So do ±Infinity: one infinite value would make mean, std and
   * the histogram's width meaningless, and a quality rule (min/max) is the place to flag it.
   */
  public void addNumber(double v) {
    requireType(false);
    if (!Double.isFinite(v)) {
      nulls++;
      return;
    }
    count++;
    double delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    min = Math.min(min, v);
    max = Math.max(max, v);
    distinct.update(v);
    // One log10 for both: the magnitude bins and the value sketch's bins are the same bins.
    int key = v == 0 ? 0 : ValueSketch.key(Math.abs(v));
    values.update(v, key);
    if (v != 0) {
      logBins.add(key, 1L);
    }
  }

  /** Adds one value; null counts as null, the empty string is a value. */
  public void addText(String s) {
    requireType(true);
    if (s == null) {
      nulls++;
      return;
    }
    count++;
    // HllSketch ignores empty strings; stand in for "" so it counts as one distinct value. The char
    // array hashes like the string "\u0000\u0000", the only (unlikely) value it can be confused with.
    if (s.isEmpty()) {
      distinct.update(EMPTY_TEXT);
    } else {
      distinct.update(s);
    }
    // Code points, not UTF-16 units: what a person means by "length" for a max_length rule.
    maxLength = Math.max(maxLength, s.codePointCount(0, s.length()));
  }

  /** Merges {@code other} into this profile (this changes, other does not); returns this. */
  public ColumnProfile merge(ColumnProfile other) {
    if (other == this) {
      throw new IllegalArgumentException("cannot merge a profile into itself");
    }
    if (other.text != text) {
      throw new IllegalArgumentException("cannot merge a " + other.type() + " profile into a " + type() + " one");
    }
    Union union = new Union(HLL_LG_K);
    union.update(distinct);
    union.update(other.distinct);
    distinct = union.getResult(TgtHllType.HLL_4);
    nulls += other.nulls;
    maxLength = Math.max(maxLength, other.maxLength);
    if (!text && count == 0) {
      // Copy rather than run Chan's update from zero, which would round the mean in its last bit.
      mean = other.mean;
      m2 = other.m2;
      min = other.min;
      max = other.max;
      values.merge(other.values);
      logBins.addAll(other.logBins);
    } else if (!text && other.count > 0) {
      // Chan et al.'s parallel update: exact for the mean and the sum of squared deviations.
      long n = count + other.count;
      double delta = other.mean - mean;
      mean += delta * other.count / n;
      m2 += other.m2 + delta * delta * ((double) count * other.count / n);
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
      values.merge(other.values);
      logBins.addAll(other.logBins);
    }
    count += other.count;
    return this;
  }

  public String type() {
    return text ? TEXT : NUMERIC;
  }

  public boolean isText() {
    return text;
  }

  /** Non-null values. */
  public long count() {
    return count;
  }

  public long nulls() {
    return nulls;
  }

  /** NaN when there are no values (numeric columns only, as are mean and std). */
  public double min() {
    return count == 0 ? Double.NaN : min;
  }

  public double max() {
    return count == 0 ? Double.NaN : max;
  }

  public double mean() {
    return count == 0 || text ? Double.NaN : mean;
  }

  /** Population standard deviation (divides by n, as the scalers do); NaN when there are no values. */
  public double std() {
    return count == 0 || text ? Double.NaN : Math.sqrt(Math.max(0, m2 / count));
  }

  public long approxDistinct() {
    // The composite estimate reads the registers only; the default (HIP) one depends on insertion order,
    // which differs with how a runner splits the data into bundles.
    return Math.round(distinct.getCompositeEstimate());
  }

  /** Longest text value in code points (text columns; 0 for numeric ones). */
  public int maxLength() {
    return maxLength;
  }

  /** Quantile of the values at normalized rank q (exact up to 16 k values, else within 0.12 %); NaN when there are none. */
  public double quantile(double q) {
    return text || values.isEmpty() ? Double.NaN : values.quantile(q, min, max);
  }

  /** Quantile q of log10|x| over the non-zero values, to 1/1000 of an order; NaN when there are none. */
  public double logMagnitudeQuantile(double q) {
    if (text || logBins.isEmpty()) {
      return Double.NaN;
    }
    LogBins.Sorted bins = logBins.sorted();
    long total = java.util.Arrays.stream(bins.counts()).sum();
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < bins.keys().length; i++) {
      seen += bins.counts()[i];
      if (seen >= rank) {
        return bins.keys()[i] / (double) LOG_BINS_PER_ORDER;
      }
    }
    return bins.keys()[bins.keys().length - 1] / (double) LOG_BINS_PER_ORDER;
  }

  static final int LOG_BINS_PER_ORDER = ValueSketch.BINS_PER_ORDER;

  /**
   * Robust magnitude: 10^median(log10|x|) over the non-zero values (zeros carry no scale); NaN when
   * there are none. Unlike the mean it is not moved by a few outliers, and a unit change multiplies it
   * by exactly the conversion factor.
   */
  public double medianAbs() {
    double log = logMagnitudeQuantile(0.5);
    return Double.isNaN(log) ? Double.NaN : Math.pow(10, log);
  }

  /**
   * Fraction of this column's values in each bin of {@code edges} (bin i is [edges[i], edges[i+1])),
   * from the value sketch. Values below the first edge count in the first bin and values above the last
   * edge in the last: PSI needs all of the current mass spread over the baseline's bins, and the
   * outer bins are where out-of-range values belong. All zeros when the column has no values.
   */
  public double[] binFractions(List<Double> edges) {
    requireType(false);
    double[] e = Histograms.checkedEdges(edges);
    if (count == 0) {
      return new double[e.length - 1];
    }
    return values.fractions(e);
  }

  /** Report statistics; {@code bins} equal-width histogram bins between min and max. */
  public QualityReport.ColumnStats summary(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    if (text || count == 0) {
      return new QualityReport.ColumnStats(type(), count, nulls, null, null, null, null, approxDistinct(), null,
          null, null);
    }
    Map<String, Double> quantiles = new LinkedHashMap<>();
    for (int i = 0; i < QUANTILE_KEYS.length; i++) {
      quantiles.put(QUANTILE_KEYS[i], values.quantile(QUANTILE_RANKS[i], min, max));
    }
    double medianAbs = medianAbs();
    return new QualityReport.ColumnStats(type(), count, nulls, min, max, mean, std(), approxDistinct(), quantiles,
        Histograms.equalWidth(values, min, max, count, bins), Double.isNaN(medianAbs) ? null : medianAbs);
  }

  private void requireType(boolean wantText) {
    if (text != wantText) {
      throw new IllegalArgumentException("this is a " + type() + " column");
    }
  }

  // ---- serialization (used by DatasetProfile; the sketches write their own stable formats) ----

  void writeTo(DataOutputStream out) throws IOException {
    out.writeBoolean(text);
    out.writeLong(count);
    out.writeLong(nulls);
    writeBytes(out, distinct.toCompactByteArray());
    if (text) {
      out.writeInt(maxLength);
    } else {
      out.writeDouble(min);
      out.writeDouble(max);
      out.writeDouble(mean);
      out.writeDouble(m2);
      values.writeTo(out);
      logBins.writeTo(out);
    }
  }

  static ColumnProfile readFrom(DataInputStream in) throws IOException {
    ColumnProfile p = new ColumnProfile(in.readBoolean());
    p.count = in.readLong();
    p.nulls = in.readLong();
    p.distinct = HllSketch.heapify(readBytes(in));
    if (p.text) {
      p.maxLength = in.readInt();
    } else {
      p.min = in.readDouble();
      p.max = in.readDouble();
      p.mean = in.readDouble();
      p.m2 = in.readDouble();
      p.values = ValueSketch.readFrom(in);
      p.logBins = LogBins.readFrom(in, false);
    }
    return p;
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }
}
