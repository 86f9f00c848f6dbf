package dev.shardcast.transforms.read;

import static dev.shardcast.transforms.testing.TestJobs.millis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.testing.RecordingSink;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvSourceTest {
  private static final double NA = Double.NaN;

  private static RecordingSink read(JobPlan plan, String csv) throws IOException {
    RecordingSink sink = new RecordingSink();
    long n = CsvSource.read(plan, "in/data.csv", new StringReader(csv), sink);
    assertEquals(n, sink.rows.size() + sink.bad.size(), "rows read = good + quarantined");
    return sink;
  }

  @Test
  void goodRowsQuotingEmptyCellsAndColumnOrder() throws IOException {
    String csv = String.join("\n",
        "z,unused,ts,x,id,y", // line 1: configured columns in another order, plus one not configured
        "3,whatever,2020-01-01,1,a,2", // 2
        "6,,2020-01-02,,a,5.5", // 3: x empty -> NaN
        "\"9\",\"q, \"\"r\"\"\",2020-01-03,\"7\",\"b, inc\",8", // 4: quoted fields, comma and quotes in them
        " 1e2 ,junk, 2020-01-04 , -0.5 , c ,NA", // 5: values are trimmed; NA is empty
        "");
    RecordingSink s = read(TestJobs.plan(), csv);
    assertTrue(s.bad.isEmpty(), s.bad.toString());
    assertEquals(4, s.rows.size());
    RecordingSink.Row r2 = s.rows.get(0);
    assertEquals("a", r2.series());
    assertEquals(millis("2020-01-01"), r2.time());
    assertEquals(2, r2.line());
    assertArrayEquals(new double[] {1, 2, 3}, r2.values()); // x, y, z in config order
    assertArrayEquals(new double[] {NA, 5.5, 6}, s.rows.get(1).values());
    assertEquals("b, inc", s.rows.get(2).series());
    assertArrayEquals(new double[] {7, 8, 9}, s.rows.get(2).values());
    RecordingSink.Row r5 = s.rows.get(3);
    assertEquals("c", r5.series());
    assertEquals(millis("2020-01-04"), r5.time());
    assertArrayEquals(new double[] {-0.5, NA, 100}, r5.values());
  }

  @Test
  void badRowsAreQuarantinedWithReasonColumnAndLine() throws IOException {
    String csv = String.join("\n",
        "id,ts,x,y,z", // 1
        "a,2020-01-01,1,2,3", // 2 good
        "a,2020-01-02,abc,2,3", // 3 bad number in x
        "a,2020-01-03,1,2,7z", // 4 bad number in z
        "a,notadate,1,2,3", // 5 bad timestamp
        ",2020-01-04,1,2,3", // 6 empty key
        "a,,1,2,3", // 7 empty timestamp
        "a,2020-01-05,1,2", // 8 too few fields
        "a,2020-01-06,1,2,3,4", // 9 too many fields
        "a,2020-01-07,NaN,2,3", // 10 NaN text is not a value
        "a,2020-01-08,1,Infinity,3", // 11
        "a,2020-01-09,1,2,3"); // 12 good, no newline at the end
    RecordingSink s = read(TestJobs.plan(), csv);
    assertEquals(List.of(2L, 12L), s.rows.stream().map(RecordingSink.Row::line).toList());
    assertEquals(9, s.bad.size()); // lines 3..11

    QuarantineRecord x = s.at(3);
    assertEquals(QuarantineRecord.BAD_NUMBER, x.reason());
    assertEquals("x", x.column());
    assertEquals("abc", x.value());
    assertEquals("in/data.csv", x.source());
    Map<String, String> original = new LinkedHashMap<>();
    original.put("id", "a");
    original.put("ts", "2020-01-02");
    original.put("x", "abc");
    original.put("y", "2");
    original.put("z", "3");
    assertEquals(original, x.row());

    assertEquals(QuarantineRecord.BAD_NUMBER, s.at(4).reason());
    assertEquals("z", s.at(4).column());
    assertEquals("7z", s.at(4).value());
    assertEquals(QuarantineRecord.BAD_TIMESTAMP, s.at(5).reason());
    assertEquals("ts", s.at(5).column());
    assertEquals("notadate", s.at(5).value());
    assertEquals(QuarantineRecord.MISSING_KEY, s.at(6).reason());
    assertEquals("id", s.at(6).column());
    assertEquals(QuarantineRecord.MISSING_TIMESTAMP, s.at(7).reason());
    assertEquals("ts", s.at(7).column());
    assertEquals(QuarantineRecord.WRONG_FIELD_COUNT, s.at(8).reason());
    assertEquals(QuarantineRecord.WRONG_FIELD_COUNT, s.at(9).reason());
    assertEquals("4", s.at(9).row().get("_extra_1"));
    assertEquals(QuarantineRecord.BAD_NUMBER, s.at(10).reason());
    assertEquals("x", s.at(10).column());
    assertEquals(QuarantineRecord.BAD_NUMBER, s.at(11).reason());
    assertEquals("y", s.at(11).column());
  }

  @Test
  void javaLiteralFormsAreNotNumbers() throws IOException {
    // Double.parseDouble reads these as 5.0, 2.5 and 8.0; in a CSV file they are bad values.
    String csv = String.join("\n", "id,ts,x,y,z", "a,2020-01-01,5d,1,1", "a,2020-01-02,1,2.5f,1",
        "a,2020-01-03,1,1,0x1p3", "a,2020-01-04,1.,.5,-1E+2", "");
    RecordingSink s = read(TestJobs.plan(), csv);
    assertEquals(QuarantineRecord.BAD_NUMBER, s.at(2).reason());
    assertEquals("5d", s.at(2).value());
    assertEquals("y", s.at(3).column());
    assertEquals("z", s.at(4).column());
    assertEquals(1, s.rows.size());
    assertArrayEquals(new double[] {1, 0.5, -100}, s.rows.get(0).values());
  }

  @Test
  void lineNumbersArePhysicalLinesEvenWithQuotedNewlinesAndCrlf() throws IOException {
    String csv = "id,ts,x,y,z\r\n" // 1
        + "\"multi\r\nline\",2020-01-01,1,2,3\r\n" // 2-3
        + "a,2020-01-02,\"4\",5,6\r\n" // 4
        + "\"b\n\nc\",2020-01-03,bad,5,6\r\n" // 5-7
        + "a,2020-01-04,1,2,3\r\n"; // 8
    RecordingSink s = read(TestJobs.plan(), csv);
    assertEquals(List.of(2L, 4L, 8L), s.rows.stream().map(RecordingSink.Row::line).toList());
    assertEquals("multi\r\nline", s.rows.get(0).series());
    assertEquals(5, s.bad.get(0).line());
    assertEquals("b\n\nc", s.bad.get(0).row().get("id"));
  }

  @Test
  void compositeSeriesKeys() throws IOException {
    JobPlan plan = TestJobs.plan("input.series_key=[state, city]");
    String csv = String.join("\n", "state,city,ts,x,y,z", "TX,Austin,2020-01-01,1,2,3", "TX,,2020-01-01,1,2,3",
        ",Dallas,2020-01-01,1,2,3", "");
    RecordingSink s = read(plan, csv);
    assertEquals(1, s.rows.size());
    assertEquals("TX/Austin", s.rows.get(0).series());
    assertEquals(QuarantineRecord.MISSING_KEY, s.at(3).reason());
    assertEquals("city", s.at(3).column());
    assertEquals("state", s.at(4).column());
  }

  @Test
  void timestampFormatsFromTheConfig() throws IOException {
    RecordingSink s = read(TestJobs.plan("input.timestamp.format=dd/MM/yyyy"),
        "id,ts,x,y,z\na,31/01/2020,1,2,3\na,2020-01-31,1,2,3\n");
    assertEquals(millis("2020-01-31"), s.rows.get(0).time());
    assertEquals(QuarantineRecord.BAD_TIMESTAMP, s.at(3).reason());
    RecordingSink e = read(TestJobs.plan("input.timestamp.format=epoch_seconds"), "id,ts,x,y,z\na,86400,1,2,3\na,1.5,1,2,3\n");
    assertEquals(86_400_000L, e.rows.get(0).time());
    assertEquals(QuarantineRecord.BAD_TIMESTAMP, e.at(3).reason());
  }

  @Test
  void missingConfiguredColumnNamesTheColumn() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> read(TestJobs.plan(), "id,ts,x,z\na,2020-01-01,1,3\n"));
    assertTrue(e.getMessage().contains("'y'"), e.getMessage());
    assertTrue(e.getMessage().contains("in/data.csv"), e.getMessage());
    ConfigException ts = assertThrows(ConfigException.class,
        () -> read(TestJobs.plan(), "id,time,x,y,z\n"));
    assertTrue(ts.getMessage().contains("'ts'"), ts.getMessage());
    ConfigException key = assertThrows(ConfigException.class,
        () -> read(TestJobs.plan(), "ID,ts,x,y,z\n"));
    assertTrue(key.getMessage().contains("'id'"), key.getMessage());
  }

  @Test
  void byteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
    RecordingSink s = read(TestJobs.plan(), "\uFEFFid,ts,x,y,z\na,2020-01-01,1,2,3\n");
    assertEquals(1, s.rows.size());
    assertEquals("a", s.rows.get(0).series());
    assertEquals(2, s.rows.get(0).line());
    // Through a reader without mark support too.
    RecordingSink p = new RecordingSink();
    CsvSource.read(TestJobs.plan(), "f", new java.io.FilterReader(new StringReader("\uFEFFid,ts,x,y,z\nb,2020-01-01,1,2,3\n")) {
      @Override
      public boolean markSupported() {
        return false;
      }
    }, p);
    assertEquals("b", p.rows.get(0).series());
  }

  @Test
  void headerOnlyAndQuarantineJson() throws IOException {
    RecordingSink empty = read(TestJobs.plan(), "id,ts,x,y,z\n");
    assertTrue(empty.rows.isEmpty() && empty.bad.isEmpty());
    RecordingSink s = read(TestJobs.plan(), "id,ts,x,y,z\na,2020-01-01,oops,2,3\n");
    QuarantineRecord q = s.at(2);
    QuarantineRecord back = QuarantineRecord.fromJson(q.toJson());
    assertEquals(q, back);
    assertTrue(q.toJson().contains("\"reason\":\"bad_number\""), q.toJson());
    assertNull(QuarantineRecord.fromJson("{\"source\":\"f\",\"line\":3,\"reason\":\"x\"}").column());
    // Sort keys order by source, then line.
    QuarantineRecord l9 = new QuarantineRecord("f", 9, "r", null, null, null, null);
    QuarantineRecord l10 = new QuarantineRecord("f", 10, "r", null, null, null, null);
    assertTrue(l9.sortKey().compareTo(l10.sortKey()) < 0);
  }
}
