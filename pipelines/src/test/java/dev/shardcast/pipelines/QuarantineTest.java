package dev.shardcast.pipelines;

import static dev.shardcast.pipelines.ItSupport.SPLITS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small dirty monthly CSV with every kind of bad row. Month m = 1..12 is 2021-03 .. 2022-02.
 *
 * <pre>
 * config: past 3, future 2, lead 0, stride 1; a is input+target, b input only; ffill max_fill 1;
 *         train_end 2021-11-01 (m9), val_end 2022-01-01 (m11); batch_size 4.
 *
 * A (m1..m12): a = 10 11 12 13 __ 15 16 17 18 19 20 21   (m5 empty -> filled 13)
 *              b = 100 .. 111
 *   windows s = 1..8 (s+4 <= 12), all valid; forecast months s+3, s+4:
 *     s=1..4 -> fc up to m8 < m9 -> train (4); s=5 -> fc m8,m9 straddles train_end;
 *     s=6 -> fc m9,m10 -> val (1); s=7 -> fc m10,m11 straddles val_end; s=8 -> fc m11,m12 -> test (1)
 *   rows windowed: all 12.
 * B (m1..m12): m4 two conflicting rows, m7 three identical rows -> all 5 quarantined, months missing;
 *              an off-grid row 2021-05-15; m8 has b empty.
 *              a = 1 2 3 [3] 5 6 [6] 8 9 10 11 12         ([x] = filled from the month before)
 *              b = 50 51 52 [52] 54 55 [55] __ 58 59 60 61 (m8: last b at m6, 2 > max_fill -> missing)
 *   s=1: past 1-3, fut a 4,5 ok -> train      s=2: past 2-4, fut 5,6 ok -> train
 *   s=3: past 3-5, fut 6,7 ok -> train        s=4: past 4-6, fut a 7,8 ok (b8 not needed) -> train
 *   s=5: past 5-7, fut a 8,9 ok -> straddles  s=6,7,8: b8 in the past -> invalid
 *   rows windowed: months 1..9 with a row: 1,2,3,5,6,8,9 = 7; unused: 10,11,12 = 3.
 * "Dallas, TX" (quoted key, m1..m3): 3 points < span 5 -> short series, 3 rows unused.
 *
 * windows: train 8 (A 4 + B 4) -> batches 4,4; val 1; test 1; straddling 3 (their rows still windowed).
 * rows: 38 read = 19 windowed + 6 unused + 13 quarantined.
 * </pre>
 */
class QuarantineTest {
  private static final String CSV = String.join("\n",
      "city,date,a,b",                    // line 1
      "A,2021-03-01,10,100",              // 2
      "A,2021-04-01,11,101",              // 3
      "A,2021-05-01,12,102",              // 4
      "A,2021-06-01,13,103",              // 5
      "A,2021-07-01,,104",                // 6  a empty: filled
      "A,2021-08-01,15,105",              // 7
      "A,2021-09-01,16,106",              // 8
      "A,2021-10-01,17,107",              // 9
      "A,2021-11-01,18,108",              // 10
      "A,2021-12-01,19,109",              // 11
      "A,2022-01-01,20,110",              // 12
      "A,2022-02-01,21,111",              // 13
      "A,2022-03-01,abc,112",             // 14 bad_number (a); must not extend A
      "A,2022-13-01,22,113",              // 15 bad_timestamp
      "A,,22,113",                        // 16 missing_timestamp
      ",2021-05-01,5,6",                  // 17 missing_key
      "A,2021-05-01,12,102,extra",        // 18 wrong_field_count
      "B,2021-03-01,1,50",                // 19
      "B,2021-04-01,2,51",                // 20
      "B,2021-05-01,3,52",                // 21
      "B,2021-05-15,3.5,52",              // 22 off_frequency
      "B,2021-06-01,4,53",                // 23 duplicate
      "B,2021-06-01,40,530",              // 24 duplicate (conflicting values)
      "B,2021-07-01,5,54",                // 25
      "B,2021-08-01,6,55",                // 26
      "B,2021-09-01,7,56",                // 27 duplicate
      "B,2021-09-01,7,56",                // 28 duplicate
      "B,2021-09-01,7,56",                // 29 duplicate
      "B,2021-10-01,8,",                  // 30 b empty
      "B,2021-11-01,9,58",                // 31
      "B,2021-12-01,10,59",               // 32
      "B,2022-01-01,11,60",               // 33
      "B,2022-02-01,12,61",               // 34
      "B,2022-03-01,13,NaN",              // 35 bad_number (b)
      "\"Dallas, TX\",2021-03-01,1,1",     // 36
      "\"Dallas, TX\",2021-04-01,2,2",     // 37
      "\"Dallas, TX\",2021-05-01,3,3",     // 38
      "A,2021-04-31,1,2",                 // 39 bad_timestamp: no such day (not 2021-04-30, not off-grid)
      "");

