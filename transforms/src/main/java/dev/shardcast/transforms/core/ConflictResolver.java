package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.JobConfig.DuplicatePolicy;
import dev.shardcast.transforms.config.QualityConfig.ConflictPolicy;
import dev.shardcast.transforms.core.ChunkWindower.Rejected;
import dev.shardcast.transforms.core.ChunkWindower.RowRef;
import dev.shardcast.transforms.quality.BuiltinRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what happens to several rows of one series at one grid step. Within one source that is a
 * duplicate: by default every copy is quarantined (which one is right cannot be known), or the
 * job's {@code input.duplicates} policy folds the copies into one row (first or last by file and
 * line, or the mean or sum of their cells). Across sources (the Unified checks) the job's conflict
 * policy decides: {@code prefer} keeps the most trusted source's row, {@code quarantine} keeps a row
 * only when every source agrees. The decision depends only on the rows' sources, files, lines and
 * values, never on the order they arrive in, so every chunk that sees the rows decides alike.
 */
public final class ConflictResolver {
  private ConflictResolver() {}

  /** The rows' order of record: source file, then line. */
  public static final Comparator<RowRef> FILE_ORDER = Comparator
      .<RowRef, String>comparing(r -> r.chunk().sourceOf(r.row()))
      .thenComparingLong(r -> r.chunk().lines[r.row()]);

  /**
   * @param kept the row that stays on the grid, or null
   * @param keptValues the values it carries when a policy combined several rows (mean, sum); null: its own
   * @param rejected rows to quarantine, with their reason
   * @param merged rows folded into {@code kept} by the duplicates policy (used, not quarantined)
   */
  public record Resolution(RowRef kept, double[] keptValues, List<Rejected> rejected, List<RowRef> merged) {}

  /** As {@link #resolve(List, ConflictPolicy, List, DuplicatePolicy)} with duplicates quarantined. */
  public static Resolution resolve(List<RowRef> rows, ConflictPolicy policy, List<String> prefer) {
    return resolve(rows, policy, prefer, DuplicatePolicy.QUARANTINE);
  }

  public static Resolution resolve(List<RowRef> rows, ConflictPolicy policy, List<String> prefer,
      DuplicatePolicy duplicates) {
    Map<String, List<RowRef>> byOrigin = new TreeMap<>();
    for (RowRef r : rows) {
      byOrigin.computeIfAbsent(r.chunk().originOf(r.row()), k -> new ArrayList<>()).add(r);
    }
    List<Rejected> rejected = new ArrayList<>();
    if (duplicates == null || duplicates == DuplicatePolicy.QUARANTINE) {
      if (byOrigin.size() == 1) {
        for (RowRef r : rows) {
          rejected.add(new Rejected(r, QuarantineRecord.DUPLICATE_TIMESTAMP,
              "series " + r.chunk().series + " has more than one row at this timestamp; all of them are quarantined"));
        }
        return new Resolution(null, null, rejected, List.of());
      }
      Map<String, Candidate> candidates = new TreeMap<>();
      byOrigin.forEach((origin, list) -> candidates.put(origin, new Candidate(list.get(0), null, list, false)));
      return acrossSources(candidates, policy, prefer);
    }
    // The duplicates policy first folds each source's copies into one row; then sources are compared.
    Map<String, Candidate> candidates = new TreeMap<>();
    byOrigin.forEach((origin, list) -> candidates.put(origin, fold(list, duplicates)));
    if (candidates.size() == 1) {
      Candidate only = candidates.values().iterator().next();
      return new Resolution(only.row, only.values, List.of(), only.foldedRows());
    }
    return acrossSources(candidates, policy, prefer);
  }

  /**
   * One source's rows at the step. {@code folded}: the duplicates policy made them one row
   * ({@code row}, carrying {@code values} when combined), which stands or falls as a whole.
   */
  private record Candidate(RowRef row, double[] values, List<RowRef> all, boolean folded) {
    /** Stands for its source as one row: a single row, or copies folded by the policy. */
    boolean oneRow() {
      return folded || all.size() == 1;
    }

    double[] effective() {
      return values != null ? values : own(row);
    }

    /** The values a rejected row is compared with: the folded row's, or the row's own. */
    double[] valuesOf(RowRef r) {
      return folded ? effective() : own(r);
    }

