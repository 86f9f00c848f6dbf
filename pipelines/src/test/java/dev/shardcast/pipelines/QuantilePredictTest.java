package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.training.TrainJob;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * train.loss: quantile end to end on a smoke-sized demo, model type auto (each candidate trained on
 * the pinball loss, compared by val pinball loss): quantile metrics, then predict's quantile columns.
 */
class QuantilePredictTest {
  private static JobConfig demo(Path out, String... extra) {
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "input.sample_series=2", "train.epochs=2", "train.model.type=auto", "train.loss=quantile"));
    o.addAll(List.of(extra));
    return ConfigLoader.load(ItSupport.demoJob(), o);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  @SuppressWarnings("unchecked")
  void quantileMetricsAndOneColumnPerQuantile(@TempDir Path out) throws IOException {
    JobConfig job = demo(out);
    PrepareJob.run(job, List.of());
    TrainJob.Outcome o = TrainJob.run(job, false, null);
    Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) o.testMetrics().get("test")).get("all");
    Map<String, Object> q = (Map<String, Object>) all.get("quantile");
    assertEquals(List.of(0.1, 0.5, 0.9), q.get("levels"));
    assertTrue(q.get("wql") instanceof Double, q.toString());
    Map<String, Object> choice = (Map<String, Object>) o.testMetrics().get("model_choice");
    assertEquals(4, ((List<?>) choice.get("candidates")).size()); // linear, mlp, lstm, ensemble
    // auto chooses by the point forecast's (the median's) val MAE, as for point models
    assertTrue(((String) choice.get("by")).contains("val MAE"), choice.toString());
    for (Object c : (List<?>) choice.get("candidates")) {
      Map<String, Object> cm = (Map<String, Object>) c;
      assertTrue(((Map<String, Object>) cm.get("test")).get("quantile") instanceof Map, cm.toString());
    }
    assertTrue(TrainCommand.summary(o).contains("p10-p90 interval covers"), TrainCommand.summary(o));
    assertTrue(Files.readString(o.runLog()).contains("\"wql\""), "run_end carries the quantile metrics");

    Path csv = out.resolve("p.csv");
    PredictJob.run(job, o.modelDir(), csv);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("series_key,step,timestamp,sales,sales_p10,sales_p50,sales_p90", lines.get(0));
    // predict forecasts every city of its input (46), 6 months each
    assertEquals(46 * 6 + 1, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      double point = Double.parseDouble(f[3]);
      double p10 = Double.parseDouble(f[4]);
      double p50 = Double.parseDouble(f[5]);
      double p90 = Double.parseDouble(f[6]);
      assertEquals(point, p50, 0.0, "the point forecast is the median: " + line);
      assertTrue(p10 <= p50 && p50 <= p90, "sorted quantiles: " + line);
    }

    Path parquet = out.resolve("p.parquet");
    PredictJob.run(job, o.modelDir(), parquet);
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<List<Object>> rows = duck.rows("SELECT step, sales, sales_p10, sales_p50, sales_p90 FROM read_parquet("
          + ItSupport.sqlPath(parquet) + ") ORDER BY series_key, step");
      assertEquals(lines.size() - 1, rows.size());
      String[] first = lines.get(1).split(",");
      for (int c = 1; c <= 4; c++) {
        assertEquals(Double.parseDouble(first[2 + c]), ((Number) rows.get(0).get(c)).doubleValue(), 1e-9);
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
