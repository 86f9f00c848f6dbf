package dev.shardcast.transforms.read;

import dev.shardcast.transforms.config.Frequency;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Groups the rows a reader produces into {@link RowChunk}s per (series, chunk), and hands them on
 * once {@code maxBuffered} rows are held, so a reader's memory stays bounded whatever the file size.
 *
 * <p>With a regular frequency a row's step is its grid position and it goes to every chunk that
 * needs it ({@link ChunkLayout}); a timestamp off the grid is quarantined. With {@code frequency:
 * none} the step is not known yet (it is the row's rank in its series): rows go to time buckets of
 * {@code eventBucketMillis}, to be ranked by the next step.
 */
public final class RowRouter implements RowSink {

  /** Receives chunks and quarantined rows. */
  public interface Output {
    void chunk(String series, long chunk, RowChunk rows);

    void quarantine(QuarantineRecord record);
  }

  private final Frequency frequency;
  private final ChunkLayout layout;
  private final long eventBucketMillis;
  private final String source;
  private final String origin;
  private final int width;
  private final Output out;
  private final int maxBuffered;
  private final Map<String, Map<Long, RowChunk.Builder>> open = new LinkedHashMap<>();
  private int buffered;
  private long rowsRouted;
  private long quarantined;

  public RowRouter(JobPlan plan, ChunkLayout layout, long eventBucketMillis, String source, Output out, int maxBuffered) {
    this(plan, layout, eventBucketMillis, source, JobPlan.DEFAULT_SOURCE, out, maxBuffered);
  }

  /** @param origin the named input source {@code source} belongs to */
  public RowRouter(JobPlan plan, ChunkLayout layout, long eventBucketMillis, String source, String origin, Output out,
      int maxBuffered) {
    this.origin = origin;
    this.frequency = plan.frequency();
    this.layout = layout;
    this.eventBucketMillis = eventBucketMillis;
    this.source = source;
    this.width = plan.valueColumns().size();
    this.out = out;
    this.maxBuffered = maxBuffered;
  }

  @Override
  public void row(String series, long epochMillis, long line, double[] values) {
    rowsRouted++;
    Map<Long, RowChunk.Builder> chunks = open.computeIfAbsent(series, s -> new LinkedHashMap<>());
    if (!frequency.isRegular()) {
      long bucket = Math.floorDiv(epochMillis, eventBucketMillis);
      add(chunks, series, bucket, epochMillis, epochMillis, line, values);
    } else {
      long step = frequency.step(epochMillis);
      if (step == Long.MIN_VALUE) {
        rowsRouted--;
        quarantine(new QuarantineRecord(source, line, QuarantineRecord.OFF_FREQUENCY, null,
            java.time.Instant.ofEpochMilli(epochMillis).toString(), frequency.describeOffGrid(epochMillis), null));
        return;
      }
      layout.chunksOf(step, chunk -> add(chunks, series, chunk, step, epochMillis, line, values));
    }
    if (buffered >= maxBuffered) {
      flush();
    }
  }

  private void add(Map<Long, RowChunk.Builder> chunks, String series, long chunk, long step, long time, long line,
      double[] values) {
    chunks.computeIfAbsent(chunk, c -> new RowChunk.Builder(series, source, origin, width)).add(step, time, line, values);
    buffered++;
  }

  @Override
  public void quarantine(QuarantineRecord record) {
    quarantined++;
    out.quarantine(record.origin() == null ? record.withOrigin(origin) : record);
  }

  public void flush() {
    for (Map.Entry<String, Map<Long, RowChunk.Builder>> s : open.entrySet()) {
      for (Map.Entry<Long, RowChunk.Builder> c : s.getValue().entrySet()) {
        out.chunk(s.getKey(), c.getKey(), c.getValue().build());
      }
    }
    open.clear();
    buffered = 0;
  }

  /** Rows that reached a chunk (not quarantined here). */
  public long rowsRouted() {
    return rowsRouted;
  }

  public long quarantined() {
    return quarantined;
  }
}
