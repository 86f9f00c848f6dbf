package dev.shardcast.transforms.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Cross-checks between {@code train:} and the rest of the job that only matter when the job trains
 * ({@code train}, {@code run}), made when the config loads: each of them otherwise fails only after
 * training, in the evaluation, or silently changes the model. A prepare-only job is not held to them
 * (its {@code train:} section is defaults it never uses, e.g. season 12 with a past of 3 points).
 */
public final class TrainChecks {
  private TrainChecks() {}

  public static void check(JobConfig c) {
    JobConfig.Train t = c.train();
    JobConfig.Model m = t.model();
    boolean seasonal = m.baseline() == JobConfig.Baseline.SEASONAL;
    int past = c.windowing().past();
    if (t.season() > past) {
      throw new ConfigException("config key 'train.season' (" + t.season() + ") must not exceed windowing.past (" + past
          + "): the seasonal-naive forecast of the evaluation" + (seasonal ? " and of train.model.baseline: seasonal" : "")
          + " is read from each window's own past; lower train.season or raise windowing.past");
    }
    List<JobConfig.Column> columns = c.input().columns();
    List<String> inputs = new ArrayList<>();
    for (JobConfig.Column col : columns) {
      if (col.isInput()) {
        inputs.add(col.name());
      }
    }
    for (int i = 0; i < columns.size(); i++) {
      JobConfig.Column col = columns.get(i);
      if (!col.isTarget() || col.isInput()) {
        continue;
      }
      String key = "input.columns[" + i + "].input";
      if (seasonal) {
        throw new ConfigException("config key 'train.model.baseline' is seasonal, but its target '" + col.name()
            + "' is not an input (" + key + ": false): the baseline and the evaluation read the target's past "
            + "values; set " + key + ": true");
      }
      // Without this the mean baseline is dropped silently and the evaluation fails after training.
      throw new ConfigException("config key '" + key + "': target '" + col.name() + "' must also be an input "
          + "(input: true) to train: the evaluation's naive forecasts"
          + (m.baseline() == JobConfig.Baseline.MEAN ? " and train.model.baseline: mean" : "")
          + " read the target's past values");
    }
    if (m.inputs() != null) {
      if (m.inputs().isEmpty()) {
        throw new ConfigException("config key 'train.model.inputs' is empty: list input columns " + inputs
            + ", or remove it to use them all");
      }
      for (String name : m.inputs()) {
        if (!inputs.contains(name)) {
          throw new ConfigException("config key 'train.model.inputs' names '" + name + "', which is not an input "
              + "column (input.columns with input: true): " + inputs);
        }
      }
    }
  }
}
