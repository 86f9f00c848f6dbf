package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.training.train.TrainOptions;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobConfig.ModelType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model type learns two noise-free series whose future is an exact linear function of their
 * past to near-zero error on the test windows (the last 15 %, after the train and val ones in
 * time): a straight line (the test windows lie beyond every training value) and a seasonal series
 * (period 12, level 1). The bar, 1e-3 mean squared error, is a thousandth of the seasonal series'
 * variance (0.5) and far below what a naive forecast gets (last-value: about 0.3 on the seasonal
 * series).
 */
class ModelLearnsTest {
  private static final int PAST = 24;
  private static final int FUTURE = 6;
  private static final double BAR = 1e-3;
  @TempDir Path tmp;

  static double[] line(int n) {
    double[] s = new double[n];
    for (int t = 0; t < n; t++) {
      s[t] = 0.01 * t - 1;
    }
    return s;
  }

  static double[] seasonal(int n) {
    double[] s = new double[n];
    for (int t = 0; t < n; t++) {
      s[t] = 1 + Math.sin(2 * Math.PI * t / 12) + 0.5 * Math.cos(2 * Math.PI * t / 6);
    }
    return s;
  }

  static Stream<Arguments> cases() {
    return Stream.of(ModelType.LINEAR, ModelType.MLP, ModelType.LSTM)
        .flatMap(t -> Stream.of(Arguments.of(t, "line"), Arguments.of(t, "seasonal")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void learnsToNearZeroError(ModelType type, String series) throws IOException {
    double[] s = series.equals("line") ? line(300) : seasonal(300);
    ArraySource src = ArraySource.ofSeries(s, PAST, FUTURE, 32);
    boolean lstm = type == ModelType.LSTM;
    JobConfig.Train cfg = new JobConfig.Train(JobConfig.Device.CPU,
        new JobConfig.Model(type, List.of(64), 0.0, 32, 1, JobConfig.Baseline.MEAN, null, true, true),
        lstm ? 150 : 100, JobConfig.LossType.MSE, new JobConfig.Optimizer(JobConfig.OptimizerType.ADAM, 0.01, 0.9, 0.0),
        1.0, new JobConfig.EarlyStopping(1000, 0.0), 1000, 2, 12, 7L, null);
    ModelSpec spec = new ModelSpec(type, cfg.model().hidden(), 0.0, 32, 1, 1, 1, PAST, FUTURE, List.of("y"),
        List.of("y"), JobConfig.Baseline.MEAN, 12, 0, null, true, true);
    try (Trainer t = new Trainer(cfg, spec, src, tmp.resolve(type + "-" + series), TrainOptions.defaults())) {
      t.fit();
      t.restoreBest();
      double test = t.evaluate("test");
      assertTrue(test < BAR, type + " on the " + series + " series: test mse " + test);
    }
  }
}
