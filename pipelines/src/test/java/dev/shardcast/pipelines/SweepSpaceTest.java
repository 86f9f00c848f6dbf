package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grid expansion and seeded random draws of a sweep, without training anything. */
class SweepSpaceTest {

  @Test
  void listValuesInBracketsAreOneValue() {
    assertEquals(List.of("[128,128]", "[64]", "{a: 1, b: 2}", "3"), SweepSpace.splitTopLevel("[128,128], [64],{a: 1, b: 2},3"));
  }

  @Test
  void theGridIsTheCartesianProductFirstKeySlowest() {
    List<Map<String, String>> g = SweepSpace.of(List.of("train.optimizer.learning_rate=1e-3,3e-4",
        "train.model.hidden=[32],[64,64],[8]"), List.of()).grid();
    assertEquals(6, g.size());
    assertEquals(6, new HashSet<>(g).size(), "every combination once");
    assertEquals(Map.of("train.optimizer.learning_rate", "1e-3", "train.model.hidden", "[32]"), g.get(0));
    assertEquals(Map.of("train.optimizer.learning_rate", "1e-3", "train.model.hidden", "[64,64]"), g.get(1));
    assertEquals(Map.of("train.optimizer.learning_rate", "3e-4", "train.model.hidden", "[8]"), g.get(5));
  }

  @Test
  void randomDrawsAreSeededAndLogUniform() {
    SweepSpace s = SweepSpace.of(List.of("train.model.type=linear,mlp"),
        List.of("train.optimizer.learning_rate=1e-4:1e-2:log", "train.epochs=3:5:int"));
    List<Map<String, String>> a = s.random(400, 7);
    assertEquals(a, s.random(400, 7), "same seed, same trials");
    assertNotEquals(a, s.random(400, 8));
    int belowGeometricMiddle = 0;
    HashSet<String> types = new HashSet<>();
    HashSet<String> epochs = new HashSet<>();
    for (Map<String, String> m : a) {
      double lr = Double.parseDouble(m.get("train.optimizer.learning_rate"));
      assertTrue(lr >= 1e-4 && lr <= 1e-2, m.toString());
      belowGeometricMiddle += lr < 1e-3 ? 1 : 0;
      types.add(m.get("train.model.type"));
      epochs.add(m.get("train.epochs"));
    }
    // log-uniform: 1e-4..1e-3 is half the draws; uniform would put about 9% there
    double share = belowGeometricMiddle / (double) a.size();
    assertTrue(share > 0.4 && share < 0.6, "share below 1e-3: " + share);
    assertEquals(Set.of("linear", "mlp"), types);
    assertEquals(Set.of("3", "4", "5"), epochs, "int range: both ends included, nothing outside");
  }

  @Test
  void badSweepsAreConfigErrors() {
    assertThrows(ConfigException.class, () -> SweepSpace.of(List.of("windowing.past=12,24"), List.of()));
    assertThrows(ConfigException.class, () -> SweepSpace.of(List.of("train.output=a,b"), List.of()));
    assertThrows(ConfigException.class, () -> SweepSpace.of(List.of(), List.of("train.optimizer.learning_rate=0:1:log")));
    assertThrows(ConfigException.class, () -> SweepSpace.of(List.of(), List.of("train.epochs=1:5")).grid());
    assertThrows(ConfigException.class, () -> SweepSpace.of(List.of("train.epochs=1,2", "train.epochs=3"), List.of()));
  }

}
