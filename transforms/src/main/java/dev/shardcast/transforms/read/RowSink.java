package dev.shardcast.transforms.read;

import dev.shardcast.transforms.core.QuarantineRecord;

/** Where a source reader puts what it reads: good rows, and bad rows with their reason. */
public interface RowSink {
  /** @param values one value per configured value column, NaN for an empty cell */
  void row(String series, long epochMillis, long line, double[] values);

  void quarantine(QuarantineRecord record);
}
