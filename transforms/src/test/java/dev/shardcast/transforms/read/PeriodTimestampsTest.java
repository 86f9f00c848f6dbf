package dev.shardcast.transforms.read;

import static dev.shardcast.transforms.testing.TestJobs.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.shard.InMemoryOutputFile;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Yearly, monthly and quarterly data as statistics offices publish it ("1992", "1992-01", "1992Q1"),
 * read with a pattern that names only the period: every row is a good row at the start of its
 * period, from CSV text and from Parquet (a year as an INT32 or INT64 column, a month as a string).
 */
class PeriodTimestampsTest {
  @TempDir Path tmp;

  /** What the readers handed on: times of the good rows, and the quarantine. */
  private static final class Sink implements RowSink {
    final List<Long> times = new ArrayList<>();
    final List<QuarantineRecord> bad = new ArrayList<>();

    @Override
    public void row(String series, long epochMillis, long line, double[] values) {
      times.add(epochMillis);
    }

    @Override
    public void quarantine(QuarantineRecord record) {
      bad.add(record);
    }
  }

  private static Sink csv(JobPlan plan, String... timestamps) throws IOException {
    StringBuilder sb = new StringBuilder("id,ts,x,y,z\n");
    for (String t : timestamps) {
      sb.append("a,").append(t).append(",1,2,3\n");
    }
    Sink sink = new Sink();
    CsvSource.read(plan, "in/data.csv", new StringReader(sb.toString()), sink);
    return sink;
  }

