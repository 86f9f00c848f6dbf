package dev.shardcast.transforms.config;

import java.util.List;

/** Checks {@code train.quantiles} against {@code train.loss} when the config loads. */
final class QuantileLevels {
  private QuantileLevels() {}

  static void validate(JobConfig.LossType loss, List<Double> quantiles) {
    if (quantiles == null) {
      return;
    }
    if (loss != JobConfig.LossType.QUANTILE) {
      throw new ConfigException("config key 'train.quantiles' is set, but train.loss is " + loss.yaml()
          + ": quantiles are only forecast with train.loss: quantile; set that or remove train.quantiles");
    }
    if (quantiles.isEmpty()) {
      throw new ConfigException("config key 'train.quantiles' is empty: list levels in (0, 1), e.g. [0.1, 0.5, 0.9]");
    }
    double prev = 0;
    for (int i = 0; i < quantiles.size(); i++) {
      Double q = quantiles.get(i);
      if (q == null || !(q > 0 && q < 1)) {
        throw new ConfigException("config key 'train.quantiles[" + i + "]' must be in (0, 1), got " + q);
      }
      if (i > 0 && !(q > prev)) {
        throw new ConfigException("config key 'train.quantiles' must be strictly increasing, got " + quantiles);
      }
      prev = q;
    }
  }
}
