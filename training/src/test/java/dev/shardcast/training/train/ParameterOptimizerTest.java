package dev.shardcast.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobConfig.OptimizerType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written updates against the formulas, on one weight w with loss w^2 (gradient 2w). */
class ParameterOptimizerTest {

  private interface Check {
    void run(float w0, float w1);
  }

  private static void steps(JobConfig.Optimizer cfg, double clip, float w0, int n, float[] out) {
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = Linear.builder().setUnits(1).optBias(false).build();
      block.setInitializer(new ConstantInit(w0), Parameter.Type.WEIGHT);
      block.initialize(m, DataType.FLOAT32, new Shape(1, 1));
      List<Parameter> params = block.getParameters().values();
      try (ParameterOptimizer opt = ParameterOptimizer.create(cfg, params, m)) {
        ParameterStore ps = new ParameterStore(m, false);
        out[0] = params.get(0).getArray().getFloat();
        for (int i = 1; i <= n; i++) {
          try (NDScope scope = new NDScope()) {
            NDArray x = m.ones(new Shape(1, 1));
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
              NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
              c.backward(y.square().sum());
            }
            opt.step(opt.clipFactor(clip));
            opt.zeroGradients();
          }
          out[i] = params.get(0).getArray().getFloat();
        }
      }
    }
  }

  private record ConstantInit(float v) implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      return manager.full(shape, v, dataType);
    }
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    float[] w = new float[3];
    steps(new JobConfig.Optimizer(OptimizerType.SGD, 0.1, 0.9, 0.5), 0, 1f, 2, w);
    double g1 = 2 * w[0] + 0.5 * w[0];
    double buf = g1;
    assertEquals(w[0] - 0.1 * buf, w[1], 1e-6);
    double g2 = 2 * w[1] + 0.5 * w[1];
    buf = 0.9 * buf + g2;
    assertEquals(w[1] - 0.1 * buf, w[2], 1e-6);
  }

  @Test
  void adamFirstStepsWithBiasCorrection() {
    float[] w = new float[3];
    steps(new JobConfig.Optimizer(OptimizerType.ADAM, 0.01, 0.9, 0.0), 0, 1f, 2, w);
    double m = 0, v = 0, x = w[0];
    for (int t = 1; t <= 2; t++) {
      double g = 2 * x;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double mh = m / (1 - Math.pow(0.9, t));
      double vh = v / (1 - Math.pow(0.999, t));
      x = x - 0.01 * mh / (Math.sqrt(vh) + 1e-8);
      assertEquals(x, w[t], 1e-6, "step " + t);
    }
  }

  @Test
  void clippingScalesToTheMaxGlobalNorm() {
    float[] w = new float[2];
    steps(new JobConfig.Optimizer(OptimizerType.SGD, 0.1, 0.0, 0.0), 0.5, 3f, 1, w);
    // gradient 6, clipped to norm 0.5
    assertEquals(3 - 0.1 * 6 * (0.5 / (6 + 1e-6)), w[1], 1e-6);
    steps(new JobConfig.Optimizer(OptimizerType.SGD, 0.1, 0.0, 0.0), 100, 3f, 1, w);
    assertEquals(3 - 0.1 * 6, w[1], 1e-6);
  }
}