  /** Values after fill, month 1..12 at index 0..11; null = missing. Filled points listed apart. */
  private static final Double[][] A_VALUES = {
      {10d, 11d, 12d, 13d, 13d, 15d, 16d, 17d, 18d, 19d, 20d, 21d},
      {100d, 101d, 102d, 103d, 104d, 105d, 106d, 107d, 108d, 109d, 110d, 111d}};
  private static final Double[][] B_VALUES = {
      {1d, 2d, 3d, 3d, 5d, 6d, 6d, 8d, 9d, 10d, 11d, 12d},
      {50d, 51d, 52d, 52d, 54d, 55d, 55d, null, 58d, 59d, 60d, 61d}};
  private static final Map<String, Set<String>> FILLED = Map.of(
      "A", Set.of("a5"), "B", Set.of("a4", "b4", "a7", "b7"));

  @TempDir static Path tmp;
  private static Path csv;
  private static Path out;
  private static Path chunked;

  @BeforeAll
  static void run() throws Exception {
    csv = tmp.resolve("dirty.csv");
    Files.writeString(csv, CSV);
    out = tmp.resolve("out");
    ItSupport.run(ConfigLoader.loadYaml(yaml(), List.of("shards.output=" + out)));
    // Again with the smallest chunks (20 months here): the chunk boundary falls between m6 and m7,
    // right at B's triple duplicate. Nothing may change.
    chunked = tmp.resolve("chunked");
    ItSupport.run(ConfigLoader.loadYaml(yaml(), List.of("shards.output=" + chunked, "input.chunk_points=1")));
  }

  static String yaml() {
    return String.join("\n",
        "name: dirty",
        "input:",
        "  path: " + csv,
        "  format: csv",
        "  series_key: [city]",
        "  timestamp: {column: date, format: yyyy-MM-dd}",
        "  frequency: 1M",
        "  columns:",
        "    - {name: a, type: double, target: true}",
        "    - {name: b, type: double}",
        "windowing: {past: 3, future: 2, stride: 1, lead: 0}",
        "gaps: {policy: ffill, max_fill: 1}",
        "split: {train_end: '2021-11-01', val_end: '2022-01-01'}",
        "scaler: {type: standard, sample_size: 1000, scope: global}",
        "shards: {batch_size: 4, seed: 1, output: unused}",
        "runner: {name: direct, parallelism: 2}",
        "");
  }

