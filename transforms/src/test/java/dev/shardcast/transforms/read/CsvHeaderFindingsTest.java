package dev.shardcast.transforms.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Headers the CSV fuzz test found the reader crashing on (docs/reliability.md, point 2). */
class CsvHeaderFindingsTest {
  private final List<String> good = new ArrayList<>();
  private final List<QuarantineRecord> bad = new ArrayList<>();

  private long read(String csv) throws IOException {
    return CsvSource.read(TestJobs.plan(), "in/h.csv", new StringReader(csv), new RowSink() {
      @Override
      public void row(String series, long epochMillis, long line, double[] values) {
        good.add(series + "@" + line);
      }

      @Override
      public void quarantine(QuarantineRecord record) {
        bad.add(record);
      }
    });
  }

  @Test
  void anEmptyHeaderNameIsAConfigErrorNamingTheFile() {
    String msg = assertThrows(ConfigException.class, () -> read("id,ts,,x,y,z\na,2020-01-01,q,1,2,3\n")).getMessage();
    assertTrue(msg.startsWith("input file in/h.csv has a header shardcast cannot read: "), msg);
    assertTrue(msg.contains("every column needs a name of its own"), msg);
  }

  @Test
  void underARepeatedHeaderNameAShortRowIsQuarantined() throws IOException {
    // 7 names, 5 distinct: a 5-field row used to pass as consistent and be read past its end.
    long rows = read("id,ts,id,ts,x,y,z\na,2020-01-01,1,2,3\na,2020-01-02,a,2020-01-02,1,2,3\n");
    assertEquals(2, rows);
    assertEquals(List.of("a@3"), good);
    assertEquals(1, bad.size());
    assertEquals(QuarantineRecord.WRONG_FIELD_COUNT, bad.get(0).reason());
    assertEquals(2, bad.get(0).line());
    assertEquals("row has 5 fields, header has 7", bad.get(0).message());
  }
}
