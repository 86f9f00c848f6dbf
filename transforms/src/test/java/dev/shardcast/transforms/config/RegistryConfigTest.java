package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {
  private static String fail(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  @Test
  void aJobWithoutTheSectionHashesAsBefore() {
    JobConfig c = TestJobs.config();
    assertNull(c.registry());
    assertFalse(ConfigLoader.toTree(c).has("registry"), "no registry key in the canonical form, so the hash is unchanged");
    assertTrue(ConfigLoader.toTree(TestJobs.config("registry.location=models")).has("registry"));
  }

  @Test
  void defaultsAndValues() {
    RegistryConfig r = TestJobs.config("registry.location=s3://b/models").registry();
    assertEquals("s3://b/models", r.location());
    assertEquals(RegistryConfig.Metric.MAE, r.metricOrDefault());
    assertEquals(0.0, r.toleranceOrDefault());
    assertTrue(r.warmStartOrDefault());
    assertEquals(1440, r.lockMaxAgeMinutesOrDefault());
    r = TestJobs.config("registry={location: m, metric: mase, tolerance: 0.05, warm_start: false, lock_max_age_minutes: 30}")
        .registry();
    assertEquals("mase_seasonal_naive", r.metricOrDefault().key());
    assertEquals(0.05, r.toleranceOrDefault());
    assertFalse(r.warmStartOrDefault());
    assertEquals(30, r.lockMaxAgeMinutesOrDefault());
  }

  @Test
  void errorsNameTheKey() {
    assertTrue(fail("registry.tolerance=0.1").contains("'registry.location' is required"));
    assertTrue(fail("registry.location=m", "registry.tolerance=-1").contains("'registry.tolerance' must be >= 0"));
    assertTrue(fail("registry.location=m", "registry.lock_max_age_minutes=0")
        .contains("'registry.lock_max_age_minutes' must be > 0"));
    String metric = fail("registry.location=m", "registry.metric=r2");
    assertTrue(metric.contains("registry.metric"), metric);
    String unknown = fail("registry.location=m", "registry.replay_fraction=0.2");
    assertTrue(unknown.contains("replay_fraction"), unknown);
  }
}
