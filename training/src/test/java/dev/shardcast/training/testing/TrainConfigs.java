package dev.shardcast.training.testing;

import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;

/** Small train configs for tests; every field set, like after ConfigLoader applies defaults. */
public final class TrainConfigs {
  private TrainConfigs() {}

  public static JobConfig.Train train(
      JobConfig.ModelType type, double dropout, JobConfig.OptimizerType opt, double lr, int epochs,
      int checkpointEvery) {
    return new JobConfig.Train(
        JobConfig.Device.CPU,
        new JobConfig.Model(type, List.of(32, 16), dropout, 16, 1, null, null),
        epochs,
        JobConfig.LossType.MSE,
        new JobConfig.Optimizer(opt, lr, 0.9, 0.0),
        1.0,
        new JobConfig.EarlyStopping(100, 0.0),
        checkpointEvery,
        2,
        12,
        7L,
        null);
  }

  public static JobConfig.Train with(JobConfig.Train t, JobConfig.Model model) {
    return new JobConfig.Train(t.device(), model, t.epochs(), t.loss(), t.optimizer(), t.gradClip(),
        t.earlyStopping(), t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output());
  }

  public static JobConfig.Train with(JobConfig.Train t, JobConfig.EarlyStopping es) {
    return new JobConfig.Train(t.device(), t.model(), t.epochs(), t.loss(), t.optimizer(), t.gradClip(), es,
        t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output());
  }

  public static JobConfig.Train with(JobConfig.Train t, JobConfig.Optimizer o, double gradClip) {
    return new JobConfig.Train(t.device(), t.model(), t.epochs(), t.loss(), o, gradClip, t.earlyStopping(),
        t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output());
  }

  public static JobConfig.Train withSeed(JobConfig.Train t, long seed) {
    return new JobConfig.Train(t.device(), t.model(), t.epochs(), t.loss(), t.optimizer(), t.gradClip(),
        t.earlyStopping(), t.checkpointEvery(), t.prefetch(), t.season(), seed, t.output());
  }

  public static JobConfig.Train withDevice(JobConfig.Train t, JobConfig.Device d) {
    return new JobConfig.Train(d, t.model(), t.epochs(), t.loss(), t.optimizer(), t.gradClip(),
        t.earlyStopping(), t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output());
  }

  public static JobConfig.Train withLoss(JobConfig.Train t, JobConfig.LossType loss, List<Double> quantiles) {
    return new JobConfig.Train(t.device(), t.model(), t.epochs(), loss, t.optimizer(), t.gradClip(),
        t.earlyStopping(), t.checkpointEvery(), t.prefetch(), t.season(), t.seed(), t.output(), quantiles);
  }

  public static ModelSpec spec(JobConfig.Train t, SyntheticBatchSource src) {
    return ModelSpec.of(t.model(), src.inputs, src.targets, src.past, src.future);
  }
}
