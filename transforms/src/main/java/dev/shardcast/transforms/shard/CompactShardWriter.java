package dev.shardcast.transforms.shard;

import dev.shardcast.transforms.core.WindowSegment;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Encodes the segments of one compact shard file ({@link ShardSchema#compactParquetSchema()}), in
 * memory, one segment per row, one row group. The bytes depend only on the segments and their order.
 */
public final class CompactShardWriter {
  private CompactShardWriter() {}

  public static byte[] encode(ShardSchema schema, List<WindowSegment> segments) throws IOException {
    InMemoryOutputFile out = new InMemoryOutputFile();
    try (ParquetWriter<WindowSegment> writer =
        new Builder(out, schema)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withDictionaryEncoding(ShardSchema.SERIES_KEY, true)
            .withRowGroupSize(512L * 1024 * 1024)
            .withConf(new Configuration(false))
            .build()) {
      for (WindowSegment s : segments) {
        writer.write(s);
      }
    }
    return out.toByteArray();
  }

  private static final class Builder extends ParquetWriter.Builder<WindowSegment, Builder> {
    private final ShardSchema schema;

    Builder(OutputFile file, ShardSchema schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<WindowSegment> getWriteSupport(Configuration conf) {
      return new SegmentWriteSupport(schema);
    }
  }

  private static final class SegmentWriteSupport extends WriteSupport<WindowSegment> {
    private final ShardSchema schema;
    private final MessageType type;
    private final List<String> columns;
    private RecordConsumer out;

    SegmentWriteSupport(ShardSchema schema) {
      this.schema = schema;
      this.type = schema.compactParquetSchema();
      this.columns = schema.segmentColumns();
    }

    @Override
    public WriteContext init(Configuration conf) {
      Map<String, String> meta = new HashMap<>();
      meta.put("shardcast.format_version", Integer.toString(ShardSchema.FORMAT_VERSION));
      meta.put("shardcast.layout", "compact");
      return new WriteContext(type, meta);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(WindowSegment s) {
      int field = 0;
      out.startMessage();
      out.startField(ShardSchema.SERIES_KEY, field);
      out.addBinary(Binary.fromString(s.series));
      out.endField(ShardSchema.SERIES_KEY, field++);
      field = list(ShardSchema.TIME, field, s.points(), t -> out.addLong(s.times[t]));
      field = list(ShardSchema.WINDOW_OFFSET, field, s.windows(), k -> out.addInteger(s.offsets[k]));
      if (schema.hasLineage()) {
        field = list(ShardSchema.SOURCE, field, s.windows(), k -> out.addBinary(Binary.fromString(s.sources[k])));
      }
      for (int c = 0; c < columns.size(); c++) {
        float[] v = s.values[c];
        String name = ShardSchema.valueColumn(columns.get(c));
        field = list(name, field, v.length, t -> out.addFloat(v[t]));
        if (schema.hasMasks()) {
          byte[] f = s.filled[c];
          field = list(ShardSchema.filledColumn(name), field, f.length, t -> out.addBoolean(f[t] != 0));
        }
      }
      out.endMessage();
    }

    private int list(String name, int field, int len, IntConsumer addElement) {
      return ParquetLists.write(out, name, field, len, addElement);
    }
  }
}
