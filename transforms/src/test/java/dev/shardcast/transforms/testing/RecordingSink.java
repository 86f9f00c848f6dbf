package dev.shardcast.transforms.testing;

import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.read.RowSink;
import java.util.ArrayList;
import java.util.List;

/** A reader's sink for tests: keeps every good row (values copied, the reader reuses its array) and every quarantine record. */
public final class RecordingSink implements RowSink {
  /** A good row as the sink got it. */
  public record Row(String series, long time, long line, double[] values) {}

  public final List<Row> rows = new ArrayList<>();
  public final List<QuarantineRecord> bad = new ArrayList<>();

  @Override
  public void row(String series, long epochMillis, long line, double[] values) {
    rows.add(new Row(series, epochMillis, line, values.clone()));
  }

  @Override
  public void quarantine(QuarantineRecord record) {
    bad.add(record);
  }

  /** The quarantine record of a line; fails the test when there is none. */
  public QuarantineRecord at(long line) {
    return bad.stream().filter(q -> q.line() == line).findFirst().orElseThrow(() -> new AssertionError(
        "no quarantine record at line " + line + ": " + bad));
  }
}