    List<RowRef> foldedRows() {
      return all.stream().filter(r -> r != row).toList();
    }
  }

  private static double[] own(RowRef r) {
    int w = r.chunk().width;
    return Arrays.copyOfRange(r.chunk().values, r.row() * w, r.row() * w + w);
  }

  private static Candidate fold(List<RowRef> copies, DuplicatePolicy policy) {
    List<RowRef> sorted = new ArrayList<>(copies);
    sorted.sort(FILE_ORDER);
    if (sorted.size() == 1) {
      return new Candidate(sorted.get(0), null, sorted, false);
    }
    return switch (policy) {
      case FIRST -> new Candidate(sorted.get(0), null, sorted, true);
      case LAST -> new Candidate(sorted.get(sorted.size() - 1), null, sorted, true);
      case MEAN, SUM -> new Candidate(sorted.get(0), combine(sorted, policy == DuplicatePolicy.MEAN), sorted, true);
      case QUARANTINE -> throw new IllegalArgumentException("quarantine folds nothing");
    };
  }

  /** Column-wise mean or sum of the non-empty cells; empty where every copy is empty. */
  static double[] combine(List<RowRef> rows, boolean mean) {
    int w = rows.get(0).chunk().width;
    double[] sum = new double[w];
    int[] n = new int[w];
    for (RowRef r : rows) {
      for (int j = 0; j < w; j++) {
        double v = r.chunk().values[r.row() * w + j];
        if (!Double.isNaN(v)) {
          sum[j] += v;
          n[j]++;
        }
      }
    }
    for (int j = 0; j < w; j++) {
      sum[j] = n[j] == 0 ? Double.NaN : mean ? sum[j] / n[j] : sum[j];
    }
    return sum;
  }

  /** One series' events in rank order, what was rejected, and how many kept events share a timestamp. */
  public record EventOrder(List<RowRef> kept, List<Rejected> rejected, long tied) {}

  /**
   * Ranks events ({@code frequency: none}): sorted by (time, source file, line), ties settled by
   * {@link #resolveEvents}. Prepare ranks each time bucket with it, predict a series' latest events.
   */
  public static EventOrder orderEvents(List<RowRef> events, dev.shardcast.transforms.config.JobPlan plan) {
    List<RowRef> rows = new ArrayList<>(events);
    rows.sort(Comparator.<RowRef>comparingLong(r -> r.chunk().times[r.row()]).thenComparing(FILE_ORDER));
    var unified = plan.config().quality() == null ? null : plan.config().quality().unified();
    List<RowRef> kept = new ArrayList<>(rows.size());
    List<Rejected> rejected = new ArrayList<>();
    long tied = 0;
    int i = 0;
    while (i < rows.size()) {
      int j = i + 1;
      long t = rows.get(i).chunk().times[rows.get(i).row()];
      while (j < rows.size() && rows.get(j).chunk().times[rows.get(j).row()] == t) {
        j++;
      }
      if (j - i == 1) {
        kept.add(rows.get(i));
      } else {
        EventTie tie = resolveEvents(rows.subList(i, j), unified == null ? null : unified.onConflict(),
            unified == null ? null : unified.prefer());
        kept.addAll(tie.kept());
        rejected.addAll(tie.rejected());
        tied += tie.kept().size() > 1 ? tie.kept().size() : 0;
      }
      i = j;
    }
    return new EventOrder(kept, rejected, tied);
  }

  /** What happens to events of one series that share a timestamp ({@code frequency: none}). */
  public record EventTie(List<RowRef> kept, List<Rejected> rejected) {}

