package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shared helpers for the pipeline integration tests: where the repository is, how to run a job into
 * a temp folder, and an independent reader for what the job wrote (DuckDB for Parquet, Jackson trees
 * for JSON, the JDK for hashes).
 */
final class ItSupport {
  static final String[] SPLITS = {"train", "val", "test"};
  static final ObjectMapper JSON = new ObjectMapper();

  private ItSupport() {}

  /** Surefire runs in the module folder (pipelines/); -Dshardcast.repo.root overrides. */
  static Path repoRoot() {
    String prop = System.getProperty("shardcast.repo.root");
    Path root = (prop != null ? Path.of(prop) : Path.of("..")).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(root.resolve("examples/txhousing/job.yaml")), "repo root not found at " + root);
    return root;
  }

  static Path demoJob() {
    return repoRoot().resolve("examples/txhousing/job.yaml");
  }

  static Path demoCsv() {
    return repoRoot().resolve("examples/txhousing/txhousing.csv");
  }

  /** The demo config with the input made absolute, the output moved to {@code out}, a global scaler. */
  static JobConfig demoConfig(Path out, String... extraOverrides) {
    List<String> overrides = new ArrayList<>();
    overrides.add("input.path=" + demoCsv());
    overrides.add("shards.output=" + out);
    // These tests check the scaler fit against their own global statistics; the demo fits per city.
    overrides.add("scaler.scope=global");
    overrides.add("quality.columns.series_id.reference.path=" + repoRoot().resolve("examples/txhousing/cities.csv"));
    overrides.addAll(List.of(extraOverrides));
    return ConfigLoader.load(demoJob(), overrides);
  }

  static ShardManifest run(JobConfig config) throws IOException {
    return PrepareJob.run(config, List.of());
  }

  private static Path demoBaseline;

  /**
   * The output of the unchanged demo job, run once per test JVM and shared by the classes that only
   * read it (a Direct-runner run of the demo costs 10-30 s). Deleted when the JVM exits.
   */
  static synchronized Path demoBaseline() throws IOException {
    if (demoBaseline == null) {
      Path dir = Files.createTempDirectory("shardcast-it-demo");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      Path out = dir.resolve("txhousing");
      run(demoConfig(out));
      demoBaseline = out;
    }
    return demoBaseline;
  }

  /** Copies a folder (an earlier run's output) so a test can run again on top of it. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** The demo CSV with {@code sales} multiplied by {@code factor} on the rows of {@code cities} (all when empty). */
  static Path scaledDemoCsv(Path dir, double factor, java.util.Set<String> cities) throws IOException {
    List<String> lines = Files.readAllLines(demoCsv());
    List<String> out = new ArrayList<>();
    out.add(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (!f[2].isEmpty() && !f[2].equals("NA") && (cities.isEmpty() || cities.contains(f[0]))) {
        f[2] = Double.toString(Double.parseDouble(f[2]) * factor);
      }
      out.add(String.join(",", f));
    }
    Path csv = dir.resolve("txhousing-scaled.csv");
    Files.write(csv, out);
    return csv;
  }

  /**
   * Two reports' column statistics: equal, numbers to rounding (means and stds are merged from runner
   * bundles in whatever order they finish).
   */
  static void assertSameStatistics(JsonNode a, JsonNode b, String at) {
    if (a.isNumber() && b.isNumber()) {
      double x = a.asDouble();
      assertEquals(x, b.asDouble(), Math.abs(x) * 1e-12, at);
      return;
    }
    if (a.isContainerNode()) {
      assertEquals(a.size(), b.size(), at);
      var names = a.fieldNames();
      if (a.isArray()) {
        for (int i = 0; i < a.size(); i++) {
          assertSameStatistics(a.get(i), b.get(i), at + "[" + i + "]");
        }
      }
      while (names.hasNext()) {
        String n = names.next();
        assertSameStatistics(a.get(n), b.path(n), at + "." + n);
      }
      return;
    }
    assertEquals(a, b, at);
  }

  /** Every shard file of every split. */
  static List<Path> allShardFiles(Path out) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String split : new String[] {"train", "val", "test"}) {
      files.addAll(shardFiles(out, split));
    }
    return files;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort, at JVM exit
    }
  }

  static JsonNode manifest(Path out) throws IOException {
    return JSON.readTree(out.resolve("manifest.json").toFile());
  }

  static long count(JsonNode manifest, String key) {
    JsonNode n = manifest.path("counts").path(key);
    return n.isMissingNode() ? 0 : n.asLong();
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The batch files on disk for one split, sorted by name. */
  static List<Path> shardFiles(Path out, String split) throws IOException {
    Path dir = out.resolve(split);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /** Every regular file under {@code dir}, as sorted relative paths with '/' separators. */
  static List<String> allFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  static String sqlPath(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  /**
   * The windows in the given shard files, one row per window with the window layout's columns
   * ({@code series_key, window_start, forecast_start, past_<c>[_filled], future_<t>[_filled]}, and
   * {@code source} with several sources) whatever the layout: {@code read_parquet} for window shards,
   * and for compact shards the documented gather (docs/shard-format.md) of each segment's windows,
   * in file, segment and window order. So every SQL check on windows checks both layouts.
   */
  static String parquetOf(List<Path> files) throws IOException {
    assertTrue(!files.isEmpty(), "no files to read");
    Path manifest = files.get(0).toAbsolutePath().getParent().getParent().resolve("manifest.json");
    JsonNode schema = Files.exists(manifest) ? JSON.readTree(manifest.toFile()).path("schema") : null;
    if (schema == null || !"compact".equals(schema.path("layout").asText())) {
      return rawParquetOf(files);
    }
    int past = schema.path("past").asInt();
    int futureAt = past + schema.path("lead").asInt();
    int future = schema.path("future").asInt();
    boolean masks = schema.path("fill_masks").asBoolean();
    StringBuilder sql = new StringBuilder("(SELECT series_key, \"time\"[o + 1] AS window_start, \"time\"[o + ")
        .append(futureAt + 1).append("] AS forecast_start");
    for (JsonNode c : schema.path("inputs")) {
      gather(sql, "past_" + c.asText(), "value_" + c.asText(), 1, past, masks);
    }
    for (JsonNode t : schema.path("targets")) {
      gather(sql, "future_" + t.asText(), "value_" + t.asText(), futureAt + 1, futureAt + future, masks);
    }
    boolean sources = false;
    for (JsonNode col : schema.path("columns")) {
      sources |= "source".equals(col.path("name").asText());
    }
    if (sources) {
      sql.append(", source[i] AS source");
    }
    return sql.append(" FROM (SELECT *, unnest(window_offset) AS o, unnest(range(1, len(window_offset) + 1)) AS i FROM ")
        .append(rawParquetOf(files).replace("])", "], filename = true, file_row_number = true)"))
        .append(") ORDER BY filename, file_row_number, i)").toString();
  }

  private static void gather(StringBuilder sql, String as, String column, int from, int to, boolean masks) {
    String range = "[o + " + from + " : o + " + to + "]";
    sql.append(", ").append(column).append(range).append(" AS ").append(as);
    if (masks) {
      sql.append(", ").append(column).append("_filled").append(range).append(" AS ").append(as).append("_filled");
    }
  }

  /** {@code read_parquet([...])} over the given files, as stored (segments for compact shards). */
  static String rawParquetOf(List<Path> files) {
    assertTrue(!files.isEmpty(), "no files to read");
    StringBuilder sb = new StringBuilder("read_parquet([");
    for (int i = 0; i < files.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(sqlPath(files.get(i)));
    }
    return sb.append("])").toString();
  }

  /** "series_key|window_start epoch ms" of every row in a split's shards, in file then row order. */
  static List<String> windowKeys(Duck duck, Path out, String split) throws IOException, SQLException {
    List<String> keys = new ArrayList<>();
    for (Path f : shardFiles(out, split)) {
      for (List<Object> r : duck.rows("SELECT series_key, epoch_ms(window_start) FROM " + parquetOf(List.of(f)))) {
        keys.add(r.get(0) + "|" + r.get(1));
      }
    }
    return keys;
  }

  /** A DuckDB in-memory database: the independent Parquet reader. */
  static final class Duck implements AutoCloseable {
    private final Connection conn;

    Duck() throws SQLException {
      conn = DriverManager.getConnection("jdbc:duckdb:");
    }

    List<List<Object>> rows(String sql) throws SQLException {
      List<List<Object>> out = new ArrayList<>();
      try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          out.add(row);
        }
      }
      return out;
    }

    Object one(String sql) throws SQLException {
      List<List<Object>> r = rows(sql);
      assertEquals(1, r.size(), "expected one row from " + sql);
      assertEquals(1, r.get(0).size(), "expected one column from " + sql);
      return r.get(0).get(0);
    }

    long oneLong(String sql) throws SQLException {
      return ((Number) one(sql)).longValue();
    }

    void execute(String sql) throws SQLException {
      try (Statement st = conn.createStatement()) {
        st.execute(sql);
      }
    }

    @Override
    public void close() throws SQLException {
      conn.close();
    }
  }

  /** Values of a DuckDB list column as doubles (FLOAT[] comes back as java.sql.Array). */
  static double[] floats(Object listValue) throws SQLException {
    Object[] arr = (Object[]) ((java.sql.Array) listValue).getArray();
    double[] out = new double[arr.length];
    for (int i = 0; i < arr.length; i++) {
      out[i] = ((Number) arr[i]).doubleValue();
    }
    return out;
  }

  static boolean[] bools(Object listValue) throws SQLException {
    Object[] arr = (Object[]) ((java.sql.Array) listValue).getArray();
    boolean[] out = new boolean[arr.length];
    for (int i = 0; i < arr.length; i++) {
      out[i] = (Boolean) arr[i];
    }
    return out;
  }
}
