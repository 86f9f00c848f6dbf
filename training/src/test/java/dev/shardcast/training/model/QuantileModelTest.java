package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.training.train.TrainOptions;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quantile model learns the spread of a seasonal series with Gaussian noise: on the test windows
 * its 10-90 % interval holds about 80 % of the points, and about 10 % fall below the 10 % quantile
 * and 10 % above the 90 %. A point forecaster (every quantile the same) would hold none.
 */
class QuantileModelTest {
  private static final int PAST = 24;
  private static final int FUTURE = 6;
  private static final List<Double> LEVELS = List.of(0.1, 0.5, 0.9);
  @TempDir Path tmp;

  static double[] noisySeasonal(int n, double sigma, long seed) {
    Random rnd = new Random(seed);
    double[] s = new double[n];
    for (int t = 0; t < n; t++) {
      s[t] = 1 + Math.sin(2 * Math.PI * t / 12) + 0.5 * Math.cos(2 * Math.PI * t / 6) + sigma * rnd.nextGaussian();
    }
    return s;
  }

  @Test
  void learnsQuantilesWithNearNominalCoverage() throws IOException {
    ArraySource src = ArraySource.ofSeries(noisySeasonal(1600, 0.4, 11), PAST, FUTURE, 64);
    JobConfig.Train cfg = new JobConfig.Train(JobConfig.Device.CPU,
        new JobConfig.Model(JobConfig.ModelType.LINEAR, List.of(), 0.0, 8, 1, JobConfig.Baseline.MEAN, null),
        40, JobConfig.LossType.QUANTILE, new JobConfig.Optimizer(JobConfig.OptimizerType.ADAM, 0.01, 0.9, 0.0),
        1.0, new JobConfig.EarlyStopping(1000, 0.0), 1000, 2, 12, 7L, null, LEVELS);
    ModelSpec spec = new ModelSpec(JobConfig.ModelType.LINEAR, List.of(), 0.0, 8, 1, 1, 1, PAST, FUTURE, List.of("y"),
        List.of("y"), JobConfig.Baseline.MEAN, 12, 0, null, null, null, LEVELS);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, PAST, FUTURE, "train", "val");
    Path dir = tmp.resolve("q");
    try (Trainer t = new Trainer(cfg, spec, src, dir, TrainOptions.defaults())) {
      // every quantile starts at the ridge forecast: a zero-width interval
      assertTrue(LinearInit.fromRidge(t.block(), spec, ridge));
      double[] start = rates(new SavedModel.Loaded(spec, t.block(), t.manager()), src);
      assertEquals(0.0, start[1], 1e-9, "the ridge start has no interval");
      t.fit();
    }
    try (NDManager m = NDManager.newBaseManager()) {
      SavedModel.Loaded model = SavedModel.load(dir.resolve("best"), m);
      double[] r = rates(model, src);
      assertTrue(r[0] > 0.04 && r[0] < 0.16, "below p10: " + r[0]);
      assertTrue(r[1] > 0.70 && r[1] < 0.90, "inside p10-p90: " + r[1]);
      assertTrue(r[2] > 0.04 && r[2] < 0.16, "above p90: " + r[2]);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(value = JobConfig.ModelType.class, names = {"LINEAR", "MLP", "LSTM"})
  void everyModelTypeEmitsOneRowPerQuantileAndTarget(JobConfig.ModelType type) {
    // two targets, both inputs, with every option that works per target row: seasonal level, scaling, residual
    ModelSpec spec = new ModelSpec(type, List.of(8), 0.0, 4, 1, 3, 2, 12, 4, List.of("a", "b", "c"), List.of("a", "c"),
        JobConfig.Baseline.SEASONAL, 4, 0, null, true, true, LEVELS);
    try (NDManager m = NDManager.newBaseManager()) {
      ai.djl.nn.Block block = ModelFactory.create(spec, m, 1L);
      NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(5, 3, 12));
      SavedModel.Loaded model = new SavedModel.Loaded(spec, block, m);
      assertEquals(new ai.djl.ndarray.types.Shape(5, 6, 4), model.predictRaw(x).getShape());
      assertEquals(new ai.djl.ndarray.types.Shape(5, 2, 4), model.predict(x).getShape());
      // the same with calendar features (windowing.time_features): their own inputs, the same rows out
      ModelSpec withMonth = spec.withCalendar(List.of("month"), "1M");
      SavedModel.Loaded cal = new SavedModel.Loaded(withMonth, ModelFactory.create(withMonth, m, 1L), m);
      ai.djl.ndarray.NDList in = new ai.djl.ndarray.NDList(x,
          m.randomNormal(new ai.djl.ndarray.types.Shape(5, withMonth.calendarChannels(), 12 + 4)));
      assertEquals(new ai.djl.ndarray.types.Shape(5, 6, 4), cal.predictRaw(in).getShape());
      assertEquals(new ai.djl.ndarray.types.Shape(5, 2, 4), cal.predict(in).getShape());
    }
  }

  /** Fractions of the test points below the lowest quantile, between the outer two, above the highest. */
  static double[] rates(SavedModel.Loaded model, ArraySource src) {
    long below = 0;
    long inside = 0;
    long above = 0;
    long n = 0;
    Iterator<Batch> it = src.epoch("test", 0, 0, 0);
    while (it.hasNext()) {
      try (Batch b = it.next()) {
        float[] raw;
        float[] point;
        try (NDArray r = model.predictRaw(b.past()); NDArray p = model.predict(b.past())) {
          raw = r.toFloatArray();
          point = p.toFloatArray();
        }
        QuantileOutput.sortInPlace(raw, LEVELS.size(), 1, FUTURE);
        // the point forecast is the (sorted) median
        assertArrayEquals(QuantileOutput.slice(raw, LEVELS.size(), 1, 1, FUTURE), point);
        float[] y = b.future().toFloatArray();
        for (int w = 0; w < b.size(); w++) {
          for (int h = 0; h < FUTURE; h++) {
            float lo = raw[(w * 3) * FUTURE + h];
            float hi = raw[(w * 3 + 2) * FUTURE + h];
            float v = y[w * FUTURE + h];
            if (v < lo) {
              below++;
            } else if (v > hi) {
              above++;
            } else {
              inside++;
            }
            n++;
          }
        }
      }
    }
    return new double[] {(double) below / n, (double) inside / n, (double) above / n};
  }
}