  /**
   * Events that share a timestamp are real events (several flights leave one airport in the same
   * minute): all are kept, in file order. Across sources, each source's events at that time are
   * compared as a whole by the Unified policy: {@code prefer} keeps the most trusted source's,
   * {@code quarantine} keeps one source's only when every source holds the same values in the same
   * order.
   */
  public static EventTie resolveEvents(List<RowRef> rows, ConflictPolicy policy, List<String> prefer) {
    Map<String, List<RowRef>> byOrigin = new TreeMap<>();
    for (RowRef r : rows) {
      byOrigin.computeIfAbsent(r.chunk().originOf(r.row()), k -> new ArrayList<>()).add(r);
    }
    byOrigin.values().forEach(l -> l.sort(FILE_ORDER));
    if (byOrigin.size() == 1) {
      return new EventTie(byOrigin.values().iterator().next(), List.of());
    }
    String kept = null;
    if (policy == ConflictPolicy.PREFER && prefer != null) {
      kept = byOrigin.keySet().stream().filter(prefer::contains).min(Comparator.comparingInt(prefer::indexOf)).orElse(null);
    } else {
      List<RowRef> first = byOrigin.values().iterator().next();
      if (byOrigin.values().stream().allMatch(l -> sameSequence(l, first))) {
        kept = byOrigin.keySet().iterator().next();
      }
    }
    List<Rejected> rejected = new ArrayList<>();
    String sources = String.join(", ", byOrigin.keySet());
    for (Map.Entry<String, List<RowRef>> e : byOrigin.entrySet()) {
      if (e.getKey().equals(kept)) {
        continue;
      }
      boolean redundant = kept != null && sameSequence(e.getValue(), byOrigin.get(kept));
      String reason = redundant ? BuiltinRules.UNIFIED_REDUNDANT : BuiltinRules.UNIFIED_CONFLICT;
      String message = redundant ? "the same events as source " + kept + ", whose copies are kept"
          : kept != null ? "sources " + sources + " hold different events at this timestamp; policy prefer keeps source " + kept
          : "sources " + sources + " hold different events at this timestamp; policy "
              + (policy == null ? "quarantine" : policy.yaml()) + " quarantines every copy";
      for (RowRef r : e.getValue()) {
        rejected.add(new Rejected(r, reason, message));
      }
    }
    return new EventTie(kept == null ? List.of() : byOrigin.get(kept), rejected);
  }

  private static boolean sameSequence(List<RowRef> a, List<RowRef> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(own(a.get(i)), own(b.get(i)))) {
        return false;
      }
    }
    return true;
  }

  /** The Unified policy over the sources' candidates. */
  private static Resolution acrossSources(Map<String, Candidate> bySource, ConflictPolicy policy, List<String> prefer) {
    Candidate kept = null;
    if (policy == ConflictPolicy.PREFER && prefer != null) {
      String best = bySource.keySet().stream().filter(prefer::contains)
          .min(Comparator.comparingInt(prefer::indexOf)).orElse(null);
      if (best != null && bySource.get(best).oneRow()) {
        kept = bySource.get(best);
      }
    } else if (bySource.values().stream().allMatch(Candidate::oneRow)) {
      Candidate first = bySource.values().iterator().next();
      if (bySource.values().stream().allMatch(c -> Arrays.equals(c.effective(), first.effective()))) {
        kept = first; // the sources agree: keep one copy, from the first source by name
      }
    }
    String sources = String.join(", ", bySource.keySet());
    List<Rejected> rejected = new ArrayList<>();
    for (Candidate c : bySource.values()) {
      for (RowRef r : c.all) {
        if (kept != null && (c == kept ? kept.folded || r == kept.row : false)) {
          continue; // the kept row, or a copy folded into it
        }
        if (kept != null && Arrays.equals(c.valuesOf(r), kept.effective())) {
          rejected.add(new Rejected(r, BuiltinRules.UNIFIED_REDUNDANT, "same values as source "
              + kept.row.chunk().originOf(kept.row.row()) + " (" + kept.row.chunk().sourceOf(kept.row.row()) + " line "
              + kept.row.chunk().lines[kept.row.row()] + "), whose copy is kept"));
        } else if (kept != null) {
          rejected.add(new Rejected(r, BuiltinRules.UNIFIED_CONFLICT,
              "sources " + sources + " disagree; policy prefer keeps source " + kept.row.chunk().originOf(kept.row.row())));
        } else {
          rejected.add(new Rejected(r, BuiltinRules.UNIFIED_CONFLICT, "sources " + sources
              + " disagree at this timestamp; policy " + (policy == null ? "quarantine" : policy.yaml())
              + " quarantines every copy"));
        }
      }
    }
    return kept == null ? new Resolution(null, null, rejected, List.of())
        : new Resolution(kept.row, kept.values, rejected, kept.folded ? kept.foldedRows() : List.of());
  }
}
