package dev.shardcast.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.model.LinearInit;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A starting point kept as the best model when no epoch beats it on val, without changing the curve. */
class StartingPointTest {
  @TempDir Path tmp;

  private static final int PAST = 12;
  private static final int FUTURE = 3;

  private static JobConfig.Train cfg() {
    // plain SGD with a step far too large: every epoch ends worse than the exact fit it started from
    return new JobConfig.Train(JobConfig.Device.CPU,
        new JobConfig.Model(JobConfig.ModelType.LINEAR, List.of(), 0.0, 4, 1, JobConfig.Baseline.MEAN, null, null), 3,
        JobConfig.LossType.MSE, new JobConfig.Optimizer(JobConfig.OptimizerType.SGD, 0.5, 0.0, 0.0), 0.0,
        new JobConfig.EarlyStopping(10, 0.0), 100, 2, 4, 7L, null);
  }

  private static ModelSpec spec() {
    return new ModelSpec(JobConfig.ModelType.LINEAR, List.of(), 0.0, 4, 1, 1, 1, PAST, FUTURE, List.of("y"),
        List.of("y"), JobConfig.Baseline.MEAN, 4, 0, null, null);
  }

  private record Run(TrainResult result, byte[] start) {}

  private Run run(ArraySource src, RidgeBaseline ridge, Path out, boolean keep) throws IOException {
    try (Trainer t = new Trainer(cfg(), spec(), src, out, TrainOptions.defaults().gitCommit("test"))) {
      assertTrue(LinearInit.fromRidge(t.block(), spec(), ridge));
      byte[] start = SavedModel.parameterBytes(t.block());
      if (keep) {
        t.keepStartingPoint("ridge fit");
      }
      return new Run(t.fit(), start);
    }
  }

  @Test
  void anUnbeatenStartIsTheBestModelAndTheCurveIsUnchanged() throws IOException {
    double[] s = new double[200];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.sin(i * 2 * Math.PI / 4) + 0.01 * i;
    }
    ArraySource src = ArraySource.ofSeries(s, PAST, FUTURE, 16);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, PAST, FUTURE, "train", "val");
    Run kept = run(src, ridge, tmp.resolve("kept"), true);
    Run plain = run(src, ridge, tmp.resolve("plain"), false);

    assertEquals(-1, kept.result().bestEpoch(), "no epoch beat the exact fit: " + kept.result().epochs());
    assertTrue(plain.result().bestEpoch() >= 0);
    assertTrue(kept.result().bestValLoss() < plain.result().bestValLoss());
    // the best model is the starting parameters, bit for bit
    assertArrayEquals(kept.start(), Files.readAllBytes(kept.result().bestModelDir().resolve(SavedModel.PARAMS_FILE)));
    // scoring the start changed nothing else: the same losses epoch by epoch
    assertEquals(plain.result().epochs().size(), kept.result().epochs().size());
    for (int i = 0; i < plain.result().epochs().size(); i++) {
      assertEquals(plain.result().epochs().get(i).trainLoss(), kept.result().epochs().get(i).trainLoss());
      assertEquals(plain.result().epochs().get(i).valLoss(), kept.result().epochs().get(i).valLoss());
    }
    String log = Files.readString(tmp.resolve("kept").resolve(RunLog.FILE_NAME));
    assertTrue(log.contains("\"event\":\"starting_point\""), log);
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = SavedModel.load(kept.result().bestModelDir(), m).block();
      assertEquals(spec().type(), SavedModel.load(kept.result().bestModelDir(), m).spec().type());
      assertTrue(b.getParameters().size() > 0);
    }
  }
}
