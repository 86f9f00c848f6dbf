package dev.shardcast.transforms.read;

import dev.shardcast.transforms.config.JobPlan;
import java.time.Instant;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * A Parquet timestamp column as epoch milliseconds: TIMESTAMP (any unit), DATE, a plain INT64 read
 * with the job's epoch format, text parsed with the job's timestamp format, or a plain INT32/INT64
 * whose decimal digits the job's java.time pattern reads (a year column 1992 with {@code format: yyyy}).
 */
final class TimeColumn {
  final long[] millis;
  private final String[] text; // the original text; null where it is derived from millis or empty
  final String[] error; // null where the value is a good timestamp
  /**
   * A TIMESTAMP, DATE or epoch column: its text is written from millis when asked (a rule, a
   * quarantine record), not for every row; building three million ISO strings was a fifth of a read.
   */
  private boolean derivedText;

  private TimeColumn(int n) {
    millis = new long[n];
    text = new String[n];
    error = new String[n];
  }

  /** Row r's timestamp as text: the original text, or ISO-8601 of a numeric one; null when empty. */
  String text(int r) {
    if (derivedText && error[r] == null) {
      return Instant.ofEpochMilli(millis[r]).toString();
    }
    return text[r];
  }

  static TimeColumn read(ColumnReader cr, ColumnDescriptor d, int n, JobPlan plan) {
    TimeColumn out = new TimeColumn(n);
    PrimitiveType type = d.getPrimitiveType();
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    long divisor = 1;
    long multiplier = 1;
    // An integer column without a time annotation is an epoch count only under iso/epoch_*; with a
    // pattern such as yyyy its digits are the text the pattern was written for (1992, not 1992 ms).
    boolean digitsAsText = plan.timestampParser().isPattern()
        && (logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation);
    if (logical instanceof TimestampLogicalTypeAnnotation ts) {
      switch (ts.getUnit()) {
        case MICROS -> divisor = 1_000;
        case NANOS -> divisor = 1_000_000;
        default -> { }
      }
    } else if (logical instanceof DateLogicalTypeAnnotation) {
      multiplier = 86_400_000L;
    } else if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
        && plan.timestampParser().format().equals("epoch_seconds")) {
      multiplier = 1000;
    }
    for (int r = 0; r < n; r++) {
      if (cr.getCurrentDefinitionLevel() != d.getMaxDefinitionLevel()) {
        out.error[r] = "timestamp is empty";
      } else if (digitsAsText && (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
          || type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32)) {
        out.text[r] = type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
            ? Long.toString(cr.getLong()) : Integer.toString(cr.getInteger());
        parseText(out, r, plan);
      } else {
        switch (type.getPrimitiveTypeName()) {
          case INT64 -> {
            out.millis[r] = Math.floorDiv(cr.getLong(), divisor) * multiplier;
            out.derivedText = true;
          }
          case INT32 -> {
            out.millis[r] = cr.getInteger() * multiplier;
            out.derivedText = true;
          }
          case BINARY -> {
            out.text[r] = cr.getBinary().toStringUsingUTF8();
            parseText(out, r, plan);
          }
          default -> throw new IllegalArgumentException(
              "timestamp column '" + d.getPath()[0] + "' has unsupported type " + type);
        }
      }
      cr.consume();
    }
    return out;
  }

  private static void parseText(TimeColumn out, int r, JobPlan plan) {
    try {
      out.millis[r] = plan.timestampParser().parse(out.text[r]);
    } catch (RuntimeException e) {
      out.error[r] = "not a timestamp in format '" + plan.timestampParser().format() + "'";
    }
  }
}
