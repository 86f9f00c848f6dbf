package dev.shardcast.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig.ModelType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * auto's choice: the ensemble unless a single candidate is significantly below it; the simplest candidate
 * within one standard error of the lowest val MAE.
 */
class ModelChoiceTest {

  /** 8 windows, forecast starts 0..7 (blocks of 2: 4 blocks), one point each, the given errors. */
  private static WindowErrors errors(double... abs) {
    long[] starts = new long[abs.length];
    long[] points = new long[abs.length];
    for (int w = 0; w < abs.length; w++) {
      starts[w] = w;
      points[w] = 1;
    }
    return new WindowErrors(starts, abs, points);
  }

  private static ModelChoice.Candidate candidate(String name, WindowErrors e) {
    TrainResult r = new TrainResult(null, null, List.of(), 0, Double.NaN, -1, false, false, null, "cpu");
    ModelType type = name.equals("ensemble") ? ModelType.ENSEMBLE : ModelType.LINEAR;
    return new ModelChoice.Candidate(name, type, r, Map.of("val", Map.of("all", Map.of("mae", e.mae()))), e);
  }

  @Test
  void studentsTQuantiles() {
    assertEquals(Double.POSITIVE_INFINITY, WindowErrors.tCritical95(0));
    assertEquals(6.314, WindowErrors.tCritical95(1));
    assertEquals(2.920, WindowErrors.tCritical95(2));
    assertEquals(1.812, WindowErrors.tCritical95(11)); // between the table's 10 and 12: 10's, the larger
    assertEquals(1.658, WindowErrors.tCritical95(5000));
  }

  @Test
  void theEnsembleStaysUnlessASingleModelIsSignificantlyBelowIt() {
    ModelChoice.Candidate ensemble = candidate("ensemble", errors(2, 2, 2, 2, 2, 2, 2, 2));
    // block differences -1, 0, -1, 0 (2 points each): -0.25 a point, standard error sqrt(4 / 3) / 8 = 0.144;
    // 1.7 standard errors: beyond one, not beyond t(3 df) = 2.353
    ModelChoice.Candidate mlp = candidate("mlp", errors(1.5, 1.5, 2, 2, 1.5, 1.5, 2.5, 1.5));
    ModelChoice.Candidate lstm = candidate("lstm", errors(3, 3, 3, 3, 3, 3, 3, 3));
    double[] d = WindowErrors.pairedDifference(mlp.valErrors(), ensemble.valErrors(), 2);
    assertEquals(-0.25, d[0], 1e-12);
    assertEquals(4, d[2]);
    assertTrue(-d[0] > d[1] && -d[0] < 2.353 * d[1], d[0] + " " + d[1]);
    ModelChoice kept = new ModelChoice(List.of(mlp, lstm), ensemble, false, 2);
    assertEquals("ensemble", kept.chosen().name());
    assertTrue(kept.explanation().startsWith("auto chose ensemble: val MAE 2.0000, the mean of the candidates; no single "
        + "candidate is significantly below it (closest: mlp 1.7500"), kept.explanation());
    // a lead in every block: no spread, significant at any level; the simplest of the significant ones
    ModelChoice.Candidate linear = candidate("linear", errors(1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5));
    ModelChoice single = new ModelChoice(List.of(linear, mlp, lstm), ensemble, false, 2);
    assertEquals("linear", single.chosen().name());
    assertTrue(single.explanation().contains("significantly below the ensemble's 2.0000 ("), single.explanation());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> described = (List<Map<String, Object>>) single.describe().get("candidates");
    assertEquals(List.of("linear", "mlp", "lstm", "ensemble"), described.stream().map(c -> c.get("type")).toList());
    assertEquals(-0.5, (double) described.get(0).get("val_mae_minus_ensemble"), 1e-12);
    assertEquals(4, described.get(0).get("blocks_vs_ensemble"));
    // train.model.type: ensemble keeps it whatever the scores
    assertEquals("ensemble", new ModelChoice(List.of(linear, mlp, lstm), ensemble, true, 2).chosen().name());
  }

  @Test
  void pairedDifferenceIsTheRatioEstimateOverBlocks() {
    WindowErrors a = errors(3, 1, 2, 2, 5, 1, 1, 1);
    WindowErrors b = errors(1, 1, 1, 1, 1, 1, 1, 1);
    double[] d = WindowErrors.pairedDifference(a, b, 2);
    // block differences 2, 2, 4, 0 over 2 points each: mean 8 / 8 = 1; residuals 0, 0, 2, -2;
    // SE = sqrt(4 / 3 * 8) / 8
    assertEquals(1.0, d[0], 1e-12);
    assertEquals(Math.sqrt(4.0 / 3 * 8) / 8, d[1], 1e-12);
    // one block: no evidence
    assertEquals(Double.POSITIVE_INFINITY, WindowErrors.pairedDifference(a, b, 8)[1]);
  }

  @Test
  void aLeadWithinTheNoiseKeepsTheSimplerCandidate() {
    ModelChoice.Candidate ridge = candidate("ridge", errors(2, 2, 2, 2, 2, 2, 2, 2));
    // lower on average (1.875 vs 2) but not in every block: difference -0.125, SE larger
    ModelChoice.Candidate mlp = candidate("mlp", errors(1, 1, 3, 3, 1, 1, 2, 3));
    double[] d = WindowErrors.pairedDifference(ridge.valErrors(), mlp.valErrors(), 2);
    assertTrue(d[0] > 0 && d[0] <= d[1], d[0] + " " + d[1]);
    ModelChoice choice = new ModelChoice(List.of(ridge, mlp), 2);
    assertEquals("ridge", choice.chosen().name());
    assertTrue(choice.explanation().startsWith("auto chose ridge: val MAE 2")
        && choice.explanation().contains("the simplest within one standard error of the lowest (mlp"), choice.explanation());
  }

  @Test
  void aLeadInEveryBlockWins() {
    ModelChoice.Candidate ridge = candidate("ridge", errors(2, 2, 2, 2, 2, 2, 2, 2));
    ModelChoice.Candidate linear = candidate("linear", errors(2, 1.9, 2, 2, 2, 2, 2, 2.1));
    ModelChoice.Candidate mlp = candidate("mlp", errors(1.5, 1.5, 1.4, 1.6, 1.5, 1.5, 1.6, 1.4));
    ModelChoice choice = new ModelChoice(List.of(ridge, linear, mlp), 2);
    assertEquals("mlp", choice.chosen().name());
    assertTrue(choice.explanation().startsWith("auto chose mlp: val MAE 1.5")
        && choice.explanation().contains("the lowest"), choice.explanation());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> described = (List<Map<String, Object>>) choice.describe().get("candidates");
    assertEquals(0.5, (double) described.get(0).get("val_mae_minus_lowest"), 1e-12);
  }
}
