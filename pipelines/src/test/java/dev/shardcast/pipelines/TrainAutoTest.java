package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.predict.PredictJob;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * train.model.type auto on the demo (2 cities, 2 epochs): every candidate and their ensemble scored, the
 * choice by val kept, the ensemble's forecasts the mean of its members'.
 */
class TrainAutoTest {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void autoTrainsEveryTypeAndKeepsTheChoiceByVal(@TempDir Path out) throws IOException {
    List<String> o = new ArrayList<>(List.of("input.path=" + ItSupport.demoCsv(), "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "input.sample_series=2", "train.epochs=2", "train.model.type=auto",
        "train.model.residual=true")); // the demo's tuned job turns it off; the default is on
    JobConfig job = ConfigLoader.load(ItSupport.demoJob(), o);
    PrepareJob.run(job, List.of());
    TrainJob.Outcome outcome = TrainJob.run(job, false, null);

    JsonNode metrics = ItSupport.JSON.readTree(out.resolve("model").resolve(TrainJob.METRICS_FILE).toFile());
    JsonNode choice = metrics.path("model_choice");
    JsonNode candidates = choice.path("candidates");
    List<String> types = new ArrayList<>();
    for (JsonNode c : candidates) {
      types.add(c.path("type").asText());
      assertTrue(c.path("test").has("mae") && c.path("test").has("mae_ridge"), c.toString());
      assertEquals(c.path("val").path("mae").asDouble(), c.path("val_mae").asDouble(), c.toString());
      assertTrue(Files.isRegularFile(out.resolve("model/candidates").resolve(c.path("type").asText())
          .resolve("best/model.json")), "each candidate's best model folder");
    }
    assertEquals(List.of("linear", "mlp", "lstm", "ensemble"), types); // simplest first, then their mean
    List<String> trainedTypes = types.subList(0, 3);
    for (String trained : trainedTypes) {
      assertTrue(Files.isRegularFile(out.resolve("model/candidates").resolve(trained).resolve("run.jsonl")), trained);
    }
    // every type starts from the ridge fit (the lstm too, through its residual linear path)
    for (String trained : trainedTypes) {
      assertTrue(Files.readString(out.resolve("model/candidates").resolve(trained).resolve("run.jsonl"))
          .contains("\"event\":\"starting_point\""), trained + " starts from the ridge fit");
    }
    // the choice: the ensemble unless a single candidate is below it at 5 % (paired t-test over blocks);
    // then the simplest of those within one standard error of their lowest
    List<JsonNode> beating = new ArrayList<>();
    for (JsonNode c : candidates) {
      JsonNode d = c.path("val_mae_minus_ensemble");
      JsonNode se = c.path("standard_error_vs_ensemble"); // null: infinite (fewer than two blocks of val windows)
      JsonNode blocks = c.path("blocks_vs_ensemble");
      if (d.isNumber() && se.isNumber() && d.asDouble() < 0
          && -d.asDouble() > WindowErrors.tCritical95(blocks.asInt() - 1) * se.asDouble()) {
        beating.add(c);
      }
    }
    String want = "ensemble";
    if (!beating.isEmpty()) {
      JsonNode low = beating.stream().min(java.util.Comparator.comparingDouble(c -> c.path("val_mae").asDouble()))
          .orElseThrow();
      for (JsonNode c : beating) {
        JsonNode se = c.path("standard_error");
        if (c == low || c.path("val_mae").asDouble() - low.path("val_mae").asDouble()
            <= (se.isNumber() ? se.asDouble() : Double.POSITIVE_INFINITY)) {
          want = c.path("type").asText();
          break;
        }
      }
    }
    String best = choice.path("chosen").asText();
    assertEquals(want, best);
    assertTrue(choice.path("explanation").asText().startsWith("auto chose " + best + ": val MAE "),
        choice.path("explanation").asText());
    // the kept model is the chosen candidate's best epoch, in <output>/best, and its metrics are the top-level ones
    assertEquals(out.resolve("model/best"), outcome.modelDir());
    JsonNode chosen = candidates.get(types.indexOf(best));
    ModelSpec spec = ModelSpec.fromJson(Files.readAllBytes(outcome.modelDir().resolve("model.json")));
    assertEquals(chosen.path("model_type").asText(), spec.type().yaml());
    assertEquals(chosen.path("test").path("mae").asDouble(), metrics.path("test").path("all").path("mae").asDouble());
    // the ridge baseline, per step too
    JsonNode all = metrics.path("test").path("all");
    assertTrue(all.path("mae_ridge").asDouble() > 0, all.toString());
    assertEquals(6, all.path("per_step").size());
    assertTrue(all.path("per_step").get(0).has("mae_ridge"));
    // the run log records the choice with every candidate's scores
    String log = Files.readString(outcome.runLog());
    assertTrue(log.contains("\"event\":\"model_choice\"") && log.contains("\"candidates\""), log);
    String summary = TrainCommand.summary(outcome);
    assertTrue(summary.contains("candidate linear") && summary.contains("candidate lstm"), summary);
    assertTrue(summary.contains("auto chose " + best), summary);
    assertTrue(summary.contains("baselines' MAE: ridge"), summary);
    // predict with the kept model
    PredictJob.run(job, outcome.modelDir(), out.resolve("p.csv"));
    assertEquals(1 + 46 * 6, Files.readAllLines(out.resolve("p.csv")).size(), "every city of the input, 6 months");
    // the ensemble's forecast is the mean of its members' forecasts, through predict's own path
    List<List<Double>> member = new ArrayList<>();
    for (String type : List.of("linear", "mlp", "lstm", "ensemble")) {
      Path csv = out.resolve("p-" + type + ".csv");
      Path dir = out.resolve("model/candidates").resolve(type).resolve("best");
      if (type.equals("linear")) { // a candidate's folder alone is no model to serve, and predict says so
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> PredictJob.run(job, dir, csv));
        assertTrue(e.getMessage().startsWith(dir + " has no manifest.json"), e.getMessage());
      }
      for (String file : List.of(TrainJob.MANIFEST_COPY, TrainJob.SCALER_FILE)) { // only the kept folder has them
        Files.copy(outcome.modelDir().resolve(file), dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      PredictJob.run(job, dir, csv);
      member.add(Files.readAllLines(csv).stream().skip(1).map(l -> Double.parseDouble(l.split(",")[3])).toList());
    }
    for (int i = 0; i < member.get(3).size(); i++) {
      double mean = (member.get(0).get(i) + member.get(1).get(i) + member.get(2).get(i)) / 3;
      assertEquals(mean, member.get(3).get(i), 1e-4 * Math.max(1, Math.abs(mean)), "forecast " + i);
    }
    // the ensemble is saved as one model (a ParallelBlock of its members)
    assertEquals("ensemble", ModelSpec.fromJson(Files.readAllBytes(
        out.resolve("model/candidates/ensemble/best/model.json"))).type().yaml());
  }
}
