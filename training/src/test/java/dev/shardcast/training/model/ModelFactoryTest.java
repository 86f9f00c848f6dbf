package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFactoryTest {
  private static ModelSpec spec(JobConfig.ModelType type, double dropout, int layers) {
    return ModelSpec.of(new JobConfig.Model(type, List.of(16, 8), dropout, 12, layers, null, null), 3, 2, 10, 4);
  }

  @Test
  void bothModelsMapPastToTargetsByFuture() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (JobConfig.ModelType type : ModelFactory.TYPES) {
        ModelSpec spec = spec(type, 0.2, 2);
        Block block = ModelFactory.create(spec, m, 1L);
        NDArray x = m.randomNormal(new Shape(5, 3, 10));
        NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        assertEquals(new Shape(5, 2, 4), y.getShape(), type.toString());
      }
    }
  }

  @Test
  void sameSeedGivesIdenticalParameters() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (JobConfig.ModelType type : ModelFactory.TYPES) {
        ModelSpec spec = spec(type, 0.1, 2);
        Block a = ModelFactory.create(spec, m, 42L);
        Block b = ModelFactory.create(spec, m, 42L);
        Block c = ModelFactory.create(spec, m, 43L);
        List<Pair<String, Parameter>> pa = a.getParameters().stream().toList();
        List<Pair<String, Parameter>> pb = b.getParameters().stream().toList();
        List<Pair<String, Parameter>> pc = c.getParameters().stream().toList();
        assertEquals(pa.size(), pb.size());
        boolean anyDiff = false;
        for (int i = 0; i < pa.size(); i++) {
          assertEquals(pa.get(i).getKey(), pb.get(i).getKey());
          float[] va = pa.get(i).getValue().getArray().toFloatArray();
          assertArrayEquals(va, pb.get(i).getValue().getArray().toFloatArray(), pa.get(i).getKey());
          anyDiff |= !Arrays.equals(va, pc.get(i).getValue().getArray().toFloatArray());
        }
        assertTrue(anyDiff, "another seed should give other weights (" + type + ")");
      }
    }
  }

  @Test
  void savedModelRoundTripPredictsTheSame(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      for (JobConfig.ModelType type : ModelFactory.TYPES) {
        ModelSpec spec = spec(type, 0.3, 1);
        Block block = ModelFactory.create(spec, m, 5L);
        Path folder = dir.resolve(type.yaml());
        SavedModel.save(folder, block, spec);
        SavedModel.Loaded loaded = SavedModel.load(folder, m);
        assertEquals(spec, loaded.spec());
        NDArray x = m.randomNormal(new Shape(4, 3, 10));
        float[] want = block.forward(new ParameterStore(m, false), new NDList(x), false)
            .singletonOrThrow().toFloatArray();
        assertArrayEquals(want, loaded.predict(x).toFloatArray(), 0f);
        assertFalse(java.nio.file.Files.exists(folder.resolve(SavedModel.PARAMS_FILE + ".tmp")));
      }
    }
  }

  @Test
  void residualMlpRoundTripsAndCarriesTheLinearPath(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      ModelSpec plain = spec(JobConfig.ModelType.MLP, 0.1, 1);
      ModelSpec spec = ModelSpec.of(new JobConfig.Model(JobConfig.ModelType.MLP, List.of(16, 8), 0.1, 12, 1, null, null,
          true), 3, 2, 10, 4);
      Block block = ModelFactory.create(spec, m, 5L);
      // the linear path: one more weight [2 * 4, 3 * 10] and bias
      assertEquals(ModelFactory.create(plain, m, 5L).getParameters().size() + 2, block.getParameters().size());
      SavedModel.save(dir, block, spec);
      SavedModel.Loaded loaded = SavedModel.load(dir, m);
      assertTrue(loaded.spec().hasResidual());
      NDArray x = m.randomNormal(new Shape(4, 3, 10));
      float[] want = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
      assertArrayEquals(want, loaded.predict(x).toFloatArray(), 0f);
      // the lstm has the path too; the linear model, itself linear, drops the flag
      assertTrue(ModelSpec.of(new JobConfig.Model(JobConfig.ModelType.LSTM, List.of(), 0.1, 12, 1, null, null, true),
          3, 2, 10, 4).hasResidual());
      assertFalse(ModelSpec.of(new JobConfig.Model(JobConfig.ModelType.LINEAR, List.of(), 0.1, 12, 1, null, null, true),
          3, 2, 10, 4).hasResidual());
    }
  }

  @Test
  void windowScaledModelsRoundTrip(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      for (JobConfig.ModelType type : ModelFactory.TYPES) {
        ModelSpec spec = new ModelSpec(type, List.of(8), 0.1, 6, 1, 2, 1, 10, 4, List.of("y", "z"), List.of("y"),
            JobConfig.Baseline.MEAN, 4, 0, null, true, true);
        assertEquals(type != JobConfig.ModelType.LINEAR, spec.hasWindowScale(), type.toString());
        Block block = ModelFactory.create(spec, m, 9L);
        Path folder = dir.resolve(type.yaml());
        SavedModel.save(folder, block, spec);
        SavedModel.Loaded loaded = SavedModel.load(folder, m);
        assertEquals(spec, loaded.spec());
        NDArray x = m.randomNormal(new Shape(3, 2, 10)).mul(50).add(7);
        float[] want = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
        assertArrayEquals(want, loaded.predict(x).toFloatArray(), 0f);
        for (float v : want) {
          assertTrue(Float.isFinite(v));
        }
      }
    }
  }
}
