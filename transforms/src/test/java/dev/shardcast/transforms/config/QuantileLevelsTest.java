package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantileLevelsTest {
  private static String fail(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  @Test
  void quantileLossDefaultsToTheTenthMedianAndNinetieth() {
    assertEquals(List.of(0.1, 0.5, 0.9), TestJobs.config("train.loss=quantile").train().quantiles());
    assertEquals(List.of(0.05, 0.5, 0.95),
        TestJobs.config("train.loss=quantile", "train.quantiles=[0.05, 0.5, 0.95]").train().quantiles());
  }

  @Test
  void aPointLossHasNoQuantilesAndKeepsItsConfigHash() {
    JobConfig c = TestJobs.config("train.loss=mae");
    assertNull(c.train().quantiles());
    // null is left out of the canonical form: the key adds nothing to a point forecaster's hash
    assertEquals(false, ConfigLoader.toTree(c).path("train").has("quantiles"));
  }

  @Test
  void resolvedYamlOfAQuantileJobLoadsBack() {
    JobConfig c = TestJobs.config("train.loss=quantile", "train.quantiles=[0.2, 0.5, 0.8]");
    JobConfig again = ConfigLoader.loadYaml(ConfigLoader.toYaml(c), List.of());
    assertEquals(c.train(), again.train());
  }

  @Test
  void badLevelsNameTheKey() {
    assertEquals("config key 'train.quantiles' is set, but train.loss is mae: quantiles are only forecast with "
        + "train.loss: quantile; set that or remove train.quantiles", fail("train.quantiles=[0.1, 0.9]"));
    assertEquals("config key 'train.quantiles[1]' must be in (0, 1), got 1.0",
        fail("train.loss=quantile", "train.quantiles=[0.5, 1.0]"));
    assertEquals("config key 'train.quantiles[0]' must be in (0, 1), got 0.0",
        fail("train.loss=quantile", "train.quantiles=[0, 0.5]"));
    assertEquals("config key 'train.quantiles' must be strictly increasing, got [0.1, 0.9, 0.5]",
        fail("train.loss=quantile", "train.quantiles=[0.1, 0.9, 0.5]"));
    assertEquals("config key 'train.quantiles' must be strictly increasing, got [0.5, 0.5]",
        fail("train.loss=quantile", "train.quantiles=[0.5, 0.5]"));
    assertEquals("config key 'train.quantiles' is empty: list levels in (0, 1), e.g. [0.1, 0.5, 0.9]",
        fail("train.loss=quantile", "train.quantiles=[]"));
  }
}
