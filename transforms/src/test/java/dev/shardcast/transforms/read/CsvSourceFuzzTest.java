package dev.shardcast.transforms.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;

/**
 * The CSV reader on arbitrary bytes, opened as ReadSeries opens a file (strict UTF-8). Contract: the
 * rows read are the good plus the quarantined ones, or a {@link ConfigException} naming the file;
 * anything else (an IOException from memory, an NPE, an index error) is a bug. Regression inputs:
 * {@code src/test/resources/dev/shardcast/transforms/read/CsvSourceFuzzTestInputs/}.
 */
class CsvSourceFuzzTest {
  private static final String SOURCE = "in/fuzz.csv";
  // Daily, key id, timestamp ts, values x y z, plus a row rule so the checks run on parsed rows too.
  private static final JobPlan PLAN = TestJobs.plan("quality.columns.x.min=-1000", "quality.columns.id.max_length=8");

  @FuzzTest(maxDuration = "60s")
  void readsOrRefusesTheFile(byte[] bytes) throws IOException {
    long[] good = {0};
    long[] bad = {0};
    RowSink sink = new RowSink() {
      @Override
      public void row(String series, long epochMillis, long line, double[] values) {
        good[0]++;
      }

      @Override
      public void quarantine(QuarantineRecord record) {
        assertTrue(record.line() >= 2, "data rows start at line 2: " + record);
        bad[0]++;
      }
    };
    try (BufferedReader reader = new BufferedReader(
        Channels.newReader(Channels.newChannel(new ByteArrayInputStream(bytes)), StandardCharsets.UTF_8))) {
      long rows = CsvSource.read(PLAN, SOURCE, reader, sink);
      assertEquals(rows, good[0] + bad[0], "rows read = good + quarantined");
    } catch (ConfigException e) {
      assertTrue(e.getMessage().contains(SOURCE), "the error names the file: " + e.getMessage());
    }
  }
}