  private static Map<String, String> row(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static ObjectNode record(long line, String reason, String column, String value, Map<String, String> row) {
    ObjectNode n = ItSupport.JSON.createObjectNode();
    n.put("source", csv.toAbsolutePath().toString());
    n.put("line", line);
    n.put("reason", reason);
    if (column != null) {
      n.put("column", column);
    }
    if (value != null) {
      n.put("value", value);
    }
    n.set("row", ItSupport.JSON.valueToTree(row));
    n.put("origin", "input"); // the one source of a single-input job
    return n;
  }

  private static ObjectNode duplicate(long line, String month, String a, String b) {
    // Duplicates are found after parsing; their record still holds the file's own row, read back by line.
    String instant = month + "T00:00:00Z";
    return record(line, "duplicate_timestamp", "date", instant, row("city", "B", "date", month, "a", a, "b", b));
  }

  @Test
  void quarantineFileHoldsExactlyTheBadRows() throws Exception {
    List<JsonNode> expected = List.of(
        record(14, "bad_number", "a", "abc", row("city", "A", "date", "2022-03-01", "a", "abc", "b", "112")),
        record(15, "bad_timestamp", "date", "2022-13-01", row("city", "A", "date", "2022-13-01", "a", "22", "b", "113")),
        record(16, "missing_timestamp", "date", "", row("city", "A", "date", "", "a", "22", "b", "113")),
        record(17, "missing_key", "city", "", row("city", "", "date", "2021-05-01", "a", "5", "b", "6")),
        record(18, "wrong_field_count", null, null,
            row("city", "A", "date", "2021-05-01", "a", "12", "b", "102", "_extra_1", "extra")),
        record(22, "off_frequency", "date", "2021-05-15", row("city", "B", "date", "2021-05-15", "a", "3.5", "b", "52")),
        duplicate(23, "2021-06-01", "4", "53"),
        duplicate(24, "2021-06-01", "40", "530"),
        duplicate(27, "2021-09-01", "7", "56"),
        duplicate(28, "2021-09-01", "7", "56"),
        duplicate(29, "2021-09-01", "7", "56"),
        record(35, "bad_number", "b", "NaN", row("city", "B", "date", "2022-03-01", "a", "13", "b", "NaN")),
        record(39, "bad_timestamp", "date", "2021-04-31", row("city", "A", "date", "2021-04-31", "a", "1", "b", "2")));
    List<String> lines = Files.readAllLines(out.resolve("quarantine/rows.jsonl"));
    List<JsonNode> got = new ArrayList<>();
    for (String l : lines) {
      ObjectNode n = (ObjectNode) ItSupport.JSON.readTree(l);
      assertFalse(n.path("message").asText().isBlank(), "a record says why: " + l);
      n.remove("message");
      got.add(n);
    }
    assertEquals(expected.size(), got.size(), String.join("\n", lines));
    for (int i = 0; i < expected.size(); i++) {
      // Round-trip the expected node so numbers compare by value, not by node class.
      assertEquals(ItSupport.JSON.readTree(expected.get(i).toString()), got.get(i), "record " + i);
    }
  }

  @Test
  void manifestCountsMatch() throws Exception {
    JsonNode m = ItSupport.manifest(out);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("rows_read", 38L);
    expected.put("rows_windowed", 19L);
    expected.put("rows_unused", 6L);
    expected.put("rows_quarantined", 13L);
    expected.put("quarantined.bad_number", 2L);
    expected.put("quarantined.bad_timestamp", 2L);
    expected.put("quarantined.missing_timestamp", 1L);
    expected.put("quarantined.missing_key", 1L);
    expected.put("quarantined.wrong_field_count", 1L);
    expected.put("quarantined.off_frequency", 1L);
    expected.put("quarantined.duplicate_timestamp", 5L);
    expected.put("series", 3L);
    expected.put("short_series", 1L);
    expected.put("windows_train", 8L);
    expected.put("windows_val", 1L);
    expected.put("windows_test", 1L);
    expected.put("windows_straddling", 3L);
    expected.forEach((k, v) -> assertEquals(v, ItSupport.count(m, k), k));
    assertEquals(ItSupport.count(m, "rows_read"), ItSupport.count(m, "rows_windowed") + ItSupport.count(m, "rows_unused")
        + ItSupport.count(m, "rows_quarantined"));
    assertEquals(13, m.path("quarantine").path("rows").asLong());
    assertEquals(5, m.path("quarantine").path("by_reason").path("duplicate_timestamp").asLong());
    long[][] shardRows = {{4, 4}, {1}, {1}};
    for (int s = 0; s < SPLITS.length; s++) {
      JsonNode shards = m.path("splits").path(SPLITS[s]).path("shards");
      assertEquals(shardRows[s].length, shards.size(), SPLITS[s]);
      for (int i = 0; i < shardRows[s].length; i++) {
        assertEquals(shardRows[s][i], shards.get(i).path("rows").asLong(), SPLITS[s] + " shard " + i);
      }
    }
  }

  @Test
  void scalerIsFitOnTheCleanTrainingRows() throws Exception {
    // Rows before 2021-11-01 (m1..m8) that survived the quarantine, non-empty cells only.
    double[] a = {10, 11, 12, 13, 15, 16, 17, /* B */ 1, 2, 3, 5, 6, 8, /* Dallas */ 1, 2, 3};
    double[] b = {100, 101, 102, 103, 104, 105, 106, 107, /* B */ 50, 51, 52, 54, 55, /* Dallas */ 1, 2, 3};
    JsonNode g = ItSupport.manifest(out).path("scaler").path("global");
    for (Object[] c : new Object[][] {{"a", a}, {"b", b}}) {
      double[] v = (double[]) c[1];
      double mean = java.util.Arrays.stream(v).average().orElseThrow();
      double sd = Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
      JsonNode p = g.path((String) c[0]);
      assertEquals(v.length, p.path("sampled").asLong(), c[0] + " sampled");
      assertEquals(mean, p.path("center").asDouble(), 1e-9, c[0] + " center");
      assertEquals(sd, p.path("scale").asDouble(), 1e-9, c[0] + " scale");
    }
  }

  @Test
  void shardsHoldTheExpectedWindowsWithTheirValuesAndMasks() throws Exception {
    String[][] expected = {
        {"A|1", "A|2", "A|3", "A|4", "B|1", "B|2", "B|3", "B|4"}, {"A|6"}, {"A|8"}};
    JsonNode g = ItSupport.manifest(out).path("scaler").path("global");
    double[][] params = {{g.path("a").path("center").asDouble(), g.path("a").path("scale").asDouble()},
        {g.path("b").path("center").asDouble(), g.path("b").path("scale").asDouble()}};
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      for (int s = 0; s < SPLITS.length; s++) {
        Set<String> got = new TreeSet<>();
        for (List<Object> r : duck.rows("SELECT series_key, epoch_ms(window_start), epoch_ms(forecast_start), past_a, "
            + "past_a_filled, past_b, past_b_filled, future_a, future_a_filled FROM "
            + ItSupport.parquetOf(ItSupport.shardFiles(out, SPLITS[s])))) {
          String series = (String) r.get(0);
          int start = month(((Number) r.get(1)).longValue());
          assertEquals(start + 3, month(((Number) r.get(2)).longValue()));
          got.add(series + "|" + start);
          Double[][] values = series.equals("A") ? A_VALUES : B_VALUES;
          checkList(series, "a", values[0], start, params[0], r.get(3), r.get(4), 3);
          checkList(series, "b", values[1], start, params[1], r.get(5), r.get(6), 3);
          checkList(series, "a", values[0], start + 3, params[0], r.get(7), r.get(8), 2);
        }
        assertEquals(new TreeSet<>(List.of(expected[s])), got, SPLITS[s]);
      }
    }
  }

