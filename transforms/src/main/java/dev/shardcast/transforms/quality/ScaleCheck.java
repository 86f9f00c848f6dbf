package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.Severity;
import dev.shardcast.transforms.core.RowChunk;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The Uniform scale check: a value whose magnitude is more than {@code max_orders} orders of ten from
 * its column's typical magnitude (the median of log10|x| over the whole run, from the first pass's
 * profile) is flagged: the classic mix of metres and kilometres in one column. It needs the whole
 * column's profile, so it runs at windowing time, after the readers.
 */
public final class ScaleCheck implements Serializable {
  private final List<RuleInfo> rules = new ArrayList<>();
  private final int[] column;
  private final double[] center;
  private final double[] orders;

  private ScaleCheck(int n) {
    column = new int[n];
    center = new double[n];
    orders = new double[n];
  }

  /** @return null when the job has no scale check */
  public static ScaleCheck of(JobPlan plan, RuleSet rules, DatasetProfile profile) {
    return of(plan, rules, column -> {
      ColumnProfile p = profile.column(column);
      return p == null ? Double.NaN : p.medianAbs();
    });
  }

  /**
   * The check against known typical magnitudes: predict tests its input against the training
   * data's ({@code median_abs} in the training run's quality report), so a serving input of a few
   * rows is judged by the same yardstick as the data the model learnt from.
   *
   * @param medianAbs per column, the median |x| (NaN when unknown: that column is not checked)
   * @return null when the job has no scale check
   */
  public static ScaleCheck of(JobPlan plan, RuleSet rules, java.util.function.ToDoubleFunction<String> medianAbs) {
    if (rules.scaleRules().isEmpty()) {
      return null;
    }
    ScaleCheck s = new ScaleCheck(rules.scaleRules().size());
    for (int i = 0; i < rules.scaleRules().size(); i++) {
      RuleInfo info = rules.scaleRules().get(i);
      s.rules.add(info);
      s.column[i] = plan.valueColumns().indexOf(info.column());
      double median = medianAbs.applyAsDouble(info.column());
      s.center[i] = median > 0 ? Math.log10(median) : Double.NaN;
      s.orders[i] = rules.scaleOrders(i);
    }
    return s;
  }

  // Beam compares side-input values by equality (its mutation checks); two checks are equal when they test alike.
  @Override
  public boolean equals(Object o) {
    return o instanceof ScaleCheck s && rules.equals(s.rules) && java.util.Arrays.equals(column, s.column)
        && java.util.Arrays.equals(center, s.center) && java.util.Arrays.equals(orders, s.orders);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(rules, java.util.Arrays.hashCode(center));
  }

  public int size() {
    return rules.size();
  }

  public RuleInfo rule(int i) {
    return rules.get(i);
  }

  /**
   * Tests one row. Counts into {@code checked}/{@code failed} (per rule) only when {@code count}: a
   * row is seen by several overlapping chunks but counted by the one that owns it.
   *
   * @return null, or "ruleId\u0000message" of the first failed {@code error} rule
   */
  public String test(RowChunk rc, int r, boolean count, long[] checked, long[] failed) {
    String first = null;
    for (int i = 0; i < rules.size(); i++) {
      double v = rc.value(r, column[i]);
      if (Double.isNaN(v) || v == 0 || Double.isNaN(center[i])) {
        continue;
      }
      if (count) {
        checked[i]++;
      }
      double off = Math.log10(Math.abs(v)) - center[i];
      if (Math.abs(off) > orders[i]) {
        if (count) {
          failed[i]++;
        }
        if (first == null && rules.get(i).severity() == Severity.ERROR) {
          first = rules.get(i).id() + "\u0000" + String.format(java.util.Locale.ROOT,
              "%s is 10^%.1f times the column's typical magnitude (median |x| = %.4g); more than %s orders off",
              v, off, Math.pow(10, center[i]), orders[i]);
        }
      }
    }
    return first;
  }
}
