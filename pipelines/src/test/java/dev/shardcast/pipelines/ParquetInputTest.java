package dev.shardcast.pipelines;

import static dev.shardcast.pipelines.ItSupport.SPLITS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo data as Parquet (written by DuckDB: DATE timestamps, BIGINT and DOUBLE values, NULLs for
 * the empty cells, several row groups, and columns the job does not name) must give exactly what the
 * CSV gives. One extra row off the monthly grid is quarantined and changes nothing else.
 */
class ParquetInputTest {
  @TempDir static Path tmp;
  private static Path parquet;
  private static Path csvOut;
  private static Path parquetOut;
  private static TxhousingOracle oracle;
  private static long offGridLine;

  @BeforeAll
  static void runBoth() throws Exception {
    parquet = tmp.resolve("txhousing.parquet");
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      // The brief's conversion, plus a junk column in front so columns are found by name, not position;
      // small row groups so the reader crosses row-group boundaries.
      // One more row, off the monthly grid: it must be quarantined and change nothing else.
      duck.execute("COPY (SELECT 3.5 AS first_junk, series_id, CAST(date AS DATE) AS date, sales, volume, median, "
          + "listings, inventory, 'junk' AS extra_col FROM read_csv(" + ItSupport.sqlPath(ItSupport.demoCsv()) + ") "
          + "UNION ALL BY NAME SELECT 'Waco' AS series_id, DATE '2009-05-15' AS date, 77::BIGINT AS sales) TO "
          + ItSupport.sqlPath(parquet) + " (FORMAT parquet, ROW_GROUP_SIZE 2048)");
      assertEquals(8603L, duck.oneLong("SELECT count(*) FROM read_parquet(" + ItSupport.sqlPath(parquet) + ")"));
      offGridLine = duck.oneLong("SELECT file_row_number + 1 FROM read_parquet(" + ItSupport.sqlPath(parquet)
          + ", file_row_number = true) WHERE date = DATE '2009-05-15'");
      assertTrue(duck.oneLong("SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" + ItSupport.sqlPath(parquet)
          + ")") > 1, "the Parquet input should have several row groups");
      assertEquals("DATE", duck.rows("DESCRIBE SELECT date FROM read_parquet(" + ItSupport.sqlPath(parquet) + ")")
          .get(0).get(1));
      assertTrue(duck.oneLong("SELECT count(*) FROM read_parquet(" + ItSupport.sqlPath(parquet)
          + ") WHERE median IS NULL") > 0, "empty cells should be NULLs");
    }
    csvOut = ItSupport.demoBaseline();
    parquetOut = tmp.resolve("from-parquet");
    ItSupport.run(ItSupport.demoConfig(parquetOut, "input.format=parquet", "input.path=" + parquet));
    oracle = new TxhousingOracle(ItSupport.demoCsv());
  }

  @Test
  void sameWindowsPerSplit() throws Exception {
    JsonNode fromCsv = ItSupport.manifest(csvOut);
    JsonNode fromParquet = ItSupport.manifest(parquetOut);
    for (int s = 0; s < SPLITS.length; s++) {
      assertEquals(oracle.windows(s), ItSupport.count(fromParquet, "windows_" + SPLITS[s]), SPLITS[s]);
      assertEquals(ItSupport.count(fromCsv, "windows_" + SPLITS[s]), ItSupport.count(fromParquet, "windows_" + SPLITS[s]));
    }
    for (String k : List.of("rows_windowed", "rows_unused", "series", "short_series")) {
      assertEquals(ItSupport.count(fromCsv, k), ItSupport.count(fromParquet, k), k);
    }
    assertEquals(8603, ItSupport.count(fromParquet, "rows_read"));
    assertEquals(1, ItSupport.count(fromParquet, "rows_quarantined"));
    assertEquals(1, ItSupport.count(fromParquet, "quarantined.off_frequency"));
    assertEquals(fromCsv.path("scaler"), fromParquet.path("scaler"), "the same scaler fit");
    assertEquals(parquet.toString(), fromParquet.path("inputs").get(0).path("path").asText());
  }

  @Test
  void byteIdenticalShards() throws Exception {
    int compared = 0;
    for (String split : SPLITS) {
      List<Path> a = ItSupport.shardFiles(csvOut, split);
      List<Path> b = ItSupport.shardFiles(parquetOut, split);
      assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList(), split);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), b.get(i).toString());
        compared++;
      }
      assertEquals(ItSupport.manifest(csvOut).path("splits").path(split),
          ItSupport.manifest(parquetOut).path("splits").path(split), split + " in the manifest");
    }
    long listed = 0;
    for (String split : SPLITS) {
      listed += ItSupport.manifest(csvOut).path("splits").path(split).path("shard_count").asLong();
    }
    assertEquals(listed, compared, "every shard of the manifest compared");
    assertTrue(compared > 50, "the demo has many shards: " + compared);
  }

  @Test
  void offGridRowIsQuarantinedWithItsRow() throws Exception {
    List<String> lines = Files.readAllLines(parquetOut.resolve("quarantine/rows.jsonl"));
    assertEquals(1, lines.size(), String.join("\n", lines));
    JsonNode r = ItSupport.JSON.readTree(lines.get(0));
    assertEquals(parquet.toString(), r.path("source").asText());
    assertEquals(offGridLine, r.path("line").asLong());
    assertEquals("off_frequency", r.path("reason").asText());
    assertEquals("date", r.path("column").asText());
    assertEquals("2009-05-15T00:00:00Z", r.path("value").asText());
    assertEquals("Waco", r.path("row").path("series_id").asText());
    assertEquals(77.0, Double.parseDouble(r.path("row").path("sales").asText()));
    assertTrue(r.path("row").path("median").isNull(), r.toString());
  }
}
