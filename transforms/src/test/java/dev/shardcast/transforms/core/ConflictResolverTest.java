package dev.shardcast.transforms.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.QualityConfig.ConflictPolicy;
import dev.shardcast.transforms.core.ChunkWindower.RowRef;
import dev.shardcast.transforms.quality.BuiltinRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Several rows of one series at one step: duplicates within a source, conflicts across sources. */
class ConflictResolverTest {
  private static final String DUP = QuarantineRecord.DUPLICATE_TIMESTAMP;
  private static final String CONFLICT = BuiltinRules.UNIFIED_CONFLICT;
  private static final String REDUNDANT = BuiltinRules.UNIFIED_REDUNDANT;
  private static final long STEP = 18_262;

  /** One row at STEP from source {@code origin} (file origin.csv, given line). */
  private static RowRef row(String origin, long line, double... values) {
    RowChunk.Builder b = new RowChunk.Builder("s", origin + ".csv", origin, values.length);
    b.add(STEP, STEP * 86_400_000L, line, values);
    return new RowRef(b.build(), 0);
  }

  /** Reason per row, keyed by origin/line; "kept" for the kept one. */
  private static Map<String, String> outcome(ConflictResolver.Resolution res, List<RowRef> rows) {
    Map<String, String> out = new TreeMap<>();
    if (res.kept() != null) {
      out.put(key(res.kept()), "kept");
    }
    for (ChunkWindower.Rejected r : res.rejected()) {
      String previous = out.put(key(r.ref()), r.reason());
      assertNull(previous, "decided twice: " + key(r.ref()));
    }
    assertEquals(rows.size(), out.size(), "every row decided once: " + out);
    return out;
  }

  private static String key(RowRef r) {
    return r.chunk().origin + "/" + r.chunk().lines[r.row()];
  }

