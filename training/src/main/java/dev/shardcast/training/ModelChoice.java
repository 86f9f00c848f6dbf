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
 * {@code train.model.type: auto}: the candidates (the ridge fit every linear path starts from, then
 * linear, mlp, lstm, simplest first) and the choice among them, on the val split alone (the test
 * split never chooses): the <b>simplest</b> candidate whose val MAE (original units, what the
 * metrics score) is within {@link #MARGIN} of the best val MAE.
 *
 * <p>Why a margin: a candidate's val score is the minimum over its epochs of a noisy estimate, so a
 * model with more epochs and more parameters looks better on val by chance alone; a small val lead
 * does not carry over to the next period, a simpler model's robustness does (the "one standard error"
 * rule in spirit). Why original units: with several targets, or a per-series scaler, the scaled
 * loss weighs points differently from the MAE that is reported.
 */
final class ModelChoice {
  /** A more complex candidate is kept only if its val MAE is more than this fraction below the simplest's within reach. */
  static final double MARGIN = 0.01;

  /**
   * One candidate: its name (ridge, linear, mlp, lstm), the model type its folder holds, its training
   * result (the ridge fit: no epoch) and metrics (test, val, ...).
   */
  record Candidate(String name, JobConfig.ModelType type, TrainResult result, Map<String, Object> metrics) {
    Candidate(JobConfig.ModelType type, TrainResult result, Map<String, Object> metrics) {
      this(type.yaml(), type, result, metrics);
    }

    /** Val MAE over every target point, original units; +inf where unknown. */
    double valMae() {
      return mae(metrics.get("val"));
    }

    double testMae() {
      return mae(metrics.get("test"));
    }

    private static double mae(Object split) {
      if (split instanceof Map<?, ?> s && s.get("all") instanceof Map<?, ?> all && all.get("mae") instanceof Number n
          && Double.isFinite(n.doubleValue())) {
        return n.doubleValue();
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  private final List<Candidate> candidates;
  private final Candidate best;
  private final Candidate chosen;

  /** @param candidates simplest first */
  ModelChoice(List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate");
    }
    this.candidates = List.copyOf(candidates);
    Candidate b = candidates.get(0);
    for (Candidate c : candidates) {
      if (c.valMae() < b.valMae()) {
        b = c;
      }
    }
    this.best = b;
    Candidate pick = b;
    for (Candidate c : candidates) {
      if (c.valMae() <= b.valMae() * (1 + MARGIN)) {
        pick = c;
        break;
      }
    }
    this.chosen = pick;
  }

  Candidate chosen() {
    return chosen;
  }

  /** One line: what was chosen and why, with every other candidate's val MAE relative to it. */
  String explanation() {
    StringBuilder sb = new StringBuilder("auto chose ").append(chosen.name()).append(": val MAE ")
        .append(MetricText.of(chosen.valMae(), "%.5g"));
    if (chosen == best) {
      sb.append(", the lowest");
    } else {
      sb.append(String.format(Locale.ROOT, ", the simplest within %.0f%% of the lowest (%s)", 100 * MARGIN,
          best.name()));
    }
    List<String> others = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c != chosen) {
        double rel = 100 * (c.valMae() / chosen.valMae() - 1);
        others.add(c.name() + " " + MetricText.of(c.valMae(), "%.5g")
            + (Double.isFinite(rel) ? String.format(Locale.ROOT, " (%+.1f%%)", rel) : ""));
      }
    }
    if (!others.isEmpty()) {
      sb.append("; ").append(String.join(", ", others));
    }
    return sb.toString();
  }

  /** For metrics.json and the run log: the choice, its reason and every candidate's scores. */
  @SuppressWarnings("unchecked")
  Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("chosen", chosen.name());
    out.put("by", String.format(Locale.ROOT,
        "val MAE (original units): the simplest candidate within %.0f%% of the lowest", 100 * MARGIN));
    out.put("explanation", explanation());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Candidate c : candidates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", c.name());
      m.put("model_type", c.type().yaml());
      m.put("val_mae", Double.isFinite(c.valMae()) ? c.valMae() : null);
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
