package dev.shardcast.transforms.core;

import java.util.Arrays;

/**
 * Parsed rows of one series from one source file, column-wise: grid step, timestamp, source line and
 * {@code width} values per row (row-major, NaN for an empty cell). The unit that travels between
 * the reader and the windowing step, so no Beam element is ever a single value or row.
 */
public final class RowChunk implements java.io.Serializable {
  public final String series;
  public final String source;
  /** The named input source the rows came from (see JobPlan#sources). */
  public final String origin;
  public final int width;
  public final int size;
  public final long[] steps;
  public final long[] times;
  public final long[] lines;
  public final double[] values;
  /**
   * Per-row file and source name, only in chunks that mix sources (events ranked across files, see
   * RankEvents); null when every row has the chunk's {@link #source} and {@link #origin}.
   */
  public final String[] rowSources;
  public final String[] rowOrigins;

  public RowChunk(String series, String source, int width, int size, long[] steps, long[] times, long[] lines, double[] values) {
    this(series, source, dev.shardcast.transforms.config.JobPlan.DEFAULT_SOURCE, width, size, steps, times, lines, values);
  }

  public RowChunk(String series, String source, String origin, int width, int size, long[] steps, long[] times,
      long[] lines, double[] values) {
    this(series, source, origin, width, size, steps, times, lines, values, null, null);
  }

  public RowChunk(String series, String source, String origin, int width, int size, long[] steps, long[] times,
      long[] lines, double[] values, String[] rowSources, String[] rowOrigins) {
    this.rowSources = rowSources;
    this.rowOrigins = rowOrigins;
    this.series = series;
    this.source = source;
    this.origin = origin;
    this.width = width;
    this.size = size;
    this.steps = steps;
    this.times = times;
    this.lines = lines;
    this.values = values;
  }

  /** The file row {@code r} came from. */
  public String sourceOf(int r) {
    return rowSources == null ? source : rowSources[r];
  }

  /** The named source row {@code r} came from. */
  public String originOf(int r) {
    return rowOrigins == null ? origin : rowOrigins[r];
  }

  public double value(int row, int column) {
    return values[row * width + column];
  }

  /**
   * Rows {@code [from, to)} as a chunk of their own, at grid steps {@code firstStep, firstStep + 1, ...}:
   * the same chunk a {@link Builder} of this chunk's series, source and origin makes from those rows.
   */
  public RowChunk slice(int from, int to, long firstStep) {
    int n = to - from;
    long[] newSteps = new long[n];
    for (int i = 0; i < n; i++) {
      newSteps[i] = firstStep + i;
    }
    String[] sources = null;
    String[] origins = null;
    if (rowSources != null) {
      for (int r = from; r < to; r++) {
        if (!rowSources[r].equals(source) || !rowOrigins[r].equals(origin)) {
          sources = Arrays.copyOfRange(rowSources, from, to);
          origins = Arrays.copyOfRange(rowOrigins, from, to);
          break;
        }
      }
    }
    return new RowChunk(series, source, origin, width, n, newSteps, Arrays.copyOfRange(times, from, to),
        Arrays.copyOfRange(lines, from, to), Arrays.copyOfRange(values, from * width, to * width), sources, origins);
  }

  /** Accumulates rows for one series; {@link #build()} trims the arrays. */
  public static final class Builder {
    private final String series;
    private final String source;
    private final String origin;
    private final int width;
    private int size;
    private long[] steps = new long[16];
    private long[] times = new long[16];
    private long[] lines = new long[16];
    private double[] values;
    private String[] rowSources; // allocated when a row's file or source differs from the builder's
    private String[] rowOrigins;

    public Builder(String series, String source, int width) {
      this(series, source, dev.shardcast.transforms.config.JobPlan.DEFAULT_SOURCE, width);
    }

    public Builder(String series, String source, String origin, int width) {
      this.series = series;
      this.source = source;
      this.origin = origin;
      this.width = width;
      this.values = new double[16 * width];
    }

    public void add(long step, long time, long line, double[] rowValues) {
      add(step, time, line, rowValues, source, origin);
    }

    /** A row from {@code rowSource} (file) of {@code rowOrigin} (named source), which may differ per row. */
    public void add(long step, long time, long line, double[] rowValues, String rowSource, String rowOrigin) {
      if (size == steps.length) {
        int cap = size * 2;
        steps = Arrays.copyOf(steps, cap);
        times = Arrays.copyOf(times, cap);
        lines = Arrays.copyOf(lines, cap);
        values = Arrays.copyOf(values, cap * width);
        if (rowSources != null) {
          rowSources = Arrays.copyOf(rowSources, cap);
          rowOrigins = Arrays.copyOf(rowOrigins, cap);
        }
      }
      if (rowSources == null && (!rowSource.equals(source) || !rowOrigin.equals(origin))) {
        rowSources = new String[steps.length];
        rowOrigins = new String[steps.length];
        Arrays.fill(rowSources, 0, size, source);
        Arrays.fill(rowOrigins, 0, size, origin);
      }
      if (rowSources != null) {
        rowSources[size] = rowSource;
        rowOrigins[size] = rowOrigin;
      }
      steps[size] = step;
      times[size] = time;
      lines[size] = line;
      System.arraycopy(rowValues, 0, values, size * width, width);
      size++;
    }

    public int size() {
      return size;
    }

    public RowChunk build() {
      return new RowChunk(series, source, origin, width, size, Arrays.copyOf(steps, size), Arrays.copyOf(times, size),
          Arrays.copyOf(lines, size), Arrays.copyOf(values, size * width),
          rowSources == null ? null : Arrays.copyOf(rowSources, size), rowOrigins == null ? null : Arrays.copyOf(rowOrigins, size));
    }
  }
}
