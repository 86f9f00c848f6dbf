package dev.shardcast.transforms.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * A numeric column's values for its quantiles and histogram, the same whatever the order of updates
 * and merges (runners split and merge profiles differently run to run):
 * <ul>
 *   <li>up to {@link #EXACT_LIMIT} values, every value (a KLL sketch that is never filled far enough
 *       to compact): quantiles and histograms are exact;
 *   <li>beyond that, counts per signed log-magnitude bin, {@link #BINS_PER_ORDER} bins per order of
 *       ten (as DDSketch does), each with the smallest magnitude it holds: a quantile is a value of the
 *       data within 0.23 % of the exact quantile (one bin), and a histogram counts a bin's values
 *       where that value of the bin falls.
 * </ul>
 * A KLL sketch past its first compaction would be smaller, but it compacts at random, with a generator
 * inside the library that no seed reaches: the same data gave other histogram counts and another PSI
 * on every run.
 */
final class ValueSketch {
  /** Values kept exactly; a KLL sketch of k 16384 holds this many without compacting. */
  static final int EXACT_LIMIT = 16384;
  static final int BINS_PER_ORDER = 1000;

  private KllDoublesSketch exact = KllDoublesSketch.newHeapInstance(EXACT_LIMIT); // null once binned
  private LogBins positive;
  private LogBins negative; // by |x|
  private long zeros;
  private long binned;

  void update(double v) {
    update(v, v == 0 ? 0 : key(Math.abs(v)));
  }

  /** {@code key}: {@link #key} of |v| (any for 0), when the caller has it already. */
  void update(double v, int key) {
    if (exact != null) {
      if (exact.getN() < EXACT_LIMIT) {
        exact.update(v);
        return;
      }
      toBins();
    }
    bin(v, key);
  }

  /** Merges {@code other} into this sketch (other does not change). */
  void merge(ValueSketch other) {
    if (exact != null && other.exact != null && exact.getN() + other.exact.getN() <= EXACT_LIMIT) {
      exact.merge(other.exact);
      return;
    }
    if (exact != null) {
      toBins();
    }
    if (other.exact != null) {
      if (!other.exact.isEmpty()) {
        for (double v : other.exact.getSortedView().getQuantiles()) {
          update(v);
        }
      }
    } else {
      positive.addAll(other.positive);
      negative.addAll(other.negative);
      zeros += other.zeros;
      binned += other.binned;
    }
  }

  boolean isEmpty() {
    return exact != null ? exact.isEmpty() : binned == 0;
  }

  /** Whether every value is kept (quantiles and histograms exact). */
  boolean isExact() {
    return exact != null;
  }

  /**
   * The value at normalized rank q (the smallest whose rank is at least q), within [min, max]; NaN
   * when there are no values.
   */
  double quantile(double q, double min, double max) {
    if (isEmpty()) {
      return Double.NaN;
    }
    if (exact != null) {
      return exact.getQuantile(q);
    }
    long rank = Math.max(1, (long) Math.ceil(q * binned));
    long seen = 0;
    Bins b = bins();
    for (int i = 0; i < b.values.length; i++) {
      seen += b.counts[i];
      if (seen >= rank) {
        return Math.min(max, Math.max(min, b.values[i]));
      }
    }
    return max;
  }

  /**
   * Fraction of the values per bin [edges[i], edges[i+1]); the outer bins take everything below the
   * first and above the last edge (only the interior edges are split points). A value equal to an
   * edge counts in the bin it starts, as the report's histogram definition says. All zeros when there
   * are no values.
   */
  double[] fractions(double[] edges) {
    int bins = edges.length - 1;
    if (bins == 1) {
      return new double[] {1.0};
    }
    if (isEmpty()) {
      return new double[bins];
    }
    double[] splits = Arrays.copyOfRange(edges, 1, bins);
    if (exact != null) {
      return exact.getPMF(splits, QuantileSearchCriteria.EXCLUSIVE);
    }
    double[] out = new double[bins];
    Bins b = bins();
    for (int i = 0; i < b.values.length; i++) {
      out[splitsAtOrBelow(splits, b.values[i])] += b.counts[i];
    }
    for (int i = 0; i < bins; i++) {
      out[i] /= binned;
    }
    return out;
  }

  private static int splitsAtOrBelow(double[] splits, double v) {
    int lo = 0;
    int hi = splits.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (splits[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void toBins() {
    KllDoublesSketch values = exact;
    exact = null;
    positive = LogBins.withLows();
    negative = LogBins.withLows();
    if (!values.isEmpty()) {
      for (double v : values.getSortedView().getQuantiles()) {
        update(v);
      }
    }
  }

  private void bin(double v, int key) {
    binned++;
    if (v == 0) {
      zeros++;
    } else if (v > 0) {
      positive.add(key, 1, v);
    } else {
      negative.add(key, 1, -v);
    }
  }

  /** The bin of a magnitude: round(log10|x| x {@link #BINS_PER_ORDER}). */
  static int key(double magnitude) {
    return (int) Math.round(Math.log10(magnitude) * BINS_PER_ORDER);
  }

  /** The bins in ascending order of value: each bin's value of least magnitude, and its count. */
  private record Bins(double[] values, long[] counts) {}

  private Bins bins() {
    LogBins.Sorted neg = negative.sorted();
    LogBins.Sorted pos = positive.sorted();
    int n = neg.keys().length + (zeros > 0 ? 1 : 0) + pos.keys().length;
    double[] values = new double[n];
    long[] counts = new long[n];
    int at = 0;
    for (int i = neg.keys().length - 1; i >= 0; i--) { // the largest magnitude is the smallest value
      values[at] = -neg.lows()[i];
      counts[at++] = neg.counts()[i];
    }
    if (zeros > 0) {
      counts[at++] = zeros;
    }
    for (int i = 0; i < pos.keys().length; i++) {
      values[at] = pos.lows()[i];
      counts[at++] = pos.counts()[i];
    }
    return new Bins(values, counts);
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeBoolean(exact != null);
    if (exact != null) {
      byte[] bytes = exact.toByteArray();
      out.writeInt(bytes.length);
      out.write(bytes);
    } else {
      out.writeLong(zeros);
      positive.writeTo(out);
      negative.writeTo(out);
    }
  }

  static ValueSketch readFrom(DataInputStream in) throws IOException {
    ValueSketch s = new ValueSketch();
    if (in.readBoolean()) {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      s.exact = KllDoublesSketch.heapify(Memory.wrap(bytes));
    } else {
      s.exact = null;
      s.zeros = in.readLong();
      s.positive = LogBins.readFrom(in, true);
      s.negative = LogBins.readFrom(in, true);
      s.binned = s.zeros + s.positive.total() + s.negative.total();
    }
    return s;
  }
}
