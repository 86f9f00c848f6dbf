package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.RowSink;
import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The quality rule parser on an arbitrary rules file ({@code quality.rules_file}, a quality: section
 * or just its contents) for the test job (key id, timestamp ts, values x y z): loaded, compiled and
 * checked against a few fixed rows. Contract: the rules are refused with a {@link ConfigException},
 * or every row is kept or quarantined (or the file is refused for lacking a ruled column). Regression inputs (YAML files):
 * {@code src/test/resources/dev/shardcast/transforms/quality/RuleSetFuzzTestInputs/}.
 */
class RuleSetFuzzTest {
  private static final String CSV = String.join("\n",
      "id,ts,x,y,z,note",
      "a,2020-01-01,1,2,3,ok",
      "a,2020-01-02,-1e6,,NA,",
      "b,2020-01-03T00:00:00Z,x1,0.5,7,\"long text, quoted\"",
      ",2020-01-04,1,1,1,missing key",
      "");
  private static final Path RULES;

  static {
    try {
      RULES = Files.createTempFile("fuzz-rules", ".yaml");
      RULES.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void compilesAndChecksOrRefuses(byte[] rulesFile) throws IOException {
    Files.write(RULES, rulesFile);
    JobPlan plan;
    try {
      plan = new JobPlan(ConfigLoader.loadYaml(TestJobs.BASE_YAML, List.of("quality.rules_file=" + RULES)));
      RuleSet.compile(plan);
    } catch (ConfigException e) {
      return;
    }
    long[] seen = {0};
    long rows;
    try {
      rows = CsvSource.read(plan, "in/fuzz.csv", new StringReader(CSV), sink(seen));
    } catch (ConfigException e) {
      // documented: a rule on a column the file does not have
      assertTrue(e.getMessage().contains("in/fuzz.csv"), "the error names the file: " + e.getMessage());
      return;
    }
    assertEquals(rows, seen[0], "every row kept or quarantined");
  }

  private static RowSink sink(long[] seen) {
    return new RowSink() {
      @Override
      public void row(String series, long epochMillis, long line, double[] values) {
        seen[0]++;
      }

      @Override
      public void quarantine(QuarantineRecord record) {
        seen[0]++;
      }
    };
  }
}