  /** Every order of {@code rows} (they are few). */
  private static List<List<RowRef>> permutations(List<RowRef> rows) {
    if (rows.size() <= 1) {
      return List.of(rows);
    }
    List<List<RowRef>> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<RowRef> rest = new ArrayList<>(rows);
      RowRef head = rest.remove(i);
      for (List<RowRef> tail : permutations(rest)) {
        List<RowRef> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }

  /** Resolves every order of the rows and checks they all give {@code expected}. */
  private static void assertInEveryOrder(Map<String, String> expected, List<RowRef> rows, ConflictPolicy policy,
      List<String> prefer) {
    for (List<RowRef> order : permutations(rows)) {
      Map<String, String> got = outcome(ConflictResolver.resolve(order, policy, prefer), order);
      assertEquals(expected, got, "order " + order.stream().map(ConflictResolverTest::key).toList());
    }
  }

  @Test
  void sameSourceDuplicatesAreAllRejected() {
    List<RowRef> rows = List.of(row("a", 2, 1, 2, 3), row("a", 3, 1, 2, 3), row("a", 9, 5, 5, 5));
    for (ConflictPolicy policy : new ConflictPolicy[] {ConflictPolicy.QUARANTINE, ConflictPolicy.PREFER, null}) {
      ConflictResolver.Resolution res = ConflictResolver.resolve(rows, policy, List.of("a"));
      assertNull(res.kept(), "even identical copies from one source: nothing kept");
      assertEquals(Map.of("a/2", DUP, "a/3", DUP, "a/9", DUP), outcome(res, rows));
    }
  }

  @Test
  void agreeingSourcesKeepTheFirstSourceByName() {
    RowRef b = row("b", 4, 1, Double.NaN, 3);
    RowRef a = row("a", 7, 1, Double.NaN, 3); // NaN agrees with NaN: both cells empty
    assertInEveryOrder(Map.of("a/7", "kept", "b/4", REDUNDANT), List.of(b, a), ConflictPolicy.QUARANTINE, List.of());
    ConflictResolver.Resolution res = ConflictResolver.resolve(List.of(b, a), ConflictPolicy.QUARANTINE, List.of());
    assertSame(a, res.kept());
    // No policy configured: quarantine is the default.
    assertSame(a, ConflictResolver.resolve(List.of(b, a), null, null).kept());
  }

  @Test
  void threeAgreeingSources() {
    List<RowRef> rows = List.of(row("c", 1, 4, 4, 4), row("a", 1, 4, 4, 4), row("b", 1, 4, 4, 4));
    assertInEveryOrder(Map.of("a/1", "kept", "b/1", REDUNDANT, "c/1", REDUNDANT), rows, ConflictPolicy.QUARANTINE,
        List.of());
  }

  @Test
  void disagreeingSourcesAreAllConflicts() {
    List<RowRef> rows = List.of(row("a", 2, 1, 2, 3), row("b", 2, 1, 2, 4));
    assertInEveryOrder(Map.of("a/2", CONFLICT, "b/2", CONFLICT), rows, ConflictPolicy.QUARANTINE, List.of());
    // An empty cell against a value is a disagreement too.
    List<RowRef> empty = List.of(row("a", 2, 1, 2, 3), row("b", 2, 1, Double.NaN, 3));
    assertInEveryOrder(Map.of("a/2", CONFLICT, "b/2", CONFLICT), empty, ConflictPolicy.QUARANTINE, List.of());
  }

  @Test
  void quarantineWithADuplicateInOneSourceKeepsNothing() {
    List<RowRef> rows = List.of(row("a", 2, 1, 2, 3), row("a", 3, 1, 2, 3), row("b", 2, 1, 2, 3));
    assertInEveryOrder(Map.of("a/2", CONFLICT, "a/3", CONFLICT, "b/2", CONFLICT), rows, ConflictPolicy.QUARANTINE,
        List.of());
  }

  @Test
  void preferKeepsThePreferredSourceWhateverTheOrder() {
    // b is most trusted; a disagrees with it, c agrees; d is in no preference list.
    List<RowRef> rows = List.of(row("a", 1, 1, 2, 3), row("b", 1, 1, 2, 4), row("c", 1, 1, 2, 4), row("d", 1, 9, 9, 9));
    assertInEveryOrder(Map.of("b/1", "kept", "a/1", CONFLICT, "c/1", REDUNDANT, "d/1", CONFLICT), rows,
        ConflictPolicy.PREFER, List.of("b", "a", "c"));
  }

  @Test
  void preferSkipsPreferredSourcesThatHoldNoRow() {
    List<RowRef> rows = List.of(row("a", 1, 1, 2, 3), row("c", 1, 1, 2, 4));
    assertInEveryOrder(Map.of("c/1", "kept", "a/1", CONFLICT), rows, ConflictPolicy.PREFER, List.of("b", "c", "a"));
  }

  @Test
  void preferredSourceWithTwoRowsKeepsNothing() {
    List<RowRef> rows = List.of(row("b", 1, 1, 2, 3), row("b", 2, 1, 2, 3), row("a", 1, 1, 2, 3));
    ConflictResolver.Resolution res = ConflictResolver.resolve(rows, ConflictPolicy.PREFER, List.of("b", "a"));
    assertNull(res.kept());
    assertInEveryOrder(Map.of("b/1", CONFLICT, "b/2", CONFLICT, "a/1", CONFLICT), rows, ConflictPolicy.PREFER,
        List.of("b", "a"));
  }

  /** Reason per row with a duplicates policy: "kept", "merged", or the rejection reason. */
  private static Map<String, String> folded(List<RowRef> rows, ConflictPolicy policy, List<String> prefer,
      JobConfig.DuplicatePolicy duplicates, double[][] keptValues) {
    Map<String, String> first = null;
    for (List<RowRef> order : permutations(rows)) {
      ConflictResolver.Resolution res = ConflictResolver.resolve(order, policy, prefer, duplicates);
      Map<String, String> out = new TreeMap<>();
      if (res.kept() != null) {
        out.put(key(res.kept()), "kept");
      }
      res.merged().forEach(m -> assertNull(out.put(key(m), "merged"), "decided twice"));
      res.rejected().forEach(r -> assertNull(out.put(key(r.ref()), r.reason()), "decided twice"));
      assertEquals(rows.size(), out.size(), "every row decided once: " + out);
      if (first == null) {
        first = out;
        keptValues[0] = res.keptValues();
      } else {
        assertEquals(first, out, "the same decision whatever the order: " + order);
        org.junit.jupiter.api.Assertions.assertArrayEquals(keptValues[0], res.keptValues());
      }
    }
    return first;
  }

  @Test
  void aDuplicatesPolicyFoldsOneSourcesCopiesInFileOrder() {
    RowRef a1 = row("a", 7, 1.0, Double.NaN);
    RowRef a2 = row("a", 3, 2.0, 10.0);
    RowRef a3 = row("a", 9, 6.0, Double.NaN);
    List<RowRef> rows = List.of(a1, a2, a3);
    double[][] values = new double[1][];
    assertEquals(Map.of("a/3", "kept", "a/7", "merged", "a/9", "merged"),
        folded(rows, null, null, JobConfig.DuplicatePolicy.FIRST, values));
    assertNull(values[0], "first keeps its own values");
    assertEquals(Map.of("a/3", "merged", "a/7", "merged", "a/9", "kept"),
        folded(rows, null, null, JobConfig.DuplicatePolicy.LAST, values));
    assertEquals(Map.of("a/3", "kept", "a/7", "merged", "a/9", "merged"),
        folded(rows, null, null, JobConfig.DuplicatePolicy.MEAN, values));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {3.0, 10.0}, values[0], "mean of non-empty cells");
    folded(rows, null, null, JobConfig.DuplicatePolicy.SUM, values);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {9.0, 10.0}, values[0]);
    // the default keeps today's behaviour: every copy quarantined
    assertEquals(Map.of("a/3", DUP, "a/7", DUP, "a/9", DUP),
        folded(rows, null, null, JobConfig.DuplicatePolicy.QUARANTINE, values));
  }

  @Test
  void foldedCopiesThenFaceTheOtherSources() {
    RowRef a1 = row("a", 1, 1.0);
    RowRef a2 = row("a", 2, 3.0);
    RowRef b1 = row("b", 1, 2.0);
    double[][] values = new double[1][];
    // mean of a = 2.0 = b's value: the sources agree; a (first by name) is kept, b is redundant
    assertEquals(Map.of("a/1", "kept", "a/2", "merged", "b/1", REDUNDANT),
        folded(List.of(a1, a2, b1), ConflictPolicy.QUARANTINE, List.of(), JobConfig.DuplicatePolicy.MEAN, values));
    // first of a = 1.0 disagrees with b: quarantine every copy of both sources
    assertEquals(Map.of("a/1", CONFLICT, "a/2", CONFLICT, "b/1", CONFLICT),
        folded(List.of(a1, a2, b1), ConflictPolicy.QUARANTINE, List.of(), JobConfig.DuplicatePolicy.FIRST, values));
    // prefer b: b kept, a's copies are conflicts
    assertEquals(Map.of("a/1", CONFLICT, "a/2", CONFLICT, "b/1", "kept"),
        folded(List.of(a1, a2, b1), ConflictPolicy.PREFER, List.of("b", "a"), JobConfig.DuplicatePolicy.LAST, values));
    // prefer a: a's folded row (last = 3.0) kept, its first copy merged into it
    assertEquals(Map.of("a/1", "merged", "a/2", "kept", "b/1", CONFLICT),
        folded(List.of(a1, a2, b1), ConflictPolicy.PREFER, List.of("a", "b"), JobConfig.DuplicatePolicy.LAST, values));
  }

  @Test
  void eventsThatShareATimestampAreAllKeptInFileOrder() {
    RowRef a2 = row("a", 2, 1.0);
    RowRef a1 = row("a", 1, 1.0);
    RowRef a3 = row("a", 3, 5.0);
    for (List<RowRef> order : permutations(List.of(a2, a1, a3))) {
      ConflictResolver.EventTie tie = ConflictResolver.resolveEvents(order, null, null);
      assertEquals(List.of(a1, a2, a3), tie.kept(), "all kept, by line");
      assertEquals(List.of(), tie.rejected());
    }
    // across sources: the same events twice is one copy too many; different events follow the policy
    RowRef b1 = row("b", 8, 1.0);
    RowRef b2 = row("b", 9, 1.0);
    ConflictResolver.EventTie same = ConflictResolver.resolveEvents(List.of(b2, a2, b1, a1), ConflictPolicy.QUARANTINE, List.of());
    assertEquals(List.of(a1, a2), same.kept());
    assertEquals(List.of(REDUNDANT, REDUNDANT), same.rejected().stream().map(ChunkWindower.Rejected::reason).toList());
    ConflictResolver.EventTie differ = ConflictResolver.resolveEvents(List.of(a1, b1), ConflictPolicy.QUARANTINE, List.of());
    assertEquals(List.of(), ConflictResolver.resolveEvents(List.of(a1, a3, b1), ConflictPolicy.QUARANTINE, List.of()).kept());
    assertEquals(List.of(a1), differ.kept(), "a1 and b1 hold the same single event");
    ConflictResolver.EventTie preferred = ConflictResolver.resolveEvents(List.of(a1, a3, b1), ConflictPolicy.PREFER, List.of("b"));
    assertEquals(List.of(b1), preferred.kept());
    assertEquals(List.of(CONFLICT, CONFLICT), preferred.rejected().stream().map(ChunkWindower.Rejected::reason).toList());
  }
}
