package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality: section and input.sources are checked when the job loads; each error names its key. */
class QualityValidatorTest {
  private static final String SOURCES = "  sources:\n    - {name: a, path: a.csv}\n    - {name: b, path: b.csv}\n";

  private static JobConfig load(String quality) {
    return ConfigLoader.loadYaml(TestJobs.BASE_YAML + quality, List.of());
  }

  private static JobConfig loadSources(String quality) {
    return ConfigLoader.loadYaml(TestJobs.BASE_YAML.replace("  path: data.csv\n", SOURCES) + quality, List.of());
  }

  private static void assertRejected(String key, String quality) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(quality));
    assertTrue(e.getMessage().contains("'" + key), "names " + key + ": " + e.getMessage());
  }

  private static String columns(String yaml) {
    return "quality:\n  columns:\n" + yaml;
  }

  @Test
  void aValidSectionLoads() {
    JobConfig c = load(columns("    x: {unit: km, min: 0, scale_check: 2}\n    code: {type: long, regex: '\\d+'}\n"));
    assertEquals("km", c.quality().columns().get("x").unit());
  }

  @Test
  void unknownType() {
    assertRejected("quality.columns.code.type", columns("    code: {type: float}\n"));
  }

  @Test
  void badRegex() {
    assertRejected("quality.columns.code.regex", columns("    code: {regex: '[a-'}\n"));
  }

  @Test
  void unknownUnit() {
    assertRejected("quality.columns.x.unit", columns("    x: {unit: furlong}\n"));
  }

  @Test
  void unitColumnWithoutUnit() {
    assertRejected("quality.columns.x.unit_column", columns("    x: {unit_column: x_unit}\n"));
  }

  @Test
  void scaleCheckOnANonValueColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(columns("    code: {scale_check: 2}\n")));
    assertTrue(e.getMessage().contains("'quality.columns.code'") && e.getMessage().contains("scale_check"), e.getMessage());
  }

  @Test
  void preferNamingAnUnknownSource() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loadSources("quality:\n  unified: {on_conflict: prefer, prefer: [a, c]}\n"));
    assertTrue(e.getMessage().contains("'quality.unified.prefer'") && e.getMessage().contains("'c'"), e.getMessage());
    loadSources("quality:\n  unified: {on_conflict: prefer, prefer: [b, a]}\n"); // known names load
  }

  @Test
  void pathAndSourcesTogether() {
    String yaml = TestJobs.BASE_YAML.replace("  path: data.csv\n", "  path: data.csv\n" + SOURCES);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, List.of()));
    assertTrue(e.getMessage().contains("'input.path'") && e.getMessage().contains("'input.sources'"), e.getMessage());
  }

  @Test
  void sourceUnitForAColumnWithoutADeclaredUnit() {
    String yaml = TestJobs.BASE_YAML.replace("  path: data.csv\n", "  sources:\n    - {name: a, path: a.csv, units: {x: m}}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, List.of()));
    assertTrue(e.getMessage().contains("'input.sources[0].units.x'"), e.getMessage());
    ConfigException wrong = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadYaml(yaml + columns("    x: {unit: kg}\n"), List.of()));
    assertTrue(wrong.getMessage().contains("'input.sources[0].units.x'") && wrong.getMessage().contains("cannot be converted"),
        wrong.getMessage());
  }

  @Test
  void fractionsAboveOne() {
    assertRejected("quality.columns.x.min.max_fail_fraction", columns("    x: {min: {value: 0, max_fail_fraction: 1.5}}\n"));
    assertRejected("quality.thresholds.max_quarantined_fraction", "quality:\n  thresholds: {max_quarantined_fraction: 1.5}\n");
    load("quality:\n  thresholds: {max_quarantined_fraction: 1}\n"); // 1 is a fraction
  }

  @Test
  void timestampBounds() {
    // The timestamp column's bounds are in the job's format; other timestamp columns' in ISO.
    ConfigLoader.loadYaml(TestJobs.BASE_YAML + columns("    ts: {min: '2020/01/01'}\n"),
        List.of("input.timestamp.format=yyyy/MM/dd"));
    assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(TestJobs.BASE_YAML + columns("    ts: {min: '2020-01-01'}\n"),
        List.of("input.timestamp.format=yyyy/MM/dd")));
    assertRejected("quality.columns.seen.min", columns("    seen: {type: timestamp, min: 'last year'}\n"));
    assertRejected("quality.columns.seen.max", columns("    seen: {max: 'soon'}\n"));
  }

  @Test
  void rulesFileIsMergedUnderTheJobsOwnKeys(@TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "quality:",
        "  severity: warn",
        "  columns:",
        "    x: {min: 0, max: 100}",
        "    code: {regex: '[A-Z]+'}",
        "  thresholds: {max_quarantined_fraction: 0.2}", ""));
    JobConfig c = load("quality:\n  rules_file: '" + rules + "'\n  columns:\n    x: {max: 50}\n"
        + "  thresholds: {max_quarantined_fraction: 0.05}\n");
    QualityConfig q = c.quality();
    assertEquals(Severity.WARN, q.severity(), "from the file");
    assertEquals(0, q.columns().get("x").min().value().asDouble(), "from the file");
    assertEquals(50, q.columns().get("x").max().value().asDouble(), "the job's own key wins");
    assertEquals("[A-Z]+", q.columns().get("code").regex().value().asText(), "from the file");
    assertEquals(0.05, q.thresholds().maxQuarantinedFraction().value().asDouble(), "the job's own key wins");

    // A rules file holding just the section's contents works the same.
    Path bare = dir.resolve("bare.yaml");
    Files.writeString(bare, "columns:\n  y: {max: 7}\n");
    JobConfig b = load("quality:\n  rules_file: '" + bare + "'\n");
    assertEquals(7, b.quality().columns().get("y").max().value().asDouble());

    ConfigException missing = assertThrows(ConfigException.class,
        () -> load("quality:\n  rules_file: '" + dir.resolve("nope.yaml") + "'\n"));
    assertTrue(missing.getMessage().contains("'quality.rules_file'"), missing.getMessage());
  }

  @Test
  void rulesFileGivenAsAnOverrideIsReadToo(@TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "columns:\n  y: {max: 7}\n");
    JobConfig c = ConfigLoader.loadYaml(TestJobs.BASE_YAML, List.of("quality.rules_file=" + rules));
    assertEquals(7, c.quality().columns().get("y").max().value().asDouble());
    JobConfig o = ConfigLoader.loadYaml(TestJobs.BASE_YAML, List.of("quality.rules_file=" + rules,
        "quality.columns.y.max=8"));
    assertEquals(8, o.quality().columns().get("y").max().value().asDouble(), "an override wins over the file");

    ConfigException folder = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadYaml(TestJobs.BASE_YAML, List.of("quality.rules_file=" + dir)));
    assertEquals("config key 'quality.rules_file': " + dir + " is a folder; name a file, or the files in it with a "
        + "glob such as " + dir + "/*.csv", folder.getMessage());
  }
}
