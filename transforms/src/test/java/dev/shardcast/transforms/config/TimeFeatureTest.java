package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * windowing.time_features: bound, refused where the grid cannot use a feature; unset, the cycles longer
 * than the past window; {@code []}, none.
 */
class TimeFeatureTest {

  private static String fail(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  @Test
  void bindsTheListInOrder() {
    JobConfig c = TestJobs.config("windowing.time_features=[day_of_year, day_of_week]");
    assertEquals(List.of(TimeFeature.DAY_OF_YEAR, TimeFeature.DAY_OF_WEEK), c.windowing().features());
    assertTrue(ConfigLoader.toYaml(c).contains("time_features"));
  }

  /** The base job without its {@code time_features: []}: the key absent. */
  private static JobConfig unset(String... overrides) {
    String yaml = TestJobs.BASE_YAML.replace(", time_features: []", "");
    assertFalse(yaml.contains("time_features"));
    return ConfigLoader.loadYaml(yaml, List.of(overrides));
  }

  @Test
  void anEmptyListIsNone() {
    JobConfig c = TestJobs.config();
    assertEquals(List.of(), c.windowing().features());
    assertTrue(ConfigLoader.toTree(c).path("windowing").path("time_features").isArray());
    // read back from its own YAML it stays none (an absent key would get the defaults)
    assertEquals(List.of(), ConfigLoader.loadYaml(ConfigLoader.toYaml(c), List.of()).windowing().features());
  }

  @Test
  void unsetGetsEachCycleLongerThanThePastWindow() {
    // daily, 3 days: neither the week nor the year is in the window
    assertEquals(List.of(TimeFeature.DAY_OF_WEEK, TimeFeature.DAY_OF_YEAR), unset().windowing().features());
    // 28 days show the week, not the year (examples/weather)
    assertEquals(List.of(TimeFeature.DAY_OF_YEAR), unset("windowing.past=28").windowing().features());
    assertEquals(List.of(), unset("windowing.past=400").windowing().features());
    // hourly, 12 h: the day, the week and the year
    assertEquals(List.of(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.DAY_OF_YEAR),
        unset("input.frequency=1h", "windowing.past=12").windowing().features());
    assertEquals(List.of(TimeFeature.DAY_OF_WEEK, TimeFeature.DAY_OF_YEAR),
        unset("input.frequency=1h", "windowing.past=24").windowing().features());
    // monthly: month while the window is shorter than a year (the demo's 24 months: none)
    assertEquals(List.of(TimeFeature.MONTH), unset("input.frequency=1M", "windowing.past=6").windowing().features());
    assertEquals(List.of(), unset("input.frequency=1M", "windowing.past=12").windowing().features());
    assertEquals(List.of(), unset("input.frequency=1y").windowing().features());
    assertEquals(List.of(TimeFeature.DAY_OF_YEAR), unset("input.frequency=1w", "windowing.past=8").windowing().features());
    // events have no grid: none, and the key stays absent (config and hash as before the default)
    JobConfig events = unset("input.frequency=none");
    assertEquals(List.of(), events.windowing().features());
    assertFalse(ConfigLoader.toTree(events).path("windowing").has("time_features"));
  }

  @Test
  void theDefaultIsWrittenIntoTheConfigSoEveryLoadAgrees() {
    JobConfig c = unset("windowing.past=28");
    String yaml = ConfigLoader.toYaml(c);
    assertTrue(yaml.contains("day_of_year"), yaml);
    JobConfig again = ConfigLoader.loadYaml(yaml, List.of());
    assertEquals(c.windowing().features(), again.windowing().features());
    assertEquals(ConfigLoader.hash(c), ConfigLoader.hash(again));
    // the same as writing it out
    assertEquals(ConfigLoader.hash(c), ConfigLoader.hash(TestJobs.config("windowing.past=28",
        "windowing.time_features=[day_of_year]")));
  }

  @Test
  void refusedWithoutARegularGrid() {
    String m = fail("input.frequency=none", "windowing.time_features=[month]");
    assertTrue(m.contains("'windowing.time_features'") && m.contains("frequency none"), m);
  }

  @Test
  void refusedWhereTheFeatureIsConstantOnTheGrid() {
    String m = fail("windowing.time_features=[hour]"); // the base job is daily
    assertTrue(m.contains("'windowing.time_features'") && m.contains("hour") && m.contains("1d"), m);
    assertTrue(fail("input.frequency=1w", "windowing.time_features=[day_of_week]").contains("day_of_week"));
    assertTrue(fail("input.frequency=1y", "windowing.time_features=[month]").contains("month"));
    assertTrue(fail("input.frequency=12M", "windowing.time_features=[day_of_year]").contains("day_of_year"));
    assertTrue(fail("input.frequency=1M", "windowing.time_features=[hour]").contains("hour"));
  }

  @Test
  void acceptedWhereTheFeatureVaries() {
    TestJobs.config("input.frequency=12h", "windowing.time_features=[hour, day_of_week]");
    TestJobs.config("input.frequency=1M", "windowing.time_features=[month]");
    TestJobs.config("input.frequency=1w", "windowing.time_features=[month, day_of_year]");
    TestJobs.config("input.frequency=15min", "windowing.time_features=[hour, day_of_week, month, day_of_year]");
  }

  @Test
  void refusesAnUnknownOrRepeatedFeature() {
    String unknown = fail("windowing.time_features=[weekday]");
    assertTrue(unknown.contains("windowing.time_features"), unknown);
    String twice = fail("windowing.time_features=[month, month]");
    assertTrue(twice.contains("'windowing.time_features'") && twice.contains("twice"), twice);
  }
}
