package dev.shardcast.transforms.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.testing.RecordingSink;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Parquet file read in parts (runs of row groups, by several workers) gives what one whole read gives. */
class ParquetPartsTest {
  private static final JobPlan PLAN = TestJobs.plan();

  @TempDir Path dir;

  private static List<BlockMetaData> groups(long... rows) {
    List<BlockMetaData> out = new ArrayList<>();
    for (long r : rows) {
      BlockMetaData b = new BlockMetaData();
      b.setRowCount(r);
      out.add(b);
    }
    return out;
  }

  @Test
  void partsAreRunsOfWholeRowGroupsOfAtLeastPartRows() {
    long p = ParquetSource.PART_ROWS;
    assertArrayEquals(new int[] {0, 0}, ParquetSource.partStarts(groups()), "no row groups: one empty part");
    assertArrayEquals(new int[] {0, 1}, ParquetSource.partStarts(groups(5)));
    assertArrayEquals(new int[] {0, 1, 2, 3}, ParquetSource.partStarts(groups(p, p, p)));
    // Small groups gather until a part has PART_ROWS; a short tail joins the part before it.
    assertArrayEquals(new int[] {0, 2, 5}, ParquetSource.partStarts(groups(p / 2, p / 2, p / 2, p / 2, p / 4)));
    assertArrayEquals(new int[] {0, 3}, ParquetSource.partStarts(groups(p / 2, p / 4, p / 4)));
  }

  @Test
  void readingEveryPartGivesTheWholeFileWithFileRowNumbers() throws IOException {
    MessageType schema = Types.buildMessage()
        .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
        .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("ts")
        .optional(PrimitiveTypeName.DOUBLE).named("x")
        .optional(PrimitiveTypeName.DOUBLE).named("y")
        .optional(PrimitiveTypeName.DOUBLE).named("z")
        .named("rows");
    Path file = dir.resolve("in.parquet");
    int n = (int) (2.5 * ParquetSource.PART_ROWS);
    SimpleGroupFactory factory = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema)
        .withRowGroupSize(256 * 1024L).build()) {
      for (int i = 0; i < n; i++) {
        Group g = factory.newGroup().append("id", "s" + (i % 3))
            .append("ts", java.time.LocalDate.of(2000, 1, 1).plusDays(i / 3).toString())
            .append("x", i % 1000 == 7 ? Double.NaN : i * 0.5).append("y", (double) -i).append("z", 1.0);
        w.write(g);
      }
    }
    InputFile in = ParquetSource.inputFile(() -> Files.newByteChannel(file));
    int parts = ParquetSource.partCount(in, file.toString());
    assertTrue(parts >= 2, "the fixture must split: " + parts + " parts");

    RecordingSink whole = new RecordingSink();
    long read = ParquetSource.read(PLAN, PLAN.sources().get(0), checks(), file.toString(), in, -1, whole);
    assertEquals(n, read);
    RecordingSink byParts = new RecordingSink();
    long sum = 0;
    for (int p = 0; p < parts; p++) {
      sum += ParquetSource.read(PLAN, PLAN.sources().get(0), checks(), file.toString(), in, p, byParts);
    }
    assertEquals(n, sum, "rows in = the parts' rows");
    assertEquals(whole.bad, byParts.bad, "the same rows quarantined, by their row number in the file");
    assertEquals(n / 1000, whole.bad.size());
    assertEquals(whole.rows.size(), byParts.rows.size());
    for (int r = 0; r < whole.rows.size(); r++) {
      RecordingSink.Row a = whole.rows.get(r);
      RecordingSink.Row b = byParts.rows.get(r);
      assertEquals(a.series() + a.time() + "@" + a.line(), b.series() + b.time() + "@" + b.line());
      assertArrayEquals(a.values(), b.values());
    }
    assertEquals(n, whole.rows.get(whole.rows.size() - 1).line(), "lines count from 1 to the file's rows");
    assertThrows(IllegalArgumentException.class,
        () -> ParquetSource.read(PLAN, PLAN.sources().get(0), checks(), file.toString(), in, parts, new RecordingSink()));
  }

  private static RowChecks checks() {
    return new RowChecks(PLAN, RuleSet.compile(PLAN), PLAN.sources().get(0));
  }
}
