package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  private static String fail(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  private static String failYaml(String yaml) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, List.of())).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
    }
  }

  @Test
  void baseJobBindsAndDefaultsAreMergedUnderIt() {
    JobConfig c = TestJobs.config();
    assertEquals("unit", c.name());
    assertEquals("data.csv", c.input().path());
    assertEquals(JobConfig.Format.CSV, c.input().format()); // default
    assertEquals("iso", c.input().timestamp().format()); // default inside a section the file also sets
    assertEquals(List.of("id"), c.input().seriesKey());
    assertEquals(3, c.windowing().past());
    assertEquals(2, c.windowing().future());
    assertEquals(1, c.windowing().stride()); // default
    assertEquals(0, c.windowing().lead()); // default
    assertEquals(JobConfig.GapPolicy.NONE, c.gaps().policy());
    assertEquals(256, c.shards().batchSize());
    assertEquals(42L, c.shards().seed());
    assertNull(c.split().testEnd());
    assertTrue(c.input().columns().get(0).isTarget());
    assertTrue(c.input().columns().get(1).isInput());
    assertFalse(c.input().columns().get(1).isTarget());
    assertFalse(c.input().columns().get(2).isInput());
  }

  @Test
  void exampleJobFileLoads(@TempDir Path dir) throws Exception {
    JobConfig c = ConfigLoader.load(Path.of("../examples/txhousing/job.yaml"), List.of("windowing.past=12"));
    assertEquals("txhousing", c.name());
    assertEquals(12, c.windowing().past());
    assertEquals(JobConfig.GapPolicy.FFILL, c.gaps().policy());
    assertEquals(2, c.gaps().maxFill());
    Path missing = dir.resolve("nope.yaml");
    assertContains(assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, List.of())).getMessage(),
        "not found");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "a: [\n");
    assertContains(assertThrows(ConfigException.class, () -> ConfigLoader.load(broken, List.of())).getMessage(),
        "not valid YAML");
  }

  @Test
  void overridesReplaceFileValues() {
    JobConfig c = TestJobs.config("windowing.past=12", "windowing.lead=2", "split.test_end=2020-02-01",
        "input.series_key=[a, b]", "name=123");
    assertEquals(12, c.windowing().past());
    assertEquals(2, c.windowing().lead());
    assertEquals("2020-02-01", c.split().testEnd());
    assertEquals(List.of("a", "b"), c.input().seriesKey());
    assertEquals("123", c.name());
    // The later of two overrides of one key wins.
    assertEquals(7, TestJobs.config("windowing.past=5", "windowing.past=7").windowing().past());
  }

  @Test
  void badOverrideSyntax() {
    assertContains(fail("foo"), "foo", "key.path=value");
    assertContains(fail("=3"), "key.path=value");
    assertContains(fail("name.sub=3"), "name", "not a section");
  }

  @Test
  void unknownKeyNamesThePathAndListsAllowedKeys() {
    assertContains(fail("windowing.pastt=3"), "windowing.pastt", "past", "future", "stride", "lead");
    assertContains(fail("bogus=1"), "'bogus'", "windowing", "input", "split");
    assertContains(fail("input.columns=[{name: x, type: double, target: true, tagret: true}]"),
        "input.columns[0].tagret", "target");
    String inFile = failYaml(TestJobs.BASE_YAML + "gaps: {policy: ffill, max_fil: 2}\n");
    assertContains(inFile, "gaps.max_fil", "max_fill", "policy");
  }

  @Test
  void wrongTypesNameTheKey() {
    assertContains(fail("windowing.past=abc"), "windowing.past", "integer");
    assertContains(fail("windowing.past=2.5"), "windowing.past", "integer");
    assertContains(fail("windowing.past=true"), "windowing.past", "integer");
    assertContains(fail("shards.seed=1.5"), "shards.seed", "integer");
    assertContains(fail("input.columns=[{name: x, type: double, target: 'yes'}]"), "input.columns[0].target");
    assertContains(fail("windowing=3"), "windowing");
  }

  @Test
  void missingRequiredKeys() {
    assertContains(failYaml(TestJobs.BASE_YAML.replace("train_end: '2020-01-15', ", "")),
        "split.train_end", "required");
    assertContains(failYaml(TestJobs.BASE_YAML.replace("  path: data.csv\n", "")), "input.path", "required");
    assertContains(failYaml(TestJobs.BASE_YAML.replace("shards: {output: out/unit, layout: windows}\n", "")),
        "shards.output", "required");
    assertContains(fail("windowing.future=null"), "windowing.future", "required");
    assertContains(fail("input.timestamp.column=null"), "input.timestamp.column", "required");
    assertContains(failYaml("- a\n- b\n"), "mapping");
    assertContains(failYaml("a: [\n"), "not valid YAML");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "windowing.past=0|windowing.past",
        "windowing.future=0|windowing.future",
        "windowing.stride=0|windowing.stride",
        "windowing.lead=-1|windowing.lead",
        "shards.batch_size=-1|shards.batch_size",
        "scaler.sample_size=0|scaler.sample_size",
        "runner.parallelism=0|runner.parallelism",
        "runner.flink_restart_attempts=-1|runner.flink_restart_attempts",
        "runner.flink_restart_delay=1M|runner.flink_restart_delay",
        "runner.flink_restart_delay=none|runner.flink_restart_delay",
        "runner.flink_restart_delay=soon|runner.flink_restart_delay",
        "input.chunk_points=0|input.chunk_points",
        "gaps.max_fill=-1|gaps.max_fill",
        "gaps.policy=ffill|gaps.max_fill",
        "split.val_end=2020-01-15|split.val_end",
        "split.val_end=2020-01-01|split.val_end",
        "split.test_end=2020-01-25|split.test_end",
        "split.train_end=yesterday|split.train_end",
        "input.event_bucket=1M|input.event_bucket",
        "input.series_key=[]|input.series_key",
        "input.columns=[]|input.columns",
      })
  void impossibleValuesNameTheKey(String override, String key) {
    assertContains(fail(override), key);
  }

  @Test
  void enumValuesListWhatIsAllowed() {
    assertContains(fail("input.format=xls"), "input.format", "csv", "parquet", "xls");
    assertContains(fail("gaps.policy=bfill"), "gaps.policy", "none", "ffill", "zero");
    assertContains(fail("scaler.type=zscore"), "scaler.type", "standard", "minmax", "robust");
    assertContains(fail("scaler.scope=local"), "scaler.scope", "global", "per_series");
    assertContains(fail("runner.name=spark"), "runner.name", "direct", "flink");
    assertContains(fail("input.columns=[{name: x, type: decimal, target: true}]"), "input.columns[0].type", "double");
    // Enum values are case-insensitive.
    assertEquals(JobConfig.Format.PARQUET, TestJobs.config("input.format=PARQUET").input().format());
  }

  @Test
  void columnRules() {
    assertContains(fail("input.columns=[{name: x, type: double}]"), "input.columns", "target");
    assertContains(fail("input.columns=[{name: x, type: double, target: true}, {name: x, type: double}]"),
        "input.columns[1].name", "'x'");
    assertContains(fail("input.columns=[{name: id, type: double, target: true}]"), "input.columns[0].name", "'id'");
    assertContains(fail("input.columns=[{name: x, type: double, target: true, input: false}]"),
        "input.columns", "input");
    assertContains(fail("input.timestamp.column=id"), "input.timestamp.column");
  }

  @Test
  void badTimestampPatternAndFrequency() {
    assertContains(fail("input.timestamp.format=yyyy-MM-dd{"), "input.timestamp.format", "yyyy-MM-dd{");
    assertContains(fail("input.timestamp.format=bbbb"), "input.timestamp.format");
    assertContains(fail("input.frequency=1m"), "input.frequency", "1m");
    assertContains(fail("input.frequency=hourly"), "input.frequency");
    assertContains(fail("input.frequency=0h"), "input.frequency");
  }

  @Test
  void hugeFrequencyCountsAreConfigErrorsNamingTheKey() {
    // A count too large for a long, or a step length that overflows, is a bad value like any other.
    assertContains(fail("input.frequency=99999999999999999999h"), "input.frequency");
    assertContains(fail("input.frequency=9999999999M"), "input.frequency");
    assertContains(fail("input.frequency=9999999999999999h"), "input.frequency");
  }

  @Test
  void s3SettingsAreCheckedAndBound() {
    assertContains(fail("s3.endpoint=localhost:9000"), "config key 's3.endpoint' must be an http(s) URL");
    assertContains(fail("s3.path_style=maybe"), "s3.path_style");
    assertContains(fail("s3.secret_key=x"), "s3");
    JobConfig c = TestJobs.config("s3.endpoint=http://127.0.0.1:9000", "s3.path_style=true", "s3.region=eu-west-1");
    assertEquals(new JobConfig.S3("eu-west-1", "http://127.0.0.1:9000", true), c.s3());
    assertEquals(new JobConfig.S3(null, null, false), TestJobs.config().s3(), "the defaults: AWS, the region chain");
  }

  @Test
  void outOfRangeIntegersNameTheKey() {
    assertContains(fail("windowing.past=99999999999"), "windowing.past");
    assertContains(fail("shards.seed=99999999999999999999999"), "shards.seed");
    assertContains(fail("input.columns=[{name: x, type: double, target: true}, {name: y, type: double}]",
        "runner.parallelism=3000000000"), "runner.parallelism");
  }

  @Test
  void nullChunkPointsIsRequiredNotAnNpeLater() {
    assertContains(fail("input.chunk_points=null"), "input.chunk_points", "required");
  }

  @Test
  void hashIsStableForEqualConfigsAndChangesWithAnyValue() {
    String h = ConfigLoader.hash(TestJobs.config());
    assertEquals(64, h.length());
    assertEquals(h, ConfigLoader.hash(TestJobs.config()));
    // Same values written differently: key order in the file, an override restating a value, a default made explicit.
    String reordered =
        String.join("\n", "shards: {layout: windows, output: out/unit}", "split: {val_end: '2020-01-25', train_end: '2020-01-15'}",
            "windowing: {future: 2, past: 3, stride: 1}", TestJobs.BASE_YAML
                .replace("windowing: {past: 3, future: 2}\n", "")
                .replace("split: {train_end: '2020-01-15', val_end: '2020-01-25'}\n", "")
                .replace("shards: {output: out/unit, layout: windows}\n", ""));
    assertEquals(h, ConfigLoader.hash(ConfigLoader.loadYaml(reordered, List.of())));
    assertEquals(h, ConfigLoader.hash(TestJobs.config("windowing.past=3", "shards.seed=42")));
    assertNotEquals(h, ConfigLoader.hash(TestJobs.config("windowing.past=4")));
    assertNotEquals(h, ConfigLoader.hash(TestJobs.config("shards.seed=43")));
    assertNotEquals(h, ConfigLoader.hash(TestJobs.config("split.test_end=2020-03-01")));
    assertNotEquals(h, ConfigLoader.hash(TestJobs.config("name=other")));
  }

  @Test
  void resolvedYamlLoadsBackToTheSameConfig() {
    JobConfig c = TestJobs.config("gaps.policy=zero", "gaps.max_fill=3", "split.test_end=2020-02-01");
    String yaml = ConfigLoader.toYaml(c);
    JobConfig again = ConfigLoader.loadYaml(yaml, List.of());
    // The resolved form spells out defaults (input: true, target: false), so compare the resolved forms.
    assertEquals(yaml, ConfigLoader.toYaml(again));
    assertEquals(ConfigLoader.hash(c), ConfigLoader.hash(again));
    assertEquals(c.windowing(), again.windowing());
    assertEquals(c.gaps(), again.gaps());
    assertEquals(c.split(), again.split());
  }
}
