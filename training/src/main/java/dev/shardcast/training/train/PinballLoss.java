package dev.shardcast.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;

/**
 * The quantile (pinball) loss of train.loss: quantile. For level tau, truth y and forecast f:
 * {@code tau * (y - f)} when y >= f, else {@code (1 - tau) * (f - y)}; its minimiser over f is y's
 * tau-quantile, so each output row of the model learns one quantile. Averaged over the observed
 * target points (a point the gap policy filled is not a target, as for mae and mse) and the levels.
 */
public final class PinballLoss {
  private PinballLoss() {}

  /** The model's output rows must be the loss's quantiles: one per level, or none without quantile loss. */
  static void check(JobConfig.Train cfg, ModelSpec spec) {
    boolean quantile = cfg.loss() == JobConfig.LossType.QUANTILE;
    if (quantile != (spec.quantiles() != null) || (quantile && !spec.quantiles().equals(cfg.quantiles()))) {
      throw new IllegalArgumentException("train.loss " + cfg.loss().yaml() + " with quantiles " + cfg.quantiles()
          + " but the model forecasts quantiles " + spec.quantiles() + " (ModelSpec.withQuantiles)");
    }
  }

  /**
   * @param pred the model's output [B, Q * T, F] (quantile q of target t at row q * T + t)
   * @param truth [B, T, F]
   * @param observed [B, T, F], 1 where the point is a real observation
   * @return {mean over observed points and levels, number of observed points}, as Trainer's loss
   */
  public static NDArray[] of(NDArray pred, NDArray truth, NDArray observed, List<Double> levels) {
    int q = levels.size();
    Shape s = truth.getShape();
    float[] tau = new float[q];
    for (int i = 0; i < q; i++) {
      tau[i] = levels.get(i).floatValue();
    }
    NDArray tauArr = truth.getManager().create(tau, new Shape(1, q, 1, 1)).toDevice(truth.getDevice(), false);
    NDArray diff = truth.expandDims(1).sub(pred.reshape(s.get(0), q, s.get(1), s.get(2))); // y - f
    NDArray per = diff.mul(tauArr).maximum(diff.mul(tauArr.sub(1f))).mul(observed.expandDims(1));
    NDArray count = observed.sum();
    return new NDArray[] {per.sum().div(count.maximum(1f).mul(q)), count};
  }
}
