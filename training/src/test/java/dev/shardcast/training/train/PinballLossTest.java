package dev.shardcast.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.testing.TrainConfigs;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinballLossTest {
  @Test
  void matchesAHandComputationAndSkipsFilledPoints() {
    try (NDManager m = NDManager.newBaseManager()) {
      // one window, one target, two future steps; levels 0.1 and 0.9: rows [q0.1; q0.9]
      NDArray pred = m.create(new float[] {1f, 5f, 3f, 2f}, new Shape(1, 2, 2));
      NDArray truth = m.create(new float[] {2f, 4f}, new Shape(1, 1, 2));
      NDArray observed = m.create(new float[] {1f, 1f}, new Shape(1, 1, 2));
      NDArray[] l = PinballLoss.of(pred, truth, observed, List.of(0.1, 0.9));
      // step 1, y=2: q0.1 f=1 under -> 0.1*1 = 0.1; q0.9 f=3 over -> 0.1*1 = 0.1
      // step 2, y=4: q0.1 f=5 over -> 0.9*1 = 0.9; q0.9 f=2 under -> 0.9*2 = 1.8
      assertEquals((0.1 + 0.1 + 0.9 + 1.8) / 4, l[0].getFloat(), 1e-6);
      assertEquals(2f, l[1].getFloat());
      // step 2 filled: only step 1's two losses count
      NDArray[] masked = PinballLoss.of(pred, truth, m.create(new float[] {1f, 0f}, new Shape(1, 1, 2)),
          List.of(0.1, 0.9));
      assertEquals((0.1 + 0.1) / 2, masked[0].getFloat(), 1e-6);
      assertEquals(1f, masked[1].getFloat());
    }
  }

  @Test
  void atTheMedianItIsHalfTheAbsoluteError() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray pred = m.create(new float[] {0f, 1f, -2f}, new Shape(1, 1, 3));
      NDArray truth = m.create(new float[] {1f, 1f, 1f}, new Shape(1, 1, 3));
      NDArray[] l = PinballLoss.of(pred, truth, m.ones(truth.getShape()), List.of(0.5));
      assertEquals(0.5 * (1 + 0 + 3) / 3, l[0].getFloat(), 1e-6);
    }
  }

  @Test
  void theModelMustForecastTheLossQuantiles() {
    JobConfig.Train point = TrainConfigs.train(JobConfig.ModelType.LINEAR, 0, JobConfig.OptimizerType.ADAM, 0.01, 1, 10);
    JobConfig.Train quantile = TrainConfigs.withLoss(point, JobConfig.LossType.QUANTILE, List.of(0.1, 0.5, 0.9));
    ModelSpec spec = ModelSpec.of(point.model(), 1, 1, 8, 2);
    PinballLoss.check(point, spec);
    PinballLoss.check(quantile, spec.withQuantiles(List.of(0.1, 0.5, 0.9)));
    assertThrows(IllegalArgumentException.class, () -> PinballLoss.check(quantile, spec));
    assertThrows(IllegalArgumentException.class, () -> PinballLoss.check(point, spec.withQuantiles(List.of(0.5))));
    assertThrows(IllegalArgumentException.class,
        () -> PinballLoss.check(quantile, spec.withQuantiles(List.of(0.2, 0.5, 0.8))));
  }
}
