package dev.shardcast.training.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.model.ModelEnsemble;
import dev.shardcast.training.model.ModelFactory;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.training.train.TrainOptions;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retrain's candidate starts from the served model: the same spec, or its member in a served ensemble. */
class WarmStartTest {
  private static final int PAST = 12;
  private static final int FUTURE = 3;

  private static ModelSpec spec(JobConfig.ModelType type) {
    return new ModelSpec(type, List.of(8), 0.0, 4, 1, 1, 1, PAST, FUTURE, List.of("y"), List.of("y"),
        JobConfig.Baseline.MEAN, 4, 0, null, true, true, null, null, null);
  }

  private static JobConfig.Train cfg(JobConfig.ModelType type) {
    return new JobConfig.Train(JobConfig.Device.CPU,
        new JobConfig.Model(type, List.of(8), 0.0, 4, 1, JobConfig.Baseline.MEAN, null, true, true), 1,
        JobConfig.LossType.MSE, new JobConfig.Optimizer(JobConfig.OptimizerType.ADAM, 1e-3, 0.0, 0.0), 0.0,
        new JobConfig.EarlyStopping(10, 0.0), 100, 2, 4, 7L, null);
  }

  @Test
  void eachCandidateStartsFromItsMemberOfTheServedEnsemble(@TempDir Path dir) throws Exception {
    double[] s = new double[120];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.sin(i * 2 * Math.PI / 4);
    }
    ArraySource src = ArraySource.ofSeries(s, PAST, FUTURE, 16);
    ModelSpec ensemble = spec(JobConfig.ModelType.ENSEMBLE);
    Path served = dir.resolve("served");
    try (NDManager m = NDManager.newBaseManager()) {
      List<Path> members = new ArrayList<>();
      long seed = 11;
      for (JobConfig.ModelType t : ModelEnsemble.MEMBERS) {
        Path d = dir.resolve(t.yaml());
        SavedModel.save(d, ModelFactory.create(ensemble.withType(t), m, seed++), ensemble.withType(t));
        members.add(d);
      }
      SavedModel.save(served, ModelEnsemble.assemble(ensemble, members, m), ensemble);
      for (int i = 0; i < members.size(); i++) {
        JobConfig.ModelType t = ModelEnsemble.MEMBERS.get(i);
        try (Trainer trainer = new Trainer(cfg(t), spec(t), src, dir.resolve("run-" + t.yaml()),
            TrainOptions.defaults().gitCommit("test"))) {
          assertTrue(WarmStart.apply(trainer, spec(t), served), t.yaml());
          assertArrayEquals(java.nio.file.Files.readAllBytes(members.get(i).resolve(SavedModel.PARAMS_FILE)),
              SavedModel.parameterBytes(trainer.block()), t + " holds its member's weights");
        }
      }
      // another spec (a wider mlp) keeps its usual start
      ModelSpec wider = new ModelSpec(JobConfig.ModelType.MLP, List.of(16), 0.0, 4, 1, 1, 1, PAST, FUTURE, List.of("y"),
          List.of("y"), JobConfig.Baseline.MEAN, 4, 0, null, true, true, null, null, null);
      try (Trainer trainer = new Trainer(cfg(JobConfig.ModelType.MLP), wider, src, dir.resolve("run-wider"),
          TrainOptions.defaults().gitCommit("test"))) {
        assertFalse(WarmStart.apply(trainer, wider, served));
      }
    }
  }
}
