package dev.shardcast.training.predict;

import ai.djl.ndarray.NDArray;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.QuantileOutput;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.transforms.core.ColumnScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The value columns of predict's output: each target's point forecast under the target's own name
 * (as a point model writes it, so readers of that column keep working; for a quantile model it is
 * the quantile closest to 0.5), then, for a quantile model, one column per target per level,
 * {@code <target>_p10, <target>_p50, <target>_p90}, sorted so they never cross.
 */
final class ForecastColumns {
  private final SavedModel.Loaded model;
  private final ModelSpec spec;
  private final int targets;

  ForecastColumns(SavedModel.Loaded model, int targets) {
    this.model = model;
    this.spec = model.spec();
    this.targets = targets;
  }

  /** The column names for the model in {@code modelDir} (read before the model is loaded, for the header). */
  static List<String> names(Path modelDir, List<String> targets) throws IOException {
    ModelSpec spec = ModelSpec.fromJson(Files.readAllBytes(modelDir.resolve(SavedModel.SPEC_FILE)));
    List<String> out = new ArrayList<>(targets);
    if (spec.quantiles() != null) {
      for (String t : targets) {
        for (double q : spec.quantiles()) {
          String name = QuantileOutput.columnName(t, q);
          if (out.contains(name)) {
            // e.g. targets sales and sales_p10: two columns of one name would be unreadable
            throw new IllegalArgumentException("predict: quantile column " + name + " has the name of another column "
                + out + "; rename the target");
          }
          out.add(name);
        }
      }
    }
    return out;
  }

  int count() {
    return targets * (spec.quantiles() == null ? 1 : 1 + spec.quantileCount());
  }

  /** The sorted quantiles [B, Q, T, F] of {@code past} (scaled), or null for a point forecaster. */
  float[] quantiles(ai.djl.ndarray.NDList inputs) {
    if (spec.quantiles() == null) {
      return null;
    }
    try (NDArray raw = model.predictRaw(inputs)) {
      float[] v = raw.toFloatArray();
      QuantileOutput.sortInPlace(v, spec.quantileCount(), targets, spec.future());
      return v;
    }
  }

  /** Writes window {@code i}'s step {@code h} quantiles into {@code row} after the point columns. */
  void fill(double[] row, float[] quantiles, int i, int h, IntFunction<ColumnScale> scale) {
    if (quantiles == null) {
      return;
    }
    int q = spec.quantileCount();
    int future = spec.future();
    for (int t = 0; t < targets; t++) {
      ColumnScale s = scale.apply(t);
      for (int k = 0; k < q; k++) {
        row[targets + t * q + k] = s.invert(quantiles[((i * q + k) * targets + t) * future + h]);
      }
    }
  }
}
