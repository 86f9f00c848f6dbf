package dev.shardcast.training.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.data.CalendarFeatures;
import dev.shardcast.training.testing.ArraySource;
import dev.shardcast.training.train.TrainOptions;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.Frequency;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobConfig.ModelType;
import dev.shardcast.transforms.config.TimeFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Monthly series that are a level of their own plus a pure month-of-year pattern, seen through a
 * one-month past window: the window holds the level only, so without calendar features the best a
 * model can do is about the last value (the pattern's month-to-month change is its error); with
 * the month features it knows which months it forecasts and learns the pattern. (Seen: test mse
 * without 0.53 (linear) / 0.52 (mlp), with 9e-7 / 2.5e-4.)
 */
class CalendarLearnsTest {
  private static final int PAST = 1;
  private static final int FUTURE = 3;
  private static final int SERIES = 20;
  private static final int MONTHS = 96;
  @TempDir Path tmp;

  private static double pattern(int month) {
    return Math.sin(2 * Math.PI * (month - 1) / 12 + 0.7);
  }

  @ParameterizedTest
  @EnumSource(value = ModelType.class, names = {"LINEAR", "MLP"})
  void monthFeaturesLearnAPatternThePastWindowCannotShow(ModelType type) throws IOException {
    double without = testMse(type, false);
    double with = testMse(type, true);
    assertTrue(with < 0.05 * without && with < 0.01,
        type + ": test mse with month features " + with + ", without " + without);
  }

  private double testMse(ModelType type, boolean calendar) throws IOException {
    Random rnd = new Random(11);
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    List<Long> forecasts = new ArrayList<>();
    Frequency monthly = Frequency.parse("1M");
    for (int s = 0; s < SERIES; s++) {
      double level = 3 * rnd.nextGaussian();
      LocalDate first = LocalDate.of(2000, 1, 1).plusMonths(rnd.nextInt(12));
      for (int w = 0; w + PAST + FUTURE <= MONTHS; w++) {
        LocalDate start = first.plusMonths(w);
        float[] x = new float[PAST];
        float[] y = new float[FUTURE];
        for (int i = 0; i < PAST; i++) {
          x[i] = (float) (level + pattern(start.plusMonths(i).getMonthValue()));
        }
        for (int h = 0; h < FUTURE; h++) {
          y[h] = (float) (level + pattern(start.plusMonths(PAST + h).getMonthValue()));
        }
        xs.add(x);
        ys.add(y);
        long t = start.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        starts.add(t);
        forecasts.add(monthly.timeOf(monthly.step(t) + PAST));
      }
    }
    CalendarFeatures features = calendar ? new CalendarFeatures(List.of(TimeFeature.MONTH), monthly, PAST, FUTURE) : null;
    ArraySource src = new ArraySource(xs.toArray(float[][]::new), ys.toArray(float[][]::new), 64, features,
        starts.stream().mapToLong(Long::longValue).toArray(), forecasts.stream().mapToLong(Long::longValue).toArray());
    JobConfig.Train cfg = new JobConfig.Train(JobConfig.Device.CPU,
        new JobConfig.Model(type, List.of(32), 0.0, 16, 1, JobConfig.Baseline.MEAN, null, true, false),
        10, JobConfig.LossType.MSE, new JobConfig.Optimizer(JobConfig.OptimizerType.ADAM, 0.01, 0.9, 0.0),
        1.0, new JobConfig.EarlyStopping(1000, 0.0), 1000, 2, 1, 7L, null);
    ModelSpec spec = new ModelSpec(type, cfg.model().hidden(), 0.0, 16, 1, 1, 1, PAST, FUTURE, List.of("y"),
        List.of("y"), JobConfig.Baseline.MEAN, 1, 0, null, true, false);
    if (calendar) {
      spec = spec.withCalendar(List.of("month"), "1M");
    }
    try (Trainer t = new Trainer(cfg, spec, src, tmp.resolve(type + "-" + calendar), TrainOptions.defaults())) {
      t.fit();
      t.restoreBest();
      return t.evaluate("test");
    }
  }
}
