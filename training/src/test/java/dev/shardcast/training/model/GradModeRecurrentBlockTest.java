package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The LSTM's forecast must not depend on whether autograd is recording: evaluation and predict
 * run with grad mode off, training with it on. On AVX-512 CPUs PyTorch 2.5.1's grad-mode-off LSTM
 * kernel (oneDNN) disagreed with the reference by up to 0.2; this test failed there before the
 * LSTM ran inside {@link GradModeRecurrentBlock}.
 */
class GradModeRecurrentBlockTest {

  @Test
  void lstmGivesTheSameForecastWithAndWithoutAutograd() {
    for (int layers : new int[] {1, 2}) {
      ModelSpec spec = ModelSpec.of(new JobConfig.Model(JobConfig.ModelType.LSTM, List.of(), 0.0, 16, layers, null, null),
          2, 1, 8, 3);
      try (NDManager m = NDManager.newBaseManager()) {
        Block block = ModelFactory.create(spec, m, 7L);
        Engine.getInstance().setRandomSeed(3);
        NDArray x = m.randomNormal(new Shape(16, 2, 8));
        ParameterStore ps = new ParameterStore(m, false);
        float[] recorded;
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
          recorded = block.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
        }
        assertFalse(JniUtils.isGradMode(), "the collector restores grad mode off");
        NDArray evaluated = block.forward(ps, new NDList(x), false).singletonOrThrow();
        assertFalse(JniUtils.isGradMode(), "the block restores grad mode off");
        assertFalse(evaluated.hasGradient() && JniUtils.requiresGrad((ai.djl.pytorch.engine.PtNDArray) evaluated),
            "evaluation output is detached from any graph");
        float[] got = evaluated.toFloatArray();
        assertEquals(recorded.length, got.length);
        assertArrayEquals(recorded, got, 1e-5f, layers + " layer(s): forecast with grad mode off");
      }
    }
  }
}
