package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobConfig.Baseline;
import dev.shardcast.transforms.config.JobConfig.ModelType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A model started from the ridge fit forecasts what the ridge forecasts, whatever level it adds back. */
class LinearInitTest {

  @ParameterizedTest(name = "{0} baseline {1} quantiles {2}")
  @CsvSource({"LINEAR,MEAN,false", "LINEAR,SEASONAL,false", "LINEAR,NONE,false", "MLP,MEAN,false", "MLP,SEASONAL,false",
      "MLP,NONE,false", "LSTM,MEAN,false", "LSTM,SEASONAL,false", "LSTM,NONE,false", "LINEAR,MEAN,true",
      "MLP,SEASONAL,true", "LSTM,MEAN,true"})
  void initialForecastIsTheRidgeForecast(ModelType type, Baseline baseline, boolean quantiles) {
    int past = 12;
    int future = 3;
    Random rnd = new Random(1);
    double[] series = new double[400];
    for (int t = 1; t < series.length; t++) {
      series[t] = 0.8 * series[t - 1] + Math.sin(t / 2.0) + 0.3 * rnd.nextGaussian();
    }
    ArraySource src = ArraySource.ofSeries(series, past, future, 32);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, past, future, "train", "val");
    ModelSpec spec = new ModelSpec(type, List.of(8), 0.0, 4, 1, 1, 1, past, future, List.of("y"), List.of("y"),
        baseline, 4, 0, null, true, true);
    if (quantiles) {
      // every quantile starts at the ridge forecast
      spec = spec.withQuantiles(List.of(0.1, 0.5, 0.9));
    }
    int q = spec.quantileCount();
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = ModelFactory.create(spec, m, 3L);
      assertTrue(LinearInit.fromRidge(block, spec, ridge));
      float[] x = new float[5 * past];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(5, 1, past))), false)
          .singletonOrThrow();
      float[] got = out.toFloatArray();
      for (int w = 0; w < 5; w++) {
        float[] window = java.util.Arrays.copyOfRange(x, w * past, (w + 1) * past);
        double[] want = ridge.forecast(0, window);
        for (int k = 0; k < q; k++) {
          for (int h = 0; h < future; h++) {
            assertEquals(want[h], got[(w * q + k) * future + h], 1e-4, "window " + w + " quantile " + k + " step " + h);
          }
        }
      }
    }
  }

  /**
   * With calendar features on, the first forecast is still the ridge's whatever the calendar says:
   * the linear model's calendar map starts at zero, the mlp's zeroed output layer hides them.
   */
  @ParameterizedTest(name = "{0} baseline {1}")
  @CsvSource({"LINEAR,MEAN", "LINEAR,NONE", "MLP,MEAN", "MLP,SEASONAL"})
  void withCalendarFeaturesTheInitialForecastIsStillTheRidgeForecast(ModelType type, Baseline baseline) {
    int past = 12;
    int future = 3;
    Random rnd = new Random(2);
    double[] series = new double[400];
    for (int t = 1; t < series.length; t++) {
      series[t] = 0.7 * series[t - 1] + Math.cos(t / 3.0) + 0.3 * rnd.nextGaussian();
    }
    ArraySource src = ArraySource.ofSeries(series, past, future, 32);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, past, future, "train", "val");
    ModelSpec spec = new ModelSpec(type, List.of(8), 0.0, 4, 1, 1, 1, past, future, List.of("y"), List.of("y"),
        baseline, 4, 0, null, true, true).withCalendar(List.of("month", "day_of_week"), "1d");
    assertEquals(4, spec.calendarChannels());
    try (NDManager m = NDManager.newBaseManager()) {
      Block block = ModelFactory.create(spec, m, 3L);
      assertTrue(LinearInit.fromRidge(block, spec, ridge));
      int n = 5;
      float[] x = new float[n * past];
      float[] cal = new float[n * 4 * (past + future)];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      for (int i = 0; i < cal.length; i++) {
        cal[i] = (float) (2 * rnd.nextDouble() - 1);
      }
      NDList in = new NDList(m.create(x, new Shape(n, 1, past)), m.create(cal, new Shape(n, 4, past + future)));
      float[] got = block.forward(new ParameterStore(m, false), in, false).singletonOrThrow().toFloatArray();
      for (int w = 0; w < n; w++) {
        double[] want = ridge.forecast(0, java.util.Arrays.copyOfRange(x, w * past, (w + 1) * past));
        for (int h = 0; h < future; h++) {
          assertEquals(want[h], got[w * future + h], 1e-4, "window " + w + " step " + h);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"LSTM"})
  void anLstmWithoutResidualKeepsItsRandomStart(ModelType type) {
    ModelSpec spec = new ModelSpec(type, List.of(8), 0.0, 4, 1, 1, 1, 12, 3, List.of("y"), List.of("y"),
        Baseline.MEAN, 4, 0, null, null);
    ArraySource src = ArraySource.ofSeries(new double[100], 12, 3, 16);
    RidgeBaseline ridge = RidgeBaseline.fit(src, List.of("y"), new int[] {0}, 1, 12, 3, "train", "val");
    try (NDManager m = NDManager.newBaseManager()) {
      assertFalse(LinearInit.fromRidge(ModelFactory.create(spec, m, 3L), spec, ridge));
    }
  }
}
