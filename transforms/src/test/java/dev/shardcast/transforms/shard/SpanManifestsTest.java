package dev.shardcast.transforms.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The top-level manifest over incremental spans, and the replay cut of its train split. */
class SpanManifestsTest {
  private static final ShardManifest.Schema SCHEMA =
      new ShardManifest.Schema(64, 3, 2, 0, 1, "1d", List.of("x"), List.of("x"), false, List.of());

  /** A span's manifest: {@code train} full shards of 64 plus one of 10, {@code test} one of 5. */
  private static ShardManifest span(int train, long rowsRead, long series) {
    List<ShardManifest.ShardFile> files = new ArrayList<>();
    for (int i = 0; i < train; i++) {
      files.add(new ShardManifest.ShardFile("train/batch-" + i + ".parquet", 64, 100, "h" + i));
    }
    files.add(new ShardManifest.ShardFile("train/batch-" + train + ".parquet", 10, 20, "last"));
    Map<String, ShardManifest.Split> splits = new LinkedHashMap<>();
    splits.put("train", new ShardManifest.Split(64L * train + 10, files.size(), true, 10, files));
    splits.put("test", new ShardManifest.Split(5, 1, true, 5,
        List.of(new ShardManifest.ShardFile("test/batch-0.parquet", 5, 9, "t"))));
    return new ShardManifest(1, "unit", "hash", null, "git", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", 42,
        List.of(new ShardManifest.InputFile("in-" + train + ".csv", 100)), SCHEMA, splits, null,
        Map.of("rows_read", rowsRead, "series", series), new ShardManifest.Quarantine("quarantine/rows.jsonl", 1,
            Map.of("bad_number", 1L)), new ShardManifest.Quality("quality-report.json", "pass"));
  }

  @Test
  void mergeListsEverySpansShardsUnderItsFolderAndSumsTheCounts() {
    ShardManifest m = SpanManifests.merge(List.of(span(3, 100, 5), span(1, 20, 6)), List.of("spans/0", "spans/1"));
    assertEquals(64L * 3 + 10 + 64 + 10, m.splits().get("train").windows());
    assertEquals(6, m.splits().get("train").shardCount());
    assertEquals("spans/0/train/batch-0.parquet", m.splits().get("train").shards().get(0).path());
    assertEquals("spans/1/train/batch-1.parquet", m.splits().get("train").shards().get(5).path());
    assertEquals(10, m.splits().get("test").windows());
    assertEquals(120, m.counts().get("rows_read"));
    assertEquals(6, m.counts().get("series"), "the newest span's: it knows every series of the earlier ones");
    assertEquals(2, m.quarantine().rows());
    assertEquals(2, m.quarantine().byReason().get("bad_number"));
    assertEquals("spans/1/quality-report.json", m.quality().report());
    assertEquals(2, m.inputs().size());
  }

  @Test
  void spansWithAnotherSchemaAreNotMerged() {
    ShardManifest other = span(1, 1, 1);
    other = new ShardManifest(1, "unit", "hash", null, "git", "a", "b", 42, other.inputs(),
        new ShardManifest.Schema(32, 3, 2, 0, 1, "1d", List.of("x"), List.of("x"), false, List.of()), other.splits(),
        null, other.counts(), other.quarantine(), other.quality());
    ShardManifest first = span(1, 1, 1);
    ShardManifest second = other;
    assertThrows(IllegalStateException.class, () -> SpanManifests.merge(List.of(first, second), List.of("spans/0", "spans/1")));
  }

  @Test
  void replayKeepsTheNewestSpanAndASeededShareOfTheOlder() {
    ShardManifest m = SpanManifests.merge(List.of(span(9, 1, 1), span(5, 1, 1), span(2, 1, 1)),
        List.of("spans/0", "spans/1", "spans/2"));
    // older spans: 10 + 6 train shards; the newest: 3
    ShardManifest half = SpanManifests.replay(m, 0.5, 7);
    List<ShardManifest.ShardFile> kept = half.splits().get("train").shards();
    assertEquals(3 + 8, kept.size());
    assertEquals(3, kept.stream().filter(f -> f.path().startsWith("spans/2/")).count(), "every shard of the newest span");
    assertEquals(kept.stream().mapToLong(ShardManifest.ShardFile::rows).sum(), half.splits().get("train").windows());
    assertEquals(m.splits().get("test"), half.splits().get("test"), "val and test are never cut");
    // kept in manifest order, the same choice for the same seed, another for another seed
    List<String> all = m.splits().get("train").shards().stream().map(ShardManifest.ShardFile::path).toList();
    List<Integer> at = kept.stream().map(f -> all.indexOf(f.path())).toList();
    assertEquals(new ArrayList<>(new TreeSet<>(at)), at);
    assertEquals(kept, SpanManifests.replay(m, 0.5, 7).splits().get("train").shards());
    assertTrue(!kept.equals(SpanManifests.replay(m, 0.5, 8).splits().get("train").shards()));

    assertEquals(3, SpanManifests.replay(m, 0, 7).splits().get("train").shardCount());
    assertEquals(m.splits().get("train"), SpanManifests.replay(m, 1, 7).splits().get("train"));
    ShardManifest plain = span(2, 1, 1);
    assertSame(plain, SpanManifests.replay(plain, 0.5, 7), "no spans: nothing to cut");
  }
}
