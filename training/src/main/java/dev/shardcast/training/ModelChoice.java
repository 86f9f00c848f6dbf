package dev.shardcast.training;

import dev.shardcast.training.eval.MetricText;
import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train.model.type: auto}: the candidates (linear, mlp, lstm: simplest first) and the choice
 * among them, on the val split alone (the test split never chooses), by the one-standard-error rule (Hastie, Tibshirani, Friedman, ESL 7.10): the
 * <b>simplest</b> candidate whose val MAE (original units, what the metrics score) is within one
 * standard error of the lowest val MAE, the error being that of the two models' paired difference,
 * window by window, over blocks of consecutive forecast times ({@link WindowErrors#pairedDifference}).
 *
 * <p>Why: a trained candidate's val score is the best of its epochs, each a noisy estimate on the
 * same val windows, so a model with more epochs and parameters looks better on val by chance alone,
 * and a val lead within the noise does not carry over to the next period; the simpler model is the
 * safer bet then. Original units: with several targets, or a per-series scaler, the scaled loss
 * weighs points differently from the MAE that is reported.
 *
 * <p>The ridge fit is no candidate of its own: it is the linear candidate's starting point, kept
 * unless an epoch beats it on val, so the linear candidate is the better of the two linear fits of the
 * same window (same function class) on val.
 */
final class ModelChoice {
  /**
   * One candidate: its name (linear, mlp, lstm), the model type its folder holds, its training
   * result, metrics (test, val, ...) and val errors per window (null: unknown,
   * then only its val MAE counts).
   */
  record Candidate(String name, JobConfig.ModelType type, TrainResult result, Map<String, Object> metrics,
      WindowErrors valErrors) {
    /** Val MAE over every target point, original units; +inf where unknown. */
    double valMae() {
      Object split = metrics.get("val");
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
  private final double[] chosenVsBest; // {val MAE difference, its standard error}
  private final int blockStarts;

  /**
   * @param candidates simplest first
   * @param blockStarts forecast start times per block of the standard error (the forecast length)
   */
  ModelChoice(List<Candidate> candidates, int blockStarts) {
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
    double[] diff = {0, 0};
    for (Candidate c : candidates) {
      double[] d = c == b ? new double[] {0, 0} : difference(c, b, blockStarts);
      if (c == b || d[0] <= d[1]) {
        pick = c;
        diff = d;
        break;
      }
    }
    this.chosen = pick;
    this.chosenVsBest = diff;
    this.blockStarts = blockStarts;
  }

  /** {@code c}'s val MAE minus {@code best}'s and the standard error of that difference. */
  static double[] difference(Candidate c, Candidate best, int blockStarts) {
    if (c.valErrors() == null || best.valErrors() == null) {
      return new double[] {c.valMae() - best.valMae(), 0};
    }
    return WindowErrors.pairedDifference(c.valErrors(), best.valErrors(), blockStarts);
  }

  Candidate chosen() {
    return chosen;
  }

  /** One line: what was chosen and why, with every other candidate's val MAE relative to it. */
  String explanation() {
    StringBuilder sb = new StringBuilder("auto chose ").append(chosen.name()).append(": val MAE ")
        .append(MetricText.of(chosen.valMae(), "%.5g"));
    if (chosen == best) {
      sb.append(", the lowest, and no simpler candidate within one standard error of it");
    } else {
      sb.append(", the simplest within one standard error of the lowest (").append(best.name()).append(" ")
          .append(MetricText.of(best.valMae(), "%.5g")).append(String.format(Locale.ROOT, ": difference %.4g, standard error %.4g)",
              chosenVsBest[0], chosenVsBest[1]));
    }
    List<String> others = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c != chosen && c != best) {
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
    out.put("by", "val MAE (original units): the simplest candidate within one standard error of the lowest");
    out.put("explanation", explanation());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Candidate c : candidates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", c.name());
      m.put("model_type", c.type().yaml());
      m.put("val_mae", Double.isFinite(c.valMae()) ? c.valMae() : null);
      if (c != best) {
        double[] d = difference(c, best, blockStarts);
        m.put("val_mae_minus_lowest", Double.isFinite(d[0]) ? d[0] : null);
        m.put("standard_error", Double.isFinite(d[1]) ? d[1] : null);
      }
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
