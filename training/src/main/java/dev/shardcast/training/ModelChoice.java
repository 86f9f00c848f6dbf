package dev.shardcast.training;

import dev.shardcast.training.eval.MetricText;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train.model.type: auto}: the candidates trained on the same shards and the choice among
 * them, by best val loss alone (the test split never chooses). Ties keep the earlier candidate (the
 * simpler one: linear, then mlp, then lstm).
 */
final class ModelChoice {
  /** One trained candidate: its type, training result and metrics (test, val, ...). */
  record Candidate(JobConfig.ModelType type, TrainResult result, Map<String, Object> metrics) {
    double valLoss() {
      return Double.isFinite(result.bestValLoss()) ? result.bestValLoss() : Double.POSITIVE_INFINITY;
    }
  }

  private final List<Candidate> candidates;
  private final Candidate chosen;
  private final String loss;

  ModelChoice(List<Candidate> candidates, JobConfig.LossType loss) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate");
    }
    this.candidates = List.copyOf(candidates);
    Candidate best = candidates.get(0);
    for (Candidate c : candidates) {
      if (c.valLoss() < best.valLoss()) {
        best = c;
      }
    }
    this.chosen = best;
    this.loss = loss.yaml();
  }

  Candidate chosen() {
    return chosen;
  }

  /** One line: what was chosen and why, with every other candidate's val loss relative to it. */
  String explanation() {
    StringBuilder sb = new StringBuilder("auto chose ").append(chosen.type().yaml()).append(": lowest val loss (")
        .append(loss).append(", scaled) ").append(MetricText.of(chosen.result().bestValLoss(), "%.5g"));
    List<String> others = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c != chosen) {
        double rel = 100 * (c.result().bestValLoss() / chosen.result().bestValLoss() - 1);
        others.add(c.type().yaml() + " " + MetricText.of(c.result().bestValLoss(), "%.5g")
            + (Double.isFinite(rel) ? String.format(Locale.ROOT, " (%+.1f%%)", rel) : ""));
      }
    }
    if (!others.isEmpty()) {
      sb.append(" vs ").append(String.join(", ", others));
    }
    return sb.toString();
  }

  /** For metrics.json and the run log: the choice, its reason and every candidate's scores. */
  @SuppressWarnings("unchecked")
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("chosen", chosen.type().yaml());
    out.put("by", "best val loss (" + loss + " on scaled values)");
    out.put("explanation", explanation());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Candidate c : candidates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", c.type().yaml());
      m.put("best_val_loss", Double.isFinite(c.result().bestValLoss()) ? c.result().bestValLoss() : null);
      m.put("best_epoch", c.result().bestEpoch());
      m.put("epochs", c.result().epochs().size());
      m.put("early_stopped", c.result().earlyStopped());
      for (String split : new String[] {"test", "val"}) {
        Object s = c.metrics().get(split);
        if (s instanceof Map<?, ?> sm && sm.get("all") instanceof Map<?, ?> all) {
          Map<String, Object> scores = new LinkedHashMap<>((Map<String, Object>) all);
          scores.remove("per_step");
          m.put(split, scores);
        }
      }
      list.add(m);
    }
    out.put("candidates", list);
    return out;
  }
}
