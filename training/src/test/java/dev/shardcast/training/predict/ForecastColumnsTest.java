package dev.shardcast.training.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.model.ModelFactory;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.core.ColumnScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict's value columns: the point forecast per target, then a quantile model's per target and level. */
class ForecastColumnsTest {
  @TempDir Path tmp;

  private static ModelSpec spec(List<Double> levels) {
    return new ModelSpec(JobConfig.ModelType.LINEAR, List.of(), 0.0, 4, 1, 2, 2, 6, 2, List.of("a", "b"),
        List.of("a", "b"), null, null, 0, null, null, null, levels);
  }

  private Path save(ModelSpec spec) throws IOException {
    Path dir = tmp.resolve(spec.quantiles() == null ? "point" : "quantile");
    try (NDManager m = NDManager.newBaseManager()) {
      SavedModel.save(dir, ModelFactory.create(spec, m, 1), spec);
    }
    return dir;
  }

  @Test
  void aQuantileModelAddsOneColumnPerTargetAndLevel() throws IOException {
    assertEquals(List.of("a", "b"), ForecastColumns.names(save(spec(null)), List.of("a", "b")));
    assertEquals(List.of("a", "b", "a_p10", "a_p50", "a_p90", "b_p10", "b_p50", "b_p90"),
        ForecastColumns.names(save(spec(List.of(0.1, 0.5, 0.9))), List.of("a", "b")));
    Path dir = tmp.resolve("quantile");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ForecastColumns.names(dir, List.of("a", "a_p10")));
  }

  @Test
  void writesEachQuantileOfEachTargetInOriginalUnits() throws IOException {
    ModelSpec spec = spec(List.of(0.1, 0.5, 0.9));
    try (NDManager m = NDManager.newBaseManager()) {
      ForecastColumns c = new ForecastColumns(new SavedModel.Loaded(spec, ModelFactory.create(spec, m, 1), m), 2);
      assertEquals(8, c.count());
      // [window][level][target][step], one window: value = 100*level + 10*target + step
      float[] q = new float[3 * 2 * 2];
      for (int k = 0; k < 3; k++) {
        for (int t = 0; t < 2; t++) {
          for (int h = 0; h < 2; h++) {
            q[(k * 2 + t) * 2 + h] = 100 * k + 10 * t + h;
          }
        }
      }
      double[] row = new double[c.count()];
      row[0] = -1;
      row[1] = -2;
      // target a un-scales as x*2+1, b as x*3
      c.fill(row, q, 0, 1, t -> t == 0 ? new ColumnScale(1, 2, 1, null) : new ColumnScale(0, 3, 1, null));
      assertArrayEquals(new double[] {-1, -2, 1 * 2 + 1, 101 * 2 + 1, 201 * 2 + 1, 11 * 3, 111 * 3, 211 * 3}, row);
    }
  }
}
