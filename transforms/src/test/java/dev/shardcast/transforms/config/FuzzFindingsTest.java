package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The messages of the config errors that the fuzz tests' findings now raise (docs/reliability.md, point 2). */
class FuzzFindingsTest {
  private static String refused(String... overrides) {
    return assertThrows(ConfigException.class, () -> TestJobs.config(overrides)).getMessage();
  }

  @Test
  void anOverrideWithAnEmptyValueIsNullAsTilde() {
    // Was Jackson's "Internal error: unexpected token: NOT_AVAILABLE" (a crash, exit 1).
    assertEquals(refused("windowing.past=~"), refused("windowing.past="));
    assertTrue(refused("windowing.past=").contains("windowing.past"), refused("windowing.past="));
  }

  @Test
  void anOverrideKeyWithAnEmptyPartIsRefused() {
    assertTrue(refused(".=0").contains("override of key '.' must name a key path"), refused(".=0"));
    assertTrue(refused("windowing..past=3").contains("'windowing..past'"), refused("windowing..past=3"));
  }

  @Test
  void anEmptyListItemIsRefusedByItsKey() {
    String yaml = TestJobs.BASE_YAML.replace("    - {name: y, type: double}\n", "    -\n");
    String msg = assertThrows(ConfigException.class, () -> ConfigLoader.loadYaml(yaml, List.of())).getMessage();
    assertEquals("config key 'input.columns[1]' is an empty list item: give it a value or remove it", msg);
    assertTrue(refused("input.series_key=[id, ~]").contains("'input.series_key[1]'"));
  }

  @Test
  void aPatternTheJdkCannotBuildIsAConfigError() {
    String msg = assertThrows(ConfigException.class, () -> new TimestampParser("epKch")).getMessage();
    assertTrue(msg.startsWith("config key 'input.timestamp.format' must be "), msg);
    assertTrue(msg.contains("'epKch' is not a valid pattern"), msg);
  }
}
