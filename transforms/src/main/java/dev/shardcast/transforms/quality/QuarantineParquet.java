package dev.shardcast.transforms.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.shard.InMemoryOutputFile;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * {@code quarantine/rows.parquet}: the quarantine as a table, for SQL over rejected rows (DuckDB,
 * pandas). The original row is kept as a JSON object in {@code row_json}, because rows rejected for
 * different reasons carry different columns.
 */
public final class QuarantineParquet {
  public static final String PATH = "quarantine/rows.parquet";
  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message quarantine {
        required binary source (STRING);
        optional binary origin (STRING);
        required int64 line;
        required binary reason (STRING);
        optional binary column (STRING);
        optional binary value (STRING);
        optional binary message (STRING);
        optional binary row_json (STRING);
      }""");
  private static final ObjectMapper JSON = new ObjectMapper();

  private QuarantineParquet() {}

  /** @param records in file order (sorted by source and line) */
  public static byte[] encode(List<QuarantineRecord> records) throws IOException {
    InMemoryOutputFile out = new InMemoryOutputFile();
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(out)
        .withType(SCHEMA)
        .withConf(new Configuration(false))
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build()) {
      for (QuarantineRecord r : records) {
        Group g = groups.newGroup();
        g.add("source", r.source());
        if (r.origin() != null) {
          g.add("origin", r.origin());
        }
        g.add("line", r.line());
        g.add("reason", r.reason());
        if (r.column() != null) {
          g.add("column", r.column());
        }
        if (r.value() != null) {
          g.add("value", r.value());
        }
        if (r.message() != null) {
          g.add("message", r.message());
        }
        if (r.row() != null) {
          g.add("row_json", json(r));
        }
        writer.write(g);
      }
    }
    return out.toByteArray();
  }

  private static String json(QuarantineRecord r) {
    try {
      return JSON.writeValueAsString(r.row());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
