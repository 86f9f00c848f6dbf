package dev.shardcast.transforms.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardWriterTest {
  @TempDir Path dir;

  /** A Parquet file read back with parquet-java's example Group API. */
  private record ReadBack(MessageType schema, Map<String, String> meta, List<Group> rows) {
    List<String> columnNames() {
      return schema.getFields().stream().map(Type::getName).toList();
    }
  }

  private ReadBack read(byte[] bytes) throws IOException {
    Path file = Files.write(Files.createTempFile(dir, "shard", ".parquet"), bytes);
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      Map<String, String> meta = reader.getFooter().getFileMetaData().getKeyValueMetaData();
      List<Group> rows = new ArrayList<>();
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> rr =
            new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          rows.add(rr.read());
        }
      }
      assertEquals(rows.size(), reader.getRecordCount());
      return new ReadBack(schema, meta, rows);
    }
  }

  private static float[] floats(Group row, String column) {
    Group list = row.getGroup(column, 0);
    int n = list.getFieldRepetitionCount("list");
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = list.getGroup("list", i).getFloat("element", 0);
    }
    return out;
  }

  private static boolean[] booleans(Group row, String column) {
    Group list = row.getGroup(column, 0);
    int n = list.getFieldRepetitionCount("list");
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = list.getGroup("list", i).getBoolean("element", 0);
    }
    return out;
  }

  /** Windows w = 0..size-1 with past value (w, input c, t) = 1000w + 100c + t and future likewise, negated. */
  private static WindowBlock block(int size, int inputs, int past, int targets, int future, boolean masks) {
    WindowBlock b = WindowBlock.empty(size, inputs, past, targets, future, masks);
    for (int w = 0; w < size; w++) {
      b.series[w] = w % 2 == 0 ? "TX/Austin" : "TX/Dallas ü";
      b.windowStart[w] = TestJobs.millis("2020-01-01") + w * TestJobs.DAY;
      b.forecastStart[w] = b.windowStart[w] + 3 * TestJobs.DAY;
      for (int c = 0; c < inputs; c++) {
        for (int t = 0; t < past; t++) {
          b.past[(w * inputs + c) * past + t] = 1000 * w + 100 * c + t + 0.25f;
          if (masks) {
            b.pastFilled[(w * inputs + c) * past + t] = (byte) ((w + c + t) % 3 == 0 ? 1 : 0);
          }
        }
      }
      for (int c = 0; c < targets; c++) {
        for (int t = 0; t < future; t++) {
          b.future[(w * targets + c) * future + t] = -(1000 * w + 100 * c + t) - 0.5f;
          if (masks) {
            b.futureFilled[(w * targets + c) * future + t] = (byte) ((w + c + t) % 2);
          }
        }
      }
    }
    return b;
  }

  @Test
  void schemaColumnsWithoutMasks() {
    ShardSchema schema = ShardSchema.of(TestJobs.plan());
    assertEquals(List.of("x", "y"), schema.inputs());
    assertEquals(List.of("x", "z"), schema.targets());
    assertFalse(schema.hasMasks());
    List<String> expected = List.of("series_key", "window_start", "forecast_start", "past_x", "past_y", "future_x",
        "future_z");
    assertEquals(expected, schema.parquetSchema().getFields().stream().map(Type::getName).toList());
    assertEquals(expected, schema.describe().stream().map(ShardSchema.ColumnInfo::name).toList());
    assertEquals(3, schema.describe().get(3).length());
    assertEquals(2, schema.describe().get(5).length());
    assertEquals("train/batch-000003.parquet", ShardSchema.shardPath("train", 3));
    assertEquals("val/batch-123456.parquet", ShardSchema.shardPath("val", 123456));
  }

  @Test
  void encodedShardReadsBackWithMasks() throws IOException {
    JobPlan plan = TestJobs.plan("gaps.policy=ffill", "gaps.max_fill=2");
    ShardSchema schema = ShardSchema.of(plan);
    WindowBlock b = block(5, 2, 3, 2, 2, true);
    ReadBack back = read(ShardWriter.encode(schema, b));

    List<String> expected = List.of("series_key", "window_start", "forecast_start", "past_x", "past_x_filled",
        "past_y", "past_y_filled", "future_x", "future_x_filled", "future_z", "future_z_filled");
    assertEquals(expected, back.columnNames());
    assertEquals(expected, schema.describe().stream().map(ShardSchema.ColumnInfo::name).toList());
    assertEquals(schema.parquetSchema(), back.schema());
    assertEquals(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS),
        back.schema().getType("window_start").getLogicalTypeAnnotation());
    assertEquals(LogicalTypeAnnotation.stringType(), back.schema().getType("series_key").getLogicalTypeAnnotation());
    assertEquals(Integer.toString(ShardSchema.FORMAT_VERSION), back.meta().get("shardcast.format_version"));
    assertEquals(5, back.rows().size());

    String[] inputs = {"x", "y"};
    String[] targets = {"x", "z"};
    for (int w = 0; w < 5; w++) {
      Group row = back.rows().get(w);
      assertEquals(w % 2 == 0 ? "TX/Austin" : "TX/Dallas ü", row.getString("series_key", 0));
      assertEquals(TestJobs.millis("2020-01-01") + w * TestJobs.DAY, row.getLong("window_start", 0));
      assertEquals(TestJobs.millis("2020-01-04") + w * TestJobs.DAY, row.getLong("forecast_start", 0));
      for (int c = 0; c < 2; c++) {
        float[] past = new float[3];
        boolean[] pastMask = new boolean[3];
        for (int t = 0; t < 3; t++) {
          past[t] = 1000 * w + 100 * c + t + 0.25f;
          pastMask[t] = (w + c + t) % 3 == 0;
        }
        assertArrayEquals(past, floats(row, "past_" + inputs[c]), "window " + w + " input " + c);
        assertArrayEquals(pastMask, booleans(row, "past_" + inputs[c] + "_filled"));
        float[] future = new float[2];
        boolean[] futureMask = new boolean[2];
        for (int t = 0; t < 2; t++) {
          future[t] = -(1000 * w + 100 * c + t) - 0.5f;
          futureMask[t] = (w + c + t) % 2 == 1;
        }
        assertArrayEquals(future, floats(row, "future_" + targets[c]), "window " + w + " target " + c);
        assertArrayEquals(futureMask, booleans(row, "future_" + targets[c] + "_filled"));
      }
    }
  }

  @Test
  void encodedShardWithoutMasks() throws IOException {
    // One input (x) and one target (z): x is not a target here.
    JobPlan plan = TestJobs.plan("input.columns=[{name: x, type: double}, {name: z, type: double, input: false, "
        + "target: true}]", "windowing.past=4", "windowing.future=1");
    ShardSchema schema = ShardSchema.of(plan);
    WindowBlock b = block(300, 1, 4, 1, 1, false);
    ReadBack back = read(ShardWriter.encode(schema, b));
    assertEquals(List.of("series_key", "window_start", "forecast_start", "past_x", "future_z"), back.columnNames());
    assertEquals(300, back.rows().size());
    Group last = back.rows().get(299);
    assertArrayEquals(new float[] {299_000.25f, 299_001.25f, 299_002.25f, 299_003.25f}, floats(last, "past_x"));
    assertArrayEquals(new float[] {-299_000.5f}, floats(last, "future_z"));
    assertEquals("TX/Dallas ü", last.getString("series_key", 0));
  }

  @Test
  void sameWindowsGiveTheSameBytes() throws IOException {
    ShardSchema schema = ShardSchema.of(TestJobs.plan("gaps.policy=zero", "gaps.max_fill=1"));
    byte[] one = ShardWriter.encode(schema, block(17, 2, 3, 2, 2, true));
    byte[] two = ShardWriter.encode(schema, block(17, 2, 3, 2, 2, true));
    assertArrayEquals(one, two);
    assertTrue(one.length > 8);
    assertEquals("PAR1", new String(Arrays.copyOfRange(one, 0, 4), java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("PAR1", new String(Arrays.copyOfRange(one, one.length - 4, one.length),
        java.nio.charset.StandardCharsets.US_ASCII));
    WindowBlock changed = block(17, 2, 3, 2, 2, true);
    changed.future[5] += 1;
    assertNotEquals(Arrays.hashCode(one), Arrays.hashCode(ShardWriter.encode(schema, changed)));
  }
}
