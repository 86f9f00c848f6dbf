package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus (issue #14 point 1): small input files under {@code src/test/resources/bad-input/}
 * (binary garbage is made here from a seed), each run through the real CLI ({@code shardcast prepare},
 * in-process, Direct runner) with its expected outcome: an exit code and the message a user sees, or
 * exit 0 with exact counts by quarantine reason and window split. Every run, whatever its end, prints
 * no stack trace, and every finished run's rows reconcile: read = windowed + unused + merged + quarantined.
 *
 * <p>All files hold series p and q, monthly 2021-01..2021-12 (clean.csv); the job windows past 2,
 * future 1, split train_end 2021-07-01, val_end 2021-10-01. A series with all 12 months has windows
 * starting at months 1..10 (forecast month s+2): train s=1..4, val s=5..7, test s=8..10. A missing
 * month m removes the windows starting at m-2..m. docs/reliability.md lists the cases.
 */
class BadInputCorpusTest {
  @TempDir static Path tmp;
  private static Path garbage;

  /** Expected outcome: an exit code and a message fragment, or exit 0 and counts. */
  record Case(String name, String file, String format, List<String> sets, int exit, String message,
      Map<String, Long> counts) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void makeGarbage() throws Exception {
    byte[] bytes = new byte[4096];
    new Random(14).nextBytes(bytes);
    garbage = tmp.resolve("garbage.bin");
    Files.write(garbage, bytes);
  }

  /** rows read, windowed, unused, quarantined; windows train, val, test; then reason=count pairs. */
  private static Map<String, Long> counts(long read, long windowed, long unused, long quarantined, long train, long val,
      long test, Object... reasons) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("rows_read", read);
    m.put("rows_windowed", windowed);
    m.put("rows_unused", unused);
    m.put("rows_quarantined", quarantined);
    m.put("windows_train", train);
    m.put("windows_val", val);
    m.put("windows_test", test);
    for (int i = 0; i < reasons.length; i += 2) {
      m.put("quarantined." + reasons[i], ((Number) reasons[i + 1]).longValue());
    }
    return m;
  }

  private static Case ok(String name, String file, Map<String, Long> counts) {
    return new Case(name, file, "csv", List.of(), 0, null, counts);
  }

  private static Case fails(String name, String file, String format, int exit, String message, String... sets) {
    return new Case(name, file, format, List.of(sets), exit, message, null);
  }

  static Stream<Case> cases() {
    Map<String, Long> clean = counts(24, 24, 0, 0, 8, 6, 6);
    return Stream.of(
        ok("clean", "clean.csv", clean),
        // A UTF-8 byte order mark (Excel's "CSV UTF-8") is not part of the first column's name.
        ok("utf8 bom", "bom.csv", clean),
        ok("crlf line ends", "crlf.csv", clean),
        // Rows shuffled (seeded): each series is sorted by time before windowing.
        ok("timestamps out of order", "out-of-order.csv", clean),
        // p 2021-04 with 2 fields, q 2021-04 with 4: each misses m4 (windows s=2..4 go).
        ok("wrong field counts", "wrong-field-counts.csv", counts(24, 22, 0, 2, 2, 6, 6, "wrong_field_count", 2)),
        // p m3 'abc', q m3 a date as the value, q m9 'March 2021' as the timestamp. p: windows s=4..10,
        // months 1-2 unused; q: s=4,5,6,10, months 1-2 unused.
        ok("wrong types", "wrong-types.csv",
            counts(24, 17, 4, 3, 2, 5, 4, "bad_number", 2, "bad_timestamp", 1)),
        // p m5 NaN, m6 Infinity, m7 -Infinity: not numbers. q m5 1e308, m6 -1e308: finite, but beyond the
        // shards' 32-bit floats. All bad_number: p keeps windows s=1,2,8..10, q s=1,2 (train), 7 (val), 8..10.
        ok("NaN, Inf, 1e308", "non-finite.csv", counts(24, 19, 0, 5, 4, 1, 6, "bad_number", 5)),
        // p m3 and q m5 twice: every row of a duplicated step is quarantined (input.duplicates: quarantine).
        ok("duplicate timestamps", "duplicates.csv",
            counts(26, 20, 2, 4, 3, 5, 6, "duplicate_timestamp", 4)),
        // p 2999-01, q 2099-12: read and kept on the grid, but no window reaches them (a gap of decades).
        ok("future timestamps", "future.csv", counts(26, 24, 2, 0, 8, 6, 6)),
        // Three rows with an empty key: ',', '""' and a key of spaces (cells are trimmed).
        ok("empty series key", "empty-key.csv", counts(27, 24, 0, 3, 8, 6, 6, "missing_key", 3)),
        fails("header only", "header-only.csv", "csv", 4,
            "error: no train and no val windows: the input has no data rows (1 file read)"),
        fails("empty file", "empty.csv", "csv", 4,
            "error: no train and no val windows: the input has no data rows (1 file read)"),
        fails("unbalanced quotes", "unbalanced-quotes.csv", "csv", 2, "error: input file {file} is not valid CSV: "
            + "(startline 19) EOF reached before encapsulated token finished (a quoted cell whose closing quote is missing)"),
        fails("missing configured column", "missing-column.csv", "csv", 2,
            "error: input file {file} has no column 'v'; its header is [id, date, value]"),
        fails("not csv (json lines)", "not-csv.json", "csv", 2, "error: input file {file} has no column 'id'; its header is"),
        fails("binary garbage as csv", "{garbage}", "csv", 2, "error: input file {file} is not UTF-8 text"),
        fails("binary garbage as parquet", "{garbage}", "parquet", 2,
            "error: input file {file} is not a Parquet file (input.format: parquet): "),
        fails("csv as parquet", "clean.csv", "parquet", 2, "error: input file {file} is not a Parquet file "
            + "(input.format: parquet): Expected magic number at tail, but found [53, 46, 48, 10]"),
        fails("misspelled config key", "clean.csv", "csv", 2, "error: unknown config key 'windowing.stirde'; allowed "
            + "here: future, lead, past, stride", "windowing.stirde=2"),
        fails("wrong config type", "clean.csv", "csv", 2, "error: config key 'windowing.past' must be an integer",
            "windowing.past=twelve"),
        fails("config pointing at a missing path", "clean.csv", "csv", 2,
            "error: config key 'input.path': file not found: /nope-14/data.csv", "input.path=/nope-14/data.csv"),
        fails("output inside the input folder", "clean.csv", "csv", 2, "error: config key 'shards.output' ({dir}/out) "
            + "lies inside a folder that config key 'input.path' ({dir}/*.csv) reads", "input.path={dir}/*.csv",
            "shards.output={dir}/out"),
        fails("output escaping its root", "clean.csv", "csv", 2, "error: config key 'shards.output' (out/../../x) "
            + "climbs above the working directory with '..'", "shards.output=out/../../x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void corpusCase(Case c) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(c.name().replaceAll("[^a-z0-9]+", "-")));
    Path input = c.file().equals("{garbage}") ? garbage : resource(c.file());
    if (String.join(" ", c.sets()).contains("{dir}")) {
      input = Files.copy(input, dir.resolve("data.csv")); // a case about the input's folder
    }
    Path out = dir.resolve("out");
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, String.join("\n",
        "name: corpus",
        "input:",
        "  path: " + input,
        "  format: " + c.format(),
        "  series_key: [id]",
        "  timestamp: {column: date, format: yyyy-MM-dd}",
        "  frequency: 1M",
        "  columns: [{name: v, type: double, target: true}]",
        "windowing: {past: 2, future: 1}",
        "split: {train_end: '2021-07-01', val_end: '2021-10-01'}",
        "shards: {batch_size: 4, seed: 1, output: " + out + "}",
        "runner: {name: direct, parallelism: 1}",
        ""));
    List<String> args = new ArrayList<>(List.of("prepare", job.toString()));
    for (String s : c.sets()) {
      args.add("--set");
      args.add(s.replace("{dir}", dir.toString()));
    }
    CliRun run = CliRun.of(Duration.ofSeconds(60), args.toArray(String[]::new));
    assertEquals(c.exit(), run.code(), run.all());
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "a stack trace:\n" + run.all());
    if (c.exit() != 0) {
      String expected = c.message().replace("{file}", input.toString()).replace("{dir}", dir.toString());
      String error = run.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
      assertTrue(error.startsWith(expected), "expected\n  " + expected + "\ngot\n" + run.all());
      assertFalse(Files.exists(out.resolve("manifest.json")), "a failed run leaves no manifest");
      return;
    }
    JsonNode m = ItSupport.manifest(out);
    for (Map.Entry<String, Long> e : c.counts().entrySet()) {
      assertEquals(e.getValue(), ItSupport.count(m, e.getKey()), e.getKey());
    }
    long byReason = 0;
    for (var it = m.path("counts").fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().startsWith("quarantined.")) {
        assertEquals(c.counts().get(e.getKey()), e.getValue().asLong(), "an unexpected quarantine reason " + e.getKey());
        byReason += e.getValue().asLong();
      }
    }
    long quarantined = ItSupport.count(m, "rows_quarantined");
    assertEquals(quarantined, byReason, "reasons add up");
    assertEquals(ItSupport.count(m, "rows_read"), ItSupport.count(m, "rows_windowed") + ItSupport.count(m, "rows_unused")
        + ItSupport.count(m, "rows_merged") + quarantined, "rows reconcile");
    assertEquals(quarantined, Files.readAllLines(out.resolve("quarantine/rows.jsonl")).size(), "one record a row");
    assertTrue(run.out().contains(String.format("rows quarantined  %,d", quarantined)), run.all());
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      String shards = ItSupport.parquetOf(ItSupport.allShardFiles(out));
      assertEquals(0, duck.oneLong("SELECT count(*) FROM (SELECT unnest(past_v) AS x FROM " + shards
          + " UNION ALL SELECT unnest(future_v) FROM " + shards + ") WHERE x IS NULL OR NOT isfinite(x)"),
          "every shard value finite");
      assertEquals(c.counts().get("windows_train") + c.counts().get("windows_val") + c.counts().get("windows_test"),
          duck.oneLong("SELECT count(*) FROM " + shards));
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(BadInputCorpusTest.class.getResource("/bad-input/" + name).toURI());
  }
}
