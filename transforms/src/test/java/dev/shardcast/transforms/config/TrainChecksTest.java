package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardcast.transforms.testing.TestJobs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainChecksTest {
  /** The base test job with x (input, target) and y (input) only, a 12-point past and a season of 12. */
  private static JobConfig job(String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "input.columns=[{name: x, type: double, target: true}, {name: y, type: double}]",
        "windowing.past=12", "train.season=12"));
    all.addAll(List.of(overrides));
    return TestJobs.config(all.toArray(String[]::new));
  }

  private static String fail(String... overrides) {
    JobConfig c = job(overrides);
    return assertThrows(ConfigException.class, () -> TrainChecks.check(c)).getMessage();
  }

  @Test
  void aValidJobPasses() {
    assertDoesNotThrow(() -> TrainChecks.check(job()));
    assertDoesNotThrow(() -> TrainChecks.check(job("train.model.baseline=seasonal", "train.model.inputs=[y]")));
  }

  @Test
  void theSeasonMustFitInThePast() {
    assertEquals("config key 'train.season' (12) must not exceed windowing.past (6): the seasonal-naive forecast of "
        + "the evaluation is read from each window's own past; lower train.season or raise windowing.past",
        fail("windowing.past=6"));
    assertEquals("config key 'train.season' (13) must not exceed windowing.past (12): the seasonal-naive forecast of "
        + "the evaluation and of train.model.baseline: seasonal is read from each window's own past; lower "
        + "train.season or raise windowing.past", fail("train.season=13", "train.model.baseline=seasonal"));
  }

  @Test
  void aSeasonalBaselineNeedsItsTargetAsAnInput() {
    assertEquals("config key 'train.model.baseline' is seasonal, but its target 'x' is not an input "
        + "(input.columns[0].input: false): the baseline and the evaluation read the target's past values; "
        + "set input.columns[0].input: true",
        fail("input.columns=[{name: x, type: double, target: true, input: false}, {name: y, type: double}]",
            "train.model.baseline=seasonal"));
  }

  @Test
  void theEvaluationNeedsEveryTargetAsAnInput() {
    assertEquals("config key 'input.columns[1].input': target 'z' must also be an input (input: true) to train: "
        + "the evaluation's naive forecasts and train.model.baseline: mean read the target's past values",
        fail("input.columns=[{name: x, type: double, target: true}, {name: z, type: double, target: true, input: false}]"));
    assertEquals("config key 'input.columns[1].input': target 'z' must also be an input (input: true) to train: "
        + "the evaluation's naive forecasts read the target's past values",
        fail("input.columns=[{name: x, type: double, target: true}, {name: z, type: double, target: true, input: false}]",
            "train.model.baseline=none"));
  }

  @Test
  void modelInputsMustBeInputColumns() {
    assertEquals("config key 'train.model.inputs' names 'z', which is not an input column (input.columns with "
        + "input: true): [x, y]", fail("train.model.inputs=[x, z]"));
    assertEquals("config key 'train.model.inputs' is empty: list input columns [x, y], or remove it to use them all",
        fail("train.model.inputs=[]"));
  }
}
