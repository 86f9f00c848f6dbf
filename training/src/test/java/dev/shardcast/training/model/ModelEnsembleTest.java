package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ensemble block: its forecast is the mean of its members', saved and loaded as one model folder. */
class ModelEnsembleTest {
  private static final List<String> NAMES = List.of("a", "b", "c");

  /** 3 inputs (the targets among them, so the residual path and window scaling are on), 2 targets, 10 -> 4. */
  private static ModelSpec spec(List<Double> quantiles) {
    JobConfig.Model model = new JobConfig.Model(JobConfig.ModelType.ENSEMBLE, List.of(16), 0.1, 8, 1,
        JobConfig.Baseline.MEAN, null, true, true);
    ModelSpec s = new ModelSpec(JobConfig.ModelType.ENSEMBLE, model.hidden(), 0.1, 8, 1, 3, 2, 10, 4, NAMES,
        List.of("a", "c"), JobConfig.Baseline.MEAN, 12, 0, null, true, true, null, null, null);
    return s.withQuantiles(quantiles);
  }

  /** Each member trained on nothing, but with its own random weights (seeds 1, 2, 3), saved in its folder. */
  private static List<Path> members(ModelSpec ensemble, NDManager m, Path dir) throws Exception {
    List<Path> dirs = new ArrayList<>();
    long seed = 1;
    for (JobConfig.ModelType t : ModelEnsemble.MEMBERS) {
      ModelSpec spec = ensemble.withType(t);
      Path d = dir.resolve(t.yaml());
      SavedModel.save(d, ModelFactory.create(spec, m, seed++), spec);
      dirs.add(d);
    }
    return dirs;
  }

  private static float[] forward(Block block, NDArray x, NDManager m) {
    return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
  }

  @Test
  void theForecastIsTheMeanOfTheMembersAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
    for (List<Double> quantiles : java.util.Arrays.asList(null, List.of(0.1, 0.5, 0.9))) {
      Path here = dir.resolve(quantiles == null ? "point" : "quantile");
      try (NDManager m = NDManager.newBaseManager()) {
        ModelSpec spec = spec(quantiles);
        List<Path> dirs = members(spec, m, here);
        NDArray x = m.randomNormal(0, 3, new Shape(5, 3, 10), ai.djl.ndarray.types.DataType.FLOAT32);
        float[][] member = new float[dirs.size()][];
        for (int i = 0; i < dirs.size(); i++) {
          member[i] = forward(SavedModel.load(dirs.get(i), m).block(), x, m);
        }
        Block ensemble = ModelEnsemble.assemble(spec, dirs, m);
        float[] mean = forward(ensemble, x, m);
        assertEquals(5L * spec.outputs() * 4, mean.length);
        for (int k = 0; k < mean.length; k++) {
          float want = (member[0][k] + member[1][k] + member[2][k]) / 3;
          assertEquals(want, mean[k], 1e-5f * Math.max(1f, Math.abs(want)), "output " + k);
        }
        SavedModel.save(here.resolve("ensemble"), ensemble, spec);
        SavedModel.Loaded loaded = SavedModel.load(here.resolve("ensemble"), m);
        assertEquals(JobConfig.ModelType.ENSEMBLE, loaded.spec().type());
        assertArrayEquals(mean, forward(loaded.block(), x, m), "the loaded ensemble forecasts bit for bit the same");
        // a member's parameters come back out unchanged (a warm start of that member)
        for (int i = 0; i < dirs.size(); i++) {
          assertArrayEquals(Files.readAllBytes(dirs.get(i).resolve(SavedModel.PARAMS_FILE)),
              ModelEnsemble.memberParameters(here.resolve("ensemble"), ModelEnsemble.MEMBERS.get(i), m));
        }
      }
    }
  }

  @Test
  void aMemberOfAnotherSpecIsRefused(@TempDir Path dir) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      ModelSpec spec = spec(null);
      List<Path> dirs = members(spec, m, dir);
      List<Path> swapped = List.of(dirs.get(1), dirs.get(0), dirs.get(2)); // an mlp where the linear goes
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ModelEnsemble.assemble(spec, swapped, m));
      assertEquals(dirs.get(1) + " is not a linear of this ensemble's spec", e.getMessage());
    }
  }
}
