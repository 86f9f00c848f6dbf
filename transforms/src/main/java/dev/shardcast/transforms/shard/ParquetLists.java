package dev.shardcast.transforms.shard;

import java.util.function.IntConsumer;
import org.apache.parquet.io.api.RecordConsumer;

/** Writes one value of a standard three-level LIST column, so DuckDB, pyarrow and Arrow read it as a list. */
final class ParquetLists {
  private ParquetLists() {}

  /**
   * {@code name: group { repeated group list { element } }} with {@code len} elements, each written
   * by {@code addElement}; an empty list has no {@code list} field at all.
   *
   * @return the next field index
   */
  static int write(RecordConsumer out, String name, int field, int len, IntConsumer addElement) {
    out.startField(name, field);
    out.startGroup();
    if (len > 0) {
      out.startField("list", 0);
      for (int t = 0; t < len; t++) {
        out.startGroup();
        out.startField("element", 0);
        addElement.accept(t);
        out.endField("element", 0);
        out.endGroup();
      }
      out.endField("list", 0);
    }
    out.endGroup();
    out.endField(name, field);
    return field + 1;
  }
}