  private static void checkList(String series, String col, Double[] values, int from, double[] p, Object list,
      Object mask, int len) throws Exception {
    double[] v = ItSupport.floats(list);
    boolean[] f = ItSupport.bools(mask);
    assertEquals(len, v.length);
    for (int t = 0; t < len; t++) {
      int m = from + t;
      Double want = values[m - 1];
      assertTrue(want != null, series + " " + col + m + " should not be in a window");
      assertEquals(want, v[t] * p[1] + p[0], 1e-4, series + " " + col + m);
      assertEquals(FILLED.get(series).contains(col + m), f[t], series + " " + col + m + " filled");
    }
  }

  /** Month number 1..12 of this data set (1 = 2021-03). */
  private static int month(long millis) {
    LocalDate d = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    assertEquals(1, d.getDayOfMonth());
    return (d.getYear() - 2021) * 12 + d.getMonthValue() - 3 + 1;
  }

  @Test
  void smallChunksChangeNothing() throws Exception {
    assertArrayEquals(Files.readAllBytes(out.resolve("quarantine/rows.jsonl")),
        Files.readAllBytes(chunked.resolve("quarantine/rows.jsonl")));
    List<String> files = ItSupport.allFiles(out);
    assertEquals(files, ItSupport.allFiles(chunked));
    for (String f : files) {
      if (f.endsWith(".parquet")) {
        assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(chunked.resolve(f)), f);
      }
    }
    JsonNode a = ItSupport.manifest(out);
    JsonNode b = ItSupport.manifest(chunked);
    assertEquals(a.path("counts"), b.path("counts"));
    assertEquals(a.path("scaler"), b.path("scaler"));
    assertEquals(1, b.path("config").path("input").path("chunk_points").asLong());
  }
}
