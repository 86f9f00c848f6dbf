package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** windowing.time_features: bound, refused where the grid cannot use a feature, invisible when unset. */
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

  @Test
  void unsetLeavesTheConfigAndItsHashAsBefore() {
    JobConfig c = TestJobs.config();
    assertEquals(List.of(), c.windowing().features());
    assertFalse(ConfigLoader.toTree(c).path("windowing").has("time_features"));
    assertFalse(ConfigLoader.toYaml(c).contains("time_features"));
    // an empty list is the same job as no list
    assertEquals(ConfigLoader.hash(c), ConfigLoader.hash(TestJobs.config("windowing.time_features=[]")));
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
