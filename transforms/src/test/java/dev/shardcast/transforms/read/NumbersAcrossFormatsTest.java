package dev.shardcast.transforms.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.NumberText;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.testing.RecordingSink;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One number, whatever the file format: the same values in a CSV file (as text) and in a Parquet
 * file (as DOUBLE or FLOAT) are accepted or quarantined alike, with the same reason. Value columns x
 * (DOUBLE) and y (FLOAT in Parquet); w is a rule-only DOUBLE column with {@code type: double}.
 */
class NumbersAcrossFormatsTest {
  private static final String BAD = QuarantineRecord.BAD_NUMBER;
  private static final JobPlan PLAN = new JobPlan(ConfigLoader.loadYaml(
      TestJobs.BASE_YAML + "quality:\n  columns:\n    w: {type: double}\n", List.of()));

  /**
   * One row: {@code column} holds {@code csv} in the CSV file and {@code parquet} in the Parquet file
   * (null: a null cell); every other cell is 1. {@code reason}: null when the row must be used.
   */
  private record Case(String column, String csv, Double parquet, String reason, Double value) {
    static Case good(String column, String csv, Double parquet, Double value) {
      return new Case(column, csv, parquet, null, value);
    }

    static Case bad(String column, String csv, Double parquet, String reason) {
      return new Case(column, csv, parquet, reason, null);
    }
  }

  private static final double INF = Double.POSITIVE_INFINITY;

  /** Values both formats can hold. */
  private static final List<Case> BOTH = List.of(
      Case.good("x", "5.", 5.0, 5.0),
      Case.good("x", ".5", 0.5, 0.5),
      Case.bad("x", "1e308", 1e308, BAD), // finite, but infinite as a shard's 32-bit float
      Case.bad("x", "1e309", INF, BAD), // overflows to +Infinity when parsed: Parquet's nearest value
      Case.bad("x", "inf", INF, BAD),
      Case.bad("x", "-Infinity", -INF, BAD),
      Case.bad("x", "NaN", Double.NaN, BAD),
      Case.good("x", "", null, Double.NaN), // an empty cell / null: a missing value, not a bad one
      Case.bad("y", "NaN", Double.NaN, BAD), // FLOAT in Parquet
      Case.bad("y", "-inf", -INF, BAD),
      Case.good("y", "2.5", 2.5, 2.5),
      Case.good("w", "5.", 5.0, null), // a rule column: text to the rules, where "5." is a double too
      Case.bad("w", "Infinity", INF, "w.type"),
      Case.bad("w", "NaN", Double.NaN, "w.type"),
      Case.good("x", "3.4e38", 3.4e38, 3.4e38)); // the largest a 32-bit float holds

  /** Java literal forms only text can spell: each is a bad number, not 8, 2.5 or 5. */
  private static final List<Case> CSV_ONLY = List.of(
      Case.bad("x", "0x1p3", null, BAD),
      Case.bad("x", "2.5f", null, BAD),
      Case.bad("y", "5d", null, BAD),
      Case.bad("w", "0x1p3", null, "w.type"));

  private static final List<String> COLUMNS = List.of("x", "y", "z", "w");

  @TempDir Path dir;

  @Test
  void csv() throws IOException {
    List<Case> cases = new ArrayList<>(BOTH);
    cases.addAll(CSV_ONLY);
    StringBuilder csv = new StringBuilder("id,ts,x,y,z,w\n");
    for (int i = 0; i < cases.size(); i++) {
      csv.append("a,").append(date(i));
      for (String col : COLUMNS) {
        csv.append(',').append(col.equals(cases.get(i).column()) ? cases.get(i).csv() : "1");
      }
      csv.append('\n');
    }
    RecordingSink sink = new RecordingSink();
    long read = CsvSource.read(PLAN, "in.csv", new StringReader(csv.toString()), sink);
    Map<Long, QuarantineRecord> bad = check(cases, sink, read, 2); // line 1 is the header
    assertEquals(NumberText.BEYOND_SHARDS, bad.get(2L + 2).message(), "1e308 is no float");
    assertEquals(NumberText.NOT_FINITE, bad.get(2L + 3).message(), "1e309 overflows");
    assertEquals(NumberText.NOT_A_NUMBER, bad.get(2L + 4).message(), "inf is no number");
  }

  @Test
  void parquet() throws IOException {
    MessageType schema = Types.buildMessage()
        .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id")
        .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("ts")
        .optional(PrimitiveTypeName.DOUBLE).named("x")
        .optional(PrimitiveTypeName.FLOAT).named("y")
        .optional(PrimitiveTypeName.DOUBLE).named("z")
        .optional(PrimitiveTypeName.DOUBLE).named("w")
        .named("numbers");
    Path file = dir.resolve("in.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      for (int i = 0; i < BOTH.size(); i++) {
        Case c = BOTH.get(i);
        Group g = groups.newGroup().append("id", "a").append("ts", date(i));
        for (String col : COLUMNS) {
          Double v = col.equals(c.column()) ? c.parquet() : Double.valueOf(1);
          if (v != null && col.equals("y")) {
            g.append(col, v.floatValue());
          } else if (v != null) {
            g.append(col, v);
          }
        }
        w.write(g);
      }
    }
    RecordingSink sink = new RecordingSink();
    long read = ParquetSource.read(PLAN, file.toString(), () -> Files.newByteChannel(file), sink);
    Map<Long, QuarantineRecord> bad = check(BOTH, sink, read, 1); // rows count from 1
    QuarantineRecord inf = bad.get(1L + 3);
    assertEquals("x", inf.column());
    assertEquals("Infinity", inf.value());
    assertEquals(NumberText.NOT_FINITE, inf.message());
    QuarantineRecord nan = bad.get(1L + 6);
    assertEquals("NaN", nan.value());
    assertEquals("NaN", nan.row().get("x"), "the stored NaN, not an empty cell");
  }

  /** The same verdict per case, whatever the format; rows in = rows used + rows quarantined. */
  private static Map<Long, QuarantineRecord> check(List<Case> cases, RecordingSink sink, long read, long firstLine) {
    assertEquals(cases.size(), read);
    assertEquals(read, sink.rows.size() + sink.bad.size(), "rows in = used + quarantined");
    Map<Long, QuarantineRecord> bad = new HashMap<>();
    sink.bad.forEach(q -> bad.put(q.line(), q));
    Map<Long, double[]> good = new HashMap<>();
    sink.rows.forEach(r -> good.put(r.line(), r.values()));
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      long line = firstLine + i;
      String what = c.column() + "=" + c.csv() + " / " + c.parquet();
      if (c.reason() == null) {
        assertNull(bad.get(line), what);
        assertTrue(good.containsKey(line), what);
        int at = List.of("x", "y", "z").indexOf(c.column());
        if (at >= 0) {
          assertEquals(c.value(), good.get(line)[at], what);
        }
      } else {
        QuarantineRecord q = bad.get(line);
        assertTrue(q != null, what + " was used");
        assertEquals(c.reason(), q.reason(), what);
        assertEquals(c.column(), q.column(), what);
      }
    }
    assertEquals(cases.stream().filter(c -> c.reason() != null).count(), sink.bad.size());
    return bad;
  }

  private static String date(int i) {
    return java.time.LocalDate.of(2020, 1, 1).plusDays(i).toString();
  }
}
