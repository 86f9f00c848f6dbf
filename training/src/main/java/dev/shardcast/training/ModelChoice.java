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
 * {@code train.model.type: auto}: the candidates (linear, mlp, lstm: simplest first, and the ensemble,
 * their mean forecast) and the choice among them, on the val split alone (the test split never chooses),
 * by val MAE in original units (what the metrics score) and the standard error of two candidates'
 * paired difference, window by window, over blocks of consecutive forecast times ({@link
 * WindowErrors#pairedDifference}):
 *
 * <ol>
 *   <li>The ensemble is kept unless a single candidate's val MAE is significantly below the ensemble's:
 *       at 5 %, one-sided, by a paired t-test over the blocks (the difference beyond {@link
 *       WindowErrors#tCritical95} of blocks - 1 degrees of freedom standard errors).
 *   <li>Among the single candidates that are (or without an ensemble: among all), the <b>simplest</b>
 *       whose val MAE is within one standard error of the lowest: the one-standard-error rule
 *       (Hastie, Tibshirani, Friedman, ESL 7.10).
 * </ol>
 *
 * <p>Why: a trained candidate's val score is the best of its epochs, each a noisy estimate on the
 * same val windows, so a model with more epochs and parameters looks better on val by chance alone,
 * and a val lead within the noise does not carry over to the next period. The mean of the candidates
 * does not bet on one of them (its MAE is at most the mean of theirs), so it is the default; a single
 * model has to show a lead that a test would call real, and then the simpler one is the safer bet.
 * The blocks are few on short val periods (the demo's 9 monthly forecast starts in blocks of 6 are 2
 * blocks, 1 degree of freedom: 6.31 standard errors), so the t quantile matters there. Original
 * units: with several targets, or a per-series scaler, the scaled loss weighs points differently from
 * the MAE that is reported.
 *
 * <p>The ridge fit is no candidate of its own: it is the linear candidate's starting point, kept
 * unless an epoch beats it on val, so the linear candidate is the better of the two linear fits of the
 * same window (same function class) on val.
 */
final class ModelChoice {
  /**
   * One candidate: its name (linear, mlp, lstm, ensemble), the model type its folder holds, its training
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
  private final Candidate ensemble;
  private final Candidate best;
  private final Candidate chosen;
  private final String reason;
  private final List<Candidate> named = new ArrayList<>(); // candidates the reason names with their val MAE
  private final int blockStarts;

  /**
   * Without an ensemble: the simplest within one standard error of the lowest.
   *
   * @param candidates simplest first
   * @param blockStarts forecast start times per block of the standard error (the forecast length)
   */
  ModelChoice(List<Candidate> candidates, int blockStarts) {
    this(candidates, null, false, blockStarts);
  }

  /**
   * @param singles the single models, simplest first
   * @param ensemble their mean (null: none)
   * @param ensembleOnly train.model.type: ensemble: keep the ensemble whatever the scores
   */
  ModelChoice(List<Candidate> singles, Candidate ensemble, boolean ensembleOnly, int blockStarts) {
    if (singles.isEmpty()) {
      throw new IllegalArgumentException("no candidate");
    }
    List<Candidate> all = new ArrayList<>(singles);
    if (ensemble != null) {
      all.add(ensemble);
    }
    this.candidates = List.copyOf(all);
    this.ensemble = ensemble;
    this.blockStarts = blockStarts;
    this.best = lowest(all);
    if (ensemble != null && ensembleOnly) {
      this.chosen = ensemble;
      this.reason = "as train.model.type: ensemble says";
      return;
    }
    List<Candidate> pool = new ArrayList<>();
    for (Candidate c : singles) {
      double[] d = ensemble == null ? null : difference(c, ensemble, blockStarts);
      if (d == null || significantlyLower(d)) {
        pool.add(c);
      }
    }
    if (pool.isEmpty()) {
      Candidate closest = lowest(singles);
      named.add(closest);
      double[] d = difference(closest, ensemble, blockStarts);
      this.chosen = ensemble;
      this.reason = (ensemble == best ? "the lowest" : "the mean of the candidates") + "; no single candidate is "
          + "significantly below it (closest: " + closest.name() + " " + MetricText.of(closest.valMae(), "%.5g")
          + ", " + significance(d) + ")";
      return;
    }
    Candidate b = lowest(pool);
    Candidate pick = b;
    double[] diff = {0, 0};
    for (Candidate c : pool) {
      double[] d = c == b ? new double[] {0, 0} : difference(c, b, blockStarts);
      if (c == b || d[0] <= d[1]) {
        pick = c;
        diff = d;
        break;
      }
    }
    this.chosen = pick;
    StringBuilder r = new StringBuilder();
    if (pick == b) {
      r.append(ensemble == null ? "the lowest" : "the lowest of them")
          .append(", and no simpler candidate within one standard error of it");
    } else {
      named.add(b);
      r.append("the simplest within one standard error of the lowest (").append(b.name()).append(" ")
          .append(MetricText.of(b.valMae(), "%.5g")).append(String.format(Locale.ROOT,
              ": difference %.4g, standard error %.4g)", diff[0], diff[1]));
    }
    if (ensemble != null) {
      double[] d = difference(pick, ensemble, blockStarts);
      named.add(ensemble);
      String beats = pick == b ? "" : "among those ";
      r.insert(0, "significantly below the ensemble's " + MetricText.of(ensemble.valMae(), "%.5g") + " ("
          + significance(d) + "); " + beats);
    }
    this.reason = r.toString();
  }

  /**
   * Whether a val MAE difference {difference, standard error, blocks} (a single candidate's minus the
   * ensemble's) is below zero at 5 %: one-sided paired t-test over the blocks (blocks - 1 degrees of freedom).
   */
  static boolean significantlyLower(double[] d) {
    return d[0] < 0 && -d[0] > tCritical(d) * d[1];
  }

  private static double tCritical(double[] d) {
    return d.length < 3 ? 1.0 : WindowErrors.tCritical95((int) d[2] - 1);
  }

  private static String significance(double[] d) {
    return String.format(Locale.ROOT, "difference %.4g, standard error %.4g over %d blocks, the 5%% threshold %.3g",
        d[0], d[1], d.length < 3 ? 0 : (int) d[2], -tCritical(d) * d[1]);
  }

  private static Candidate lowest(List<Candidate> list) {
    Candidate b = list.get(0);
    for (Candidate c : list) {
      if (c.valMae() < b.valMae()) {
        b = c;
      }
    }
    return b;
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
    StringBuilder sb = new StringBuilder(reason.startsWith("as train") ? "kept " : "auto chose ").append(chosen.name()).append(": val MAE ")
        .append(MetricText.of(chosen.valMae(), "%.5g")).append(", ").append(reason);
    List<String> others = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c != chosen && !named.contains(c)) {
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
    out.put("by", ensemble == null
        ? "val MAE (original units): the simplest candidate within one standard error of the lowest"
        : "val MAE (original units): the ensemble unless a single candidate is below it at 5 % (one-sided paired"
            + " t-test over blocks of forecast starts); then the simplest of those within one standard error of"
            + " their lowest");
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
      if (ensemble != null && c != ensemble) {
        double[] d = difference(c, ensemble, blockStarts);
        m.put("val_mae_minus_ensemble", Double.isFinite(d[0]) ? d[0] : null);
        m.put("standard_error_vs_ensemble", Double.isFinite(d[1]) ? d[1] : null);
        m.put("blocks_vs_ensemble", d.length < 3 ? null : (int) d[2]);
      }
      boolean trained = c.type() != JobConfig.ModelType.ENSEMBLE; // the ensemble has no epochs of its own
      m.put("best_val_loss", Double.isFinite(c.result().bestValLoss()) ? c.result().bestValLoss() : null);
      m.put("best_epoch", trained ? c.result().bestEpoch() : null);
      m.put("epochs", trained ? c.result().epochs().size() : null);
      m.put("early_stopped", trained ? c.result().earlyStopped() : null);
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
