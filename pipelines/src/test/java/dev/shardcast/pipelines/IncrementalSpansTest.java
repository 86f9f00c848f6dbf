package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.core.SeriesGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental pickup (issue #12 point 1) on the demo split into yearly partitions: a first run
 * prepares 2000-2014 as span 0; a rerun after 2015 landed prepares only that file, with
 * each city's last rows of span 0 as context, and its windows are exactly the ones a full rebuild over
 * every partition (with span 0's scaler) adds to span 0's: every split, every value and fill mask, as
 * DuckDB reads them. Then: nothing new is a no-op; a changed old file is refused, or with
 * {@code on_change: rebuild} prepares everything again; a new row older than its city's last one is
 * quarantined as a backfill, not silently merged into windows that were already written.
 */
class IncrementalSpansTest {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void spansAddExactlyTheWindowsOfAFullRebuild(@TempDir Path dir) throws Exception {
    Path raw = dir.resolve("raw");
    Map<Integer, List<String>> years = years();
    String header = Files.readAllLines(ItSupport.demoCsv()).get(0);
    for (int y = 2000; y <= 2014; y++) {
      writeYear(raw, y, header, years.get(y));
    }
    Path out = dir.resolve("out");
    JobConfig job = config(raw, out);

    IncrementalPrepare.Outcome first = PrepareJob.prepare(job, List.of());
    assertFalse(first.nothingNew());
    assertTrue(first.message().startsWith("span 0 from 15 file(s)"), first.message());
    long span0Rows = rows(years, 2000, 2014);
    assertEquals(span0Rows, ItSupport.count(ItSupport.manifest(out.resolve("spans/0")), "rows_read"));

    writeYear(raw, 2015, header, years.get(2015));
    IncrementalPrepare.Outcome second = PrepareJob.prepare(job, List.of());
    assertEquals("span 1 from 1 new file(s)", second.message());
    JsonNode span1 = ItSupport.manifest(out.resolve("spans/1"));
    // only the new files were read, and every row of them is accounted for
    assertEquals(rows(years, 2015, 2015), ItSupport.count(span1, "rows_read"));
    assertEquals(1, ItSupport.count(span1, "files_read"));
    assertEquals(ItSupport.count(span1, "rows_read"), ItSupport.count(span1, "rows_windowed")
        + ItSupport.count(span1, "rows_unused") + ItSupport.count(span1, "rows_merged")
        + ItSupport.count(span1, "rows_quarantined"), "span 1's rows reconcile");
    // the scaler is span 0's, and the drift baseline was span 0's report
    JsonNode span0 = ItSupport.manifest(out.resolve("spans/0"));
    assertEquals(span0.path("scaler"), span1.path("scaler"));
    assertTrue(Files.readString(out.resolve("spans/1/quality-report.json")).contains("spans/0"),
        "span 1's drift is checked against span 0's report");

    // the full rebuild over every partition, with span 0's scaler
    Path full = dir.resolve("full");
    JobConfig rebuild = ConfigLoader.loadYaml(ConfigLoader.toYaml(job), List.of("incremental.enabled=false",
        "shards.output=" + full, "scaler.from=" + out.resolve("spans/0")));
    PrepareJob.run(rebuild, List.of());
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<String> spans = new ArrayList<>(windows(duck, out.resolve("spans/0")));
      List<String> added = windows(duck, out.resolve("spans/1"));
      assertFalse(added.isEmpty());
      spans.addAll(added);
      spans.sort(null);
      assertEquals(windows(duck, full), spans, "span 0 + span 1 == the full rebuild, window for window");
    }
    // the top-level manifest lists both spans' shards with the rebuild's window counts
    JsonNode top = ItSupport.manifest(out);
    JsonNode fullManifest = ItSupport.manifest(full);
    for (String split : new String[] {"train", "val", "test"}) {
      assertEquals(fullManifest.path("splits").path(split).path("windows").asLong(),
          top.path("splits").path(split).path("windows").asLong(), split);
      for (JsonNode shard : top.path("splits").path(split).path("shards")) {
        assertTrue(Files.isRegularFile(out.resolve(shard.path("path").asText())), shard.toString());
      }
    }
    assertEquals(ItSupport.count(fullManifest, "rows_read"), ItSupport.count(top, "rows_read"));
    // train reads the spans as one data set: every window of the rebuild's train split, and its scaler
    JobConfig train = ConfigLoader.loadYaml(ConfigLoader.toYaml(job), List.of("train.model.type=linear",
        "train.epochs=1", "train.output=" + dir.resolve("model")));
    dev.shardcast.training.TrainJob.Outcome trained = dev.shardcast.training.TrainJob.run(train, false, "test");
    JsonNode metrics = ItSupport.JSON.valueToTree(trained.testMetrics());
    assertEquals(fullManifest.path("splits").path("test").path("windows").asLong(),
        metrics.path("test").path("windows").asLong(), metrics.toString());
    assertTrue(Files.isRegularFile(dir.resolve("model/best/quality-report.json")), "the newest span's profile for predict");
    // train.replay_fraction: the newest span's train shards and half the older spans' (here span 1 has
    // none: 2015 is all test), the same cut the manifest function makes
    JobConfig replay = ConfigLoader.loadYaml(ConfigLoader.toYaml(train), List.of("train.replay_fraction=0.5",
        "train.output=" + dir.resolve("model-replay")));
    dev.shardcast.training.TrainJob.Outcome replayed = dev.shardcast.training.TrainJob.run(replay, false, "test");
    long cut = dev.shardcast.transforms.shard.SpanManifests.replay(
        dev.shardcast.transforms.shard.ShardManifest.fromJson(Files.readAllBytes(out.resolve("manifest.json"))), 0.5,
        replay.train().seed()).splits().get("train").windows();
    assertTrue(cut < top.path("splits").path("train").path("windows").asLong() * 0.6, "about half: " + cut);
    long epochWindows = -1;
    for (String line : Files.readAllLines(replayed.runLog())) {
      JsonNode e = ItSupport.JSON.readTree(line);
      if (e.has("epoch") && e.has("windows")) {
        epochWindows = e.path("windows").asLong();
      }
    }
    assertEquals(cut, epochWindows, "the epoch trained on the replay cut");

    // nothing new: nothing prepared, the manifest untouched (another runner writes the same shards:
    // no reason to prepare again either)
    byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
    IncrementalPrepare.Outcome third = PrepareJob.prepare(
        ConfigLoader.loadYaml(ConfigLoader.toYaml(job), List.of("runner.name=flink")), List.of());
    assertTrue(third.nothingNew());
    assertTrue(third.message().contains("no new input file since span 1 (16 file(s) unchanged)"), third.message());
    assertEquals(new String(manifest), new String(Files.readAllBytes(out.resolve("manifest.json"))));
    assertFalse(Files.exists(out.resolve("spans/2")));

    // a backfill: a row for a month span 0 already had, in a new file (with 2015's months again as
    // 2016's), is quarantined with its reason
    List<String> next = new ArrayList<>();
    years.get(2015).forEach(l -> next.add(l.replace(",2015-", ",2016-")));
    next.add(years.get(2010).stream().filter(l -> l.startsWith("Abilene,2010-05-01")).findFirst().orElseThrow());
    writeYear(raw, 2016, header, next);
    PrepareJob.prepare(job, List.of());
    JsonNode span2 = ItSupport.manifest(out.resolve("spans/2"));
    assertEquals(next.size(), ItSupport.count(span2, "rows_read"));
    assertEquals(1, span2.path("quarantine").path("by_reason").path(SeriesGrid.BACKFILL).asLong(), span2.toString());
    assertTrue(Files.readString(out.resolve("spans/2/quarantine/rows.jsonl")).contains("is not after the series' last row"));

    // a changed old file: refused by default, naming it ...
    Path changed = raw.resolve("year=2005/part.csv");
    Files.writeString(changed, Files.readString(changed).replace("Abilene,2005-01-01,", "Abilene,2005-01-01,1"));
    ConfigException refused = assertThrows(ConfigException.class, () -> PrepareJob.prepare(job, List.of()));
    assertTrue(refused.getMessage().contains(changed + " changed"), refused.getMessage());
    // ... or, with on_change: rebuild, everything prepared again as span 0
    JobConfig rebuilds = ConfigLoader.loadYaml(ConfigLoader.toYaml(job), List.of("incremental.on_change=rebuild"));
    IncrementalPrepare.Outcome again = PrepareJob.prepare(rebuilds, List.of());
    assertTrue(again.message().startsWith("span 0 from 17 file(s): input files of earlier spans changed"),
        again.message());
    assertFalse(Files.exists(out.resolve("spans/1/manifest.json")), "the old spans are gone");
    assertEquals(rows(years, 2000, 2015) + next.size(), ItSupport.count(ItSupport.manifest(out), "rows_read"));
  }

  @Test
  void rollingSplitsAndEventsAreRefused() {
    Path out = Path.of("target/never");
    ConfigException rolling = assertThrows(ConfigException.class, () -> ConfigLoader.load(ItSupport.demoJob(),
        List.of("incremental.enabled=true", "shards.output=" + out, "split.mode=rolling", "split.val=14M",
            "split.test=17M")));
    assertTrue(rolling.getMessage().contains("split.mode: rolling"), rolling.getMessage());
  }

  static JobConfig config(Path raw, Path out) {
    return ConfigLoader.load(ItSupport.demoJob(), List.of(
        "input.path=" + raw + "/year=*/part.csv",
        "shards.output=" + out,
        "quality.columns.series_id.reference.path=" + ItSupport.repoRoot().resolve("examples/txhousing/cities.csv"),
        "incremental.enabled=true"));
  }

  /** The demo's data rows by year (the date is the second column). */
  static Map<Integer, List<String>> years() throws IOException {
    Map<Integer, List<String>> out = new TreeMap<>();
    List<String> lines = Files.readAllLines(ItSupport.demoCsv());
    for (String line : lines.subList(1, lines.size())) {
      out.computeIfAbsent(Integer.parseInt(line.split(",")[1].substring(0, 4)), k -> new ArrayList<>()).add(line);
    }
    return out;
  }

  static void writeYear(Path raw, int year, String header, List<String> rows) throws IOException {
    Path d = raw.resolve("year=" + year);
    Files.createDirectories(d);
    Files.writeString(d.resolve("part.csv"), header + "\n" + String.join("\n", rows) + "\n");
  }

  static long rows(Map<Integer, List<String>> years, int from, int to) {
    long n = 0;
    for (int y = from; y <= to; y++) {
      n += years.get(y).size();
    }
    return n;
  }

  /** Every window of every split in a prepare output, as text (split, keys, every value and mask), sorted. */
  static List<String> windows(ItSupport.Duck duck, Path out) throws IOException, SQLException {
    List<String> all = new ArrayList<>();
    for (String split : new String[] {"train", "val", "test"}) {
      List<Path> files = ItSupport.shardFiles(out, split);
      if (files.isEmpty()) {
        continue;
      }
      for (List<Object> row : duck.rows("SELECT * FROM " + ItSupport.parquetOf(files))) {
        StringBuilder sb = new StringBuilder(split);
        for (Object v : row) {
          sb.append('|').append(v instanceof java.sql.Array a ? java.util.Arrays.deepToString((Object[]) a.getArray()) : v);
        }
        all.add(sb.toString());
      }
    }
    all.sort(null);
    return all;
  }
}
