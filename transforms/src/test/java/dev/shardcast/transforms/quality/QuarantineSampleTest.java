package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shardcast.transforms.core.QuarantineRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineSampleTest {
  private static String line(long line, String reason, String column, String value, String message) {
    return new QuarantineRecord("/in/data.csv", line, reason, column, value, message, Map.of("date", "x")).toJson() + "\n";
  }

  private static BufferedReader file(String... lines) {
    return new BufferedReader(new StringReader(String.join("", lines)));
  }

  @Test
  void theMostFrequentReasonWithItsFirstRecordInTheFile() throws IOException {
    QuarantineSample s = QuarantineSample.of(Map.of("bad_number", 1L, "bad_timestamp", 2L), file(
        line(2, "bad_number", "sales", "12x", "not a number"),
        line(3, "bad_timestamp", "date", "2000-01", "not a timestamp in format 'yyyy-MM-dd'"),
        line(4, "bad_timestamp", "date", "2000-02", "not a timestamp in format 'yyyy-MM-dd'")));
    assertEquals("bad_timestamp", s.reason());
    assertEquals(2, s.count());
    assertEquals(3, s.first().line());
    assertEquals("bad_timestamp (column date, line 3 of data.csv, value \"2000-01\": not a timestamp in format "
        + "'yyyy-MM-dd')", s.describe());
  }

  @Test
  void tiesGoToTheFirstReasonByNameAndMissingPartsAreLeftOut() throws IOException {
    QuarantineSample s = QuarantineSample.of(Map.of("wrong_field_count", 1L, "duplicate_timestamp", 1L), file(
        line(5, "wrong_field_count", null, null, "row has 3 fields, header has 5"),
        line(9, "duplicate_timestamp", null, null, null)));
    assertEquals("duplicate_timestamp (line 9 of data.csv)", s.describe());
  }

  @Test
  void longValuesAreCutAndAReasonMissingFromTheFileStillNamesIt() throws IOException {
    String longValue = "x".repeat(100);
    QuarantineSample s = QuarantineSample.of(Map.of("bad_number", 1L), file(line(2, "bad_number", "v", longValue, null)));
    assertEquals("bad_number (column v, line 2 of data.csv, value \"" + "x".repeat(60) + "...\")", s.describe());
    assertEquals("off_frequency", QuarantineSample.of(Map.of("off_frequency", 3L), file()).describe());
    assertNull(QuarantineSample.of(Map.of(), file()));
  }
}
