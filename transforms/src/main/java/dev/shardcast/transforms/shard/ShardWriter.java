package dev.shardcast.transforms.shard;

import dev.shardcast.transforms.core.WindowBlock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Encodes one batch of windows as one Parquet file, in memory, straight from the block's primitive
 * arrays (no per-value objects). A batch is one row group; the bytes depend only on the windows, so
 * the same windows give the same file.
 */
public final class ShardWriter {
  private ShardWriter() {}

  public static byte[] encode(ShardSchema schema, WindowBlock block) throws IOException {
    InMemoryOutputFile out = new InMemoryOutputFile();
    try (ParquetWriter<Integer> writer =
        new Builder(out, schema, block)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withDictionaryEncoding(ShardSchema.SERIES_KEY, true)
            .withDictionaryEncoding(ShardSchema.SOURCE, true)
            .withRowGroupSize(512L * 1024 * 1024)
            .withConf(new Configuration(false))
            .build()) {
      for (int w = 0; w < block.size; w++) {
        writer.write(w);
      }
    }
    return out.toByteArray();
  }

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final ShardSchema schema;
    private final WindowBlock block;

    Builder(OutputFile file, ShardSchema schema, WindowBlock block) {
      super(file);
      this.schema = schema;
      this.block = block;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return new BlockWriteSupport(schema, block);
    }
  }

  /** Writes window {@code w} of the block as one record. */
  private static final class BlockWriteSupport extends WriteSupport<Integer> {
    private final ShardSchema schema;
    private final MessageType type;
    private final WindowBlock block;
    private RecordConsumer out;

    BlockWriteSupport(ShardSchema schema, WindowBlock block) {
      this.schema = schema;
      this.type = schema.parquetSchema();
      this.block = block;
    }

    @Override
    public WriteContext init(Configuration conf) {
      Map<String, String> meta = new HashMap<>();
      meta.put("shardcast.format_version", Integer.toString(ShardSchema.FORMAT_VERSION));
      return new WriteContext(type, meta);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Integer w) {
      int field = 0;
      out.startMessage();
      out.startField(ShardSchema.SERIES_KEY, field);
      out.addBinary(Binary.fromString(block.series[w]));
      out.endField(ShardSchema.SERIES_KEY, field++);
      out.startField(ShardSchema.WINDOW_START, field);
      out.addLong(block.windowStart[w]);
      out.endField(ShardSchema.WINDOW_START, field++);
      out.startField(ShardSchema.FORECAST_START, field);
      out.addLong(block.forecastStart[w]);
      out.endField(ShardSchema.FORECAST_START, field++);
      if (schema.hasLineage()) {
        out.startField(ShardSchema.SOURCE, field);
        out.addBinary(Binary.fromString(block.sources[w]));
        out.endField(ShardSchema.SOURCE, field++);
      }
      for (int c = 0; c < block.inputs; c++) {
        int base = (w * block.inputs + c) * block.pastLen;
        String name = ShardSchema.pastColumn(schema.inputs().get(c));
        field = floats(name, field, block.past, base, block.pastLen);
        if (schema.hasMasks()) {
          field = booleans(ShardSchema.filledColumn(name), field, block.pastFilled, base, block.pastLen);
        }
      }
      for (int c = 0; c < block.targets; c++) {
        int base = (w * block.targets + c) * block.futureLen;
        String name = ShardSchema.futureColumn(schema.targets().get(c));
        field = floats(name, field, block.future, base, block.futureLen);
        if (schema.hasMasks()) {
          field = booleans(ShardSchema.filledColumn(name), field, block.futureFilled, base, block.futureLen);
        }
      }
      out.endMessage();
    }

    private int floats(String name, int field, float[] values, int from, int len) {
      return list(name, field, len, t -> out.addFloat(values[from + t]));
    }

    private int booleans(String name, int field, byte[] values, int from, int len) {
      return list(name, field, len, t -> out.addBoolean(values[from + t] != 0));
    }

    private int list(String name, int field, int len, IntConsumer addElement) {
      return ParquetLists.write(out, name, field, len, addElement);
    }
  }
}
