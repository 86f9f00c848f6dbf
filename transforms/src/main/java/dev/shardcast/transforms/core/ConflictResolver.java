package dev.shardcast.transforms.core;

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
 * Decides what happens to several rows of one series at one timestamp. Within one source that is a
 * duplicate: every copy is quarantined (which one is right cannot be known). Across sources (the
 * Unified checks) the job's policy decides: {@code prefer} keeps the most trusted source's row,
 * {@code quarantine} keeps a row only when every source agrees. The decision depends only on the
 * rows' sources and values, never on their order, so every chunk that sees the rows decides alike.
 */
public final class ConflictResolver {
  private ConflictResolver() {}

  /** @param kept the row that stays on the grid, or null */
  public record Resolution(RowRef kept, List<Rejected> rejected) {}

  public static Resolution resolve(List<RowRef> rows, ConflictPolicy policy, List<String> prefer) {
    Map<String, List<RowRef>> byOrigin = new TreeMap<>();
    for (RowRef r : rows) {
      byOrigin.computeIfAbsent(r.chunk().originOf(r.row()), k -> new ArrayList<>()).add(r);
    }
    List<Rejected> rejected = new ArrayList<>();
    if (byOrigin.size() == 1) {
      for (RowRef r : rows) {
        rejected.add(new Rejected(r, QuarantineRecord.DUPLICATE_TIMESTAMP,
            "series " + r.chunk().series + " has more than one row at this timestamp; all of them are quarantined"));
      }
      return new Resolution(null, rejected);
    }
    RowRef kept = null;
    if (policy == ConflictPolicy.PREFER && prefer != null) {
      String best = byOrigin.keySet().stream().filter(prefer::contains)
          .min(Comparator.comparingInt(prefer::indexOf)).orElse(null);
      if (best != null && byOrigin.get(best).size() == 1) {
        kept = byOrigin.get(best).get(0);
      }
    } else if (byOrigin.values().stream().allMatch(l -> l.size() == 1)) {
      RowRef first = byOrigin.values().iterator().next().get(0);
      if (rows.stream().allMatch(r -> sameValues(r, first))) {
        kept = first; // the sources agree: keep one copy, from the first source by name
      }
    }
    String sources = String.join(", ", byOrigin.keySet());
    for (RowRef r : rows) {
      if (r == kept) {
        continue;
      }
      if (kept != null && sameValues(r, kept)) {
        rejected.add(new Rejected(r, BuiltinRules.UNIFIED_REDUNDANT,
            "same values as source " + kept.chunk().originOf(kept.row()) + " (" + kept.chunk().sourceOf(kept.row())
                + " line " + kept.chunk().lines[kept.row()]
                + "), whose copy is kept"));
      } else if (kept != null) {
        rejected.add(new Rejected(r, BuiltinRules.UNIFIED_CONFLICT,
            "sources " + sources + " disagree; policy prefer keeps source " + kept.chunk().originOf(kept.row())));
      } else {
        rejected.add(new Rejected(r, BuiltinRules.UNIFIED_CONFLICT,
            "sources " + sources + " disagree at this timestamp; policy " + (policy == null ? "quarantine" : policy.yaml())
                + " quarantines every copy"));
      }
    }
    return new Resolution(kept, rejected);
  }

  private static boolean sameValues(RowRef a, RowRef b) {
    int w = a.chunk().width;
    double[] x = Arrays.copyOfRange(a.chunk().values, a.row() * w, a.row() * w + w);
    double[] y = Arrays.copyOfRange(b.chunk().values, b.row() * w, b.row() * w + w);
    return Arrays.equals(x, y); // NaN equals NaN here: two empty cells agree
  }
}
