package dev.shardcast.transforms.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an incremental span needs of the spans before it, per series: where the series starts (its
 * windows start on its own stride grid from there) and where it ended, and its last rows as the grid
 * kept them (after duplicates and conflicts were settled, before any gap fill). A window that crosses
 * the old/new boundary reaches at most {@link ChunkLayout#lookBack()} steps back from the first new
 * window's start (span - 1, plus max_fill for the fill), so those rows are all the next span reads of
 * the old data: they are context, never checked, counted or windowed again on their own.
 */
public record SpanTail(
    String series,
    @JsonProperty("first_step") long firstStep,
    @JsonProperty("last_step") long lastStep,
    @JsonProperty("first_time") long firstTime,
    @JsonProperty("last_time") long lastTime,
    List<Point> points) implements Serializable {

  /** The {@link RowChunk#source} of context rows: they come from earlier spans, not from a file. */
  public static final String SOURCE = "(earlier span)";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One kept row: its step, time, named source, and values (null for an empty cell). */
  public record Point(long step, long time, String origin, List<Double> values) implements Serializable {}

  /** The part of a tail that one chunk owns. */
  public static SpanTail of(String series, SeriesExtent extent, List<Point> points) {
    return new SpanTail(series, extent.firstStep(), extent.lastStep(), extent.firstTime(), extent.lastTime(), points);
  }

  /** The series' extent in the next span: the earlier spans' rows count as context up to its last step. */
  public SeriesExtent extent() {
    return new SeriesExtent(firstStep, lastStep, firstTime, lastTime, lastStep);
  }

  /** Two chunks' parts of one series' tail (each owns other steps). */
  public SpanTail merge(SpanTail o) {
    List<Point> all = new ArrayList<>(points);
    all.addAll(o.points);
    all.sort(Comparator.comparingLong(Point::step));
    return new SpanTail(series, Math.min(firstStep, o.firstStep), Math.max(lastStep, o.lastStep),
        Math.min(firstTime, o.firstTime), Math.max(lastTime, o.lastTime), all);
  }

  /** A point from the grid: {@code values} as the row had them (NaN: empty cell). */
  public static Point point(long step, long time, String origin, double[] values) {
    List<Double> v = new ArrayList<>(values.length);
    for (double d : values) {
      v.add(Double.isNaN(d) ? null : d);
    }
    return new Point(step, time, origin, v);
  }

  /** The tail's rows as context row chunks, keyed by every (series, chunk) that must receive them. */
  public Map<Long, RowChunk> chunks(ChunkLayout layout, int width) {
    Map<Long, RowChunk.Builder> builders = new TreeMap<>();
    double[] row = new double[width];
    for (Point p : points) {
      for (int j = 0; j < width; j++) {
        Double d = p.values().get(j);
        row[j] = d == null ? Double.NaN : d;
      }
      layout.chunksOf(p.step(), chunk -> builders
          .computeIfAbsent(chunk, c -> new RowChunk.Builder(series, SOURCE, p.origin(), width))
          .add(p.step(), p.time(), 0, row, SOURCE, p.origin()));
    }
    Map<Long, RowChunk> out = new TreeMap<>();
    builders.forEach((chunk, b) -> out.put(chunk, b.build()));
    return out;
  }

  public String toJsonLine() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SpanTail fromJsonLine(String line) throws IOException {
    return JSON.readValue(line, SpanTail.class);
  }
}
