package dev.shardcast.transforms.shard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The top-level manifest of an incremental output: every span's shards (paths prefixed with the
 * span's folder), window and row counts summed, span 0's scaler (every later span was scaled with
 * it), the newest span's quality verdict. A reader sees one data set and needs no notion of spans.
 */
public final class SpanManifests {
  /** Counts that describe the whole data set in each span (not what the span added): the newest one's. */
  private static final List<String> WHOLE = List.of("series", "short_series");

  private SpanManifests() {}

  /** The span folder a merged manifest's shard path is in ({@code spans/<n>}), or -1 outside any span. */
  public static int spanOf(String shardPath) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^spans/(\\d+)/").matcher(shardPath);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * The manifest with its train split cut to the newest span's train shards plus {@code fraction} of
   * the older spans' (a seeded choice, kept in manifest order); the other splits and a manifest
   * without spans unchanged. What retraining on new data with a replay of the old means.
   */
  public static ShardManifest replay(ShardManifest m, double fraction, long seed) {
    ShardManifest.Split train = m.splits().get("train");
    int newest = -1;
    for (ShardManifest.Split s : m.splits().values()) {
      for (ShardManifest.ShardFile f : s.shards()) {
        newest = Math.max(newest, spanOf(f.path()));
      }
    }
    if (train == null || newest <= 0) {
      return m;
    }
    List<Integer> older = new ArrayList<>();
    for (int i = 0; i < train.shards().size(); i++) {
      if (spanOf(train.shards().get(i).path()) < newest) {
        older.add(i);
      }
    }
    java.util.Collections.shuffle(older, new java.util.Random(seed));
    java.util.Set<Integer> dropped = new java.util.HashSet<>(older.subList((int) Math.round(fraction * older.size()),
        older.size()));
    List<ShardManifest.ShardFile> kept = new ArrayList<>();
    long windows = 0;
    for (int i = 0; i < train.shards().size(); i++) {
      if (!dropped.contains(i)) {
        kept.add(train.shards().get(i));
        windows += train.shards().get(i).rows();
      }
    }
    Map<String, ShardManifest.Split> splits = new LinkedHashMap<>(m.splits());
    splits.put("train", new ShardManifest.Split(windows, kept.size(), train.lastShardPartial(), train.lastShardRows(), kept));
    return new ShardManifest(m.formatVersion(), m.name(), m.configHash(), m.config(), m.gitCommit(), m.startedAt(),
        m.finishedAt(), m.seed(), m.inputs(), m.schema(), splits, m.scaler(), m.counts(), m.quarantine(), m.quality());
  }

  /**
   * @param spans each span's manifest, oldest first
   * @param folders each span's folder relative to the top-level output
   */
  public static ShardManifest merge(List<ShardManifest> spans, List<String> folders) {
    if (spans.isEmpty() || spans.size() != folders.size()) {
      throw new IllegalArgumentException(spans.size() + " span manifests for " + folders.size() + " folders");
    }
    ShardManifest first = spans.get(0);
    ShardManifest newest = spans.get(spans.size() - 1);
    String newestFolder = folders.get(folders.size() - 1);
    List<ShardManifest.InputFile> inputs = new ArrayList<>();
    Map<String, List<ShardManifest.ShardFile>> shards = new LinkedHashMap<>();
    Map<String, Long> windows = new LinkedHashMap<>();
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    long quarantined = 0;
    for (int i = 0; i < spans.size(); i++) {
      ShardManifest m = spans.get(i);
      String prefix = folders.get(i) + "/";
      if (!java.util.Objects.equals(m.schema(), first.schema())) {
        throw new IllegalStateException("span " + folders.get(i) + " has another shard schema than " + folders.get(0)
            + ": its shards cannot be read as one data set");
      }
      inputs.addAll(m.inputs());
      m.splits().forEach((name, split) -> {
        windows.merge(name, split.windows(), Long::sum);
        List<ShardManifest.ShardFile> list = shards.computeIfAbsent(name, k -> new ArrayList<>());
        for (ShardManifest.ShardFile f : split.shards()) {
          list.add(new ShardManifest.ShardFile(prefix + f.path(), f.rows(), f.bytes(), f.sha256()));
        }
      });
      m.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
      if (m.quarantine() != null) {
        quarantined += m.quarantine().rows();
        m.quarantine().byReason().forEach((k, v) -> byReason.merge(k, v, Long::sum));
      }
    }
    for (String k : WHOLE) {
      if (newest.counts().containsKey(k)) {
        counts.put(k, newest.counts().get(k));
      }
    }
    Map<String, ShardManifest.Split> splits = new LinkedHashMap<>();
    shards.forEach((name, list) -> {
      ShardManifest.Split last = newest.splits().get(name);
      splits.put(name, new ShardManifest.Split(windows.get(name), list.size(), last != null && last.lastShardPartial(),
          last == null ? 0 : last.lastShardRows(), list));
    });
    ShardManifest.Quarantine quarantine = first.quarantine() == null ? null
        : new ShardManifest.Quarantine("spans/*/" + first.quarantine().path(), quarantined, byReason);
    ShardManifest.Quality quality = newest.quality() == null ? null
        : new ShardManifest.Quality(newestFolder + "/" + newest.quality().report(), newest.quality().verdict());
    return new ShardManifest(first.formatVersion(), first.name(), first.configHash(), first.config(), newest.gitCommit(),
        first.startedAt(), newest.finishedAt(), first.seed(), inputs, first.schema(), splits, first.scaler(), counts,
        quarantine, quality);
  }
}
