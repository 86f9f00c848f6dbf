package dev.shardcast.training.predict;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Forecast rows {@code series_key, step, timestamp, <target>...} to CSV, or to Parquet when the file
 * name ends in {@code .parquet}. The timestamp is empty (null) for {@code frequency: none}.
 */
interface ForecastWriter extends Closeable {
  void write(String series, int step, Long timestamp, double[] values) throws IOException;

  static ForecastWriter open(Path file, List<String> targets) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return file.getFileName().toString().endsWith(".parquet") ? new ParquetOut(file, targets) : new CsvOut(file, targets);
  }

  final class CsvOut implements ForecastWriter {
    private final Writer w;

    CsvOut(Path file, List<String> targets) throws IOException {
      w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      w.write("series_key,step,timestamp," + String.join(",", targets) + "\n");
    }

    @Override
    public void write(String series, int step, Long timestamp, double[] values) throws IOException {
      StringBuilder line = new StringBuilder(quote(series)).append(',').append(step).append(',');
      if (timestamp != null) {
        line.append(Instant.ofEpochMilli(timestamp));
      }
      for (double v : values) {
        line.append(',').append(v);
      }
      w.write(line.append('\n').toString());
    }

    private static String quote(String s) {
      return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    @Override
    public void close() throws IOException {
      w.close();
    }
  }

  final class ParquetOut implements ForecastWriter {
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory groups;
    private final List<String> targets;

    ParquetOut(Path file, List<String> targets) throws IOException {
      Types.MessageTypeBuilder b = Types.buildMessage();
      b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("series_key");
      b.required(PrimitiveTypeName.INT32).named("step");
      b.optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named("timestamp");
      for (String t : targets) {
        b.required(PrimitiveTypeName.DOUBLE).named(t);
      }
      MessageType schema = b.named("forecast");
      this.targets = targets;
      this.groups = new SimpleGroupFactory(schema);
      this.writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
          .withType(schema)
          .withConf(new Configuration(false))
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .build();
    }

    @Override
    public void write(String series, int step, Long timestamp, double[] values) throws IOException {
      Group g = groups.newGroup().append("series_key", series).append("step", step);
      if (timestamp != null) {
        g.append("timestamp", timestamp);
      }
      for (int t = 0; t < targets.size(); t++) {
        g.append(targets.get(t), values[t]);
      }
      writer.write(g);
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }
}