  @Test
  void yearlyCsv() throws IOException {
    Sink s = csv(TestJobs.plan("input.timestamp.format=yyyy", "input.frequency=1y"), "1992", "1993", "2021");
    assertEquals(List.of(), s.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1993-01-01"), millis("2021-01-01")), s.times);
  }

  @Test
  void monthlyCsv() throws IOException {
    Sink s = csv(TestJobs.plan("input.timestamp.format=yyyy-MM", "input.frequency=1M"), "1992-01", "1992-02", "1999-12");
    assertEquals(List.of(), s.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1992-02-01"), millis("1999-12-01")), s.times);
  }

  @Test
  void quarterlyCsvInBothNotations() throws IOException {
    Sink compact = csv(TestJobs.plan("input.timestamp.format=yyyy'Q'Q", "input.frequency=3M"), "1992Q1", "1992Q2", "1992Q4");
    assertEquals(List.of(), compact.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1992-04-01"), millis("1992-10-01")), compact.times);
    Sink dashed = csv(TestJobs.plan("input.timestamp.format=yyyy-'Q'Q", "input.frequency=3M"), "1992-Q1", "1992-Q3");
    assertEquals(List.of(), dashed.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1992-07-01")), dashed.times);
  }

  @Test
  void periodsThatDoNotExistAreStillBadTimestamps() throws IOException {
    Sink s = csv(TestJobs.plan("input.timestamp.format=yyyy-MM", "input.frequency=1M"), "1992-13", "1992-01-15", "1992-02");
    assertEquals(List.of(millis("1992-02-01")), s.times);
    assertEquals(List.of("1992-13", "1992-01-15"), s.bad.stream().map(QuarantineRecord::value).toList());
    assertTrue(s.bad.stream().allMatch(q -> q.reason().equals(QuarantineRecord.BAD_TIMESTAMP)), s.bad.toString());
    Sink q = csv(TestJobs.plan("input.timestamp.format=yyyy'Q'Q", "input.frequency=3M"), "1992Q5");
    assertEquals(QuarantineRecord.BAD_TIMESTAMP, q.bad.get(0).reason());
  }

  // ---- Parquet ----

  /** @param tsField the ts column's declaration, e.g. {@code int32 ts} or {@code binary ts (STRING)} */
  private Sink parquet(JobPlan plan, String tsField, Object... timestamps) throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message m { required binary id (STRING); required "
        + tsField + "; required double x; required double y; required double z; }");
    InMemoryOutputFile out = new InMemoryOutputFile();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(out).withType(schema).withConf(new Configuration(false))
        .build()) {
      for (Object t : timestamps) {
        Group g = groups.newGroup().append("id", "a");
        if (t instanceof Integer i) {
          g.append("ts", i);
        } else if (t instanceof Long l) {
          g.append("ts", l);
        } else {
          g.append("ts", (String) t);
        }
        w.write(g.append("x", 1.0).append("y", 2.0).append("z", 3.0));
      }
    }
    Path file = Files.write(tmp.resolve("data-" + System.nanoTime() + ".parquet"), out.toByteArray());
    Sink sink = new Sink();
    ParquetSource.read(plan, file.toString(), () -> Files.newByteChannel(file), sink);
    return sink;
  }

  private static final String YEARLY = "input.timestamp.format=yyyy";

  @Test
  void yearlyParquetInt32AndInt64ColumnsAreReadAsTheirDigits() throws IOException {
    JobPlan plan = TestJobs.plan(YEARLY, "input.frequency=1y", "input.format=parquet");
    List<Long> expected = List.of(millis("1992-01-01"), millis("1993-01-01"));
    Sink int32 = parquet(plan, "int32 ts", 1992, 1993);
    assertEquals(List.of(), int32.bad);
    assertEquals(expected, int32.times);
    Sink int64 = parquet(plan, "int64 ts", 1992L, 1993L);
    assertEquals(List.of(), int64.bad);
    assertEquals(expected, int64.times);
    Sink annotated = parquet(plan, "int32 ts (INTEGER(16,true))", 1992, 1993); // what a writer's int16 looks like
    assertEquals(List.of(), annotated.bad);
    assertEquals(expected, annotated.times);
  }

  @Test
  void aYearThatIsNotFourDigitsIsQuarantinedWithItsDigits() throws IOException {
    Sink s = parquet(TestJobs.plan(YEARLY, "input.frequency=1y", "input.format=parquet"), "int32 ts", 92, 1993);
    assertEquals(List.of(millis("1993-01-01")), s.times);
    assertEquals(1, s.bad.size());
    assertEquals(QuarantineRecord.BAD_TIMESTAMP, s.bad.get(0).reason());
    assertEquals("92", s.bad.get(0).value(), "the original value, not 1970-01-01T00:00:00.092Z");
  }

  @Test
  void integerColumnsStayEpochCountsUnderIsoAndEpochFormats() throws IOException {
    // Unchanged: without a pattern, a plain INT64 is epoch milliseconds (or seconds with epoch_seconds).
    Sink millisCol = parquet(TestJobs.plan("input.format=parquet"), "int64 ts", millis("2020-01-02"));
    assertEquals(List.of(millis("2020-01-02")), millisCol.times);
    Sink seconds = parquet(TestJobs.plan("input.format=parquet", "input.timestamp.format=epoch_seconds"), "int64 ts",
        millis("2020-01-02") / 1000);
    assertEquals(List.of(millis("2020-01-02")), seconds.times);
  }

  @Test
  void monthlyAndQuarterlyParquetStrings() throws IOException {
    Sink monthly = parquet(TestJobs.plan("input.timestamp.format=yyyy-MM", "input.frequency=1M", "input.format=parquet"),
        "binary ts (STRING)", "1992-01", "1992-02");
    assertEquals(List.of(), monthly.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1992-02-01")), monthly.times);
    Sink quarterly = parquet(TestJobs.plan("input.timestamp.format=yyyy-'Q'Q", "input.frequency=3M",
        "input.format=parquet"), "binary ts (STRING)", "1992-Q1", "1992-Q2");
    assertEquals(List.of(), quarterly.bad);
    assertEquals(List.of(millis("1992-01-01"), millis("1992-04-01")), quarterly.times);
  }
}
