package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.shard.ShardManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Yearly and quarterly data sets as published, end to end: a year column stored as a Parquet INTEGER
 * or BIGINT read with {@code format: yyyy}, and quarters "1992Q1" in a CSV file read with
 * {@code yyyy'Q'Q}. Every row lands on the grid, none is quarantined, and each split has windows at
 * the expected times. (Monthly "2000-01" with yyyy-MM runs end to end in NoWindowsTest.)
 */
class PeriodTimestampsPipelineTest {
  @TempDir Path tmp;

  private ShardManifest run(Path input, String format, String timestampFormat, String frequency, String split)
      throws Exception {
    Path out = tmp.resolve("out");
    String yaml = """
        name: periods
        input:
          path: %s
          format: %s
          series_key: [country]
          timestamp: {column: period, format: "%s"}
          frequency: %s
          columns: [{name: gdp, type: double, target: true}]
        windowing: {past: 5, future: 2}
        split: %s
        shards: {batch_size: 8, output: %s}
        """.formatted(input, format, timestampFormat, frequency, split, out);
    return ItSupport.run(ConfigLoader.loadYaml(yaml, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"INTEGER", "BIGINT"})
  void yearlyParquetIntegerColumn(String sqlType) throws Exception {
    Path parquet = tmp.resolve("gdp.parquet");
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      // 3 countries x 40 years, 1980 .. 2019, the year as a plain integer column.
      duck.execute("COPY (SELECT c AS country, CAST(y AS " + sqlType + ") AS period, CAST(100 + y - 1980 + c2 AS DOUBLE) AS gdp "
          + "FROM (SELECT unnest(['AT', 'BE', 'CH']) AS c, unnest([1, 2, 3]) AS c2), range(1980, 2020) t(y)) TO "
          + ItSupport.sqlPath(parquet) + " (FORMAT parquet)");
      String type = duck.rows("DESCRIBE SELECT period FROM read_parquet(" + ItSupport.sqlPath(parquet) + ")").get(0)
          .get(1).toString();
      assertEquals(sqlType, type);
    }
    ShardManifest m = run(parquet, "parquet", "yyyy", "1y", "{train_end: \"2005-01-01\", val_end: \"2012-01-01\"}");
    assertEquals(120, m.counts().get("rows_read"));
    assertEquals(0, m.counts().get("rows_quarantined"), m.quarantine().byReason().toString());
    // Forecasts (2 years) start 1985 (after 5 past years) .. 2018. The whole forecast in one split: train
    // starts 1985..2003, val 2005..2010, test 2012..2018; those starting 2004 and 2011 straddle a cut-off.
    assertEquals(3 * 19, m.splits().get("train").windows());
    assertEquals(3 * 6, m.splits().get("val").windows());
    assertEquals(3 * 7, m.splits().get("test").windows());
    assertEquals(3 * 2, m.counts().get("windows_straddling"));
    assertEquals(java.time.Instant.parse("1980-01-01T00:00:00Z").toEpochMilli(), m.counts().get("data_first_time_ms"));
  }

  @Test
  void quarterlyCsv() throws Exception {
    List<String> lines = new ArrayList<>(List.of("country,period,gdp"));
    for (String c : List.of("AT", "BE")) {
      for (int q = 0; q < 40; q++) { // 1990Q1 .. 1999Q4
        lines.add(c + "," + (1990 + q / 4) + "Q" + (q % 4 + 1) + "," + (50 + q));
      }
    }
    Path csv = Files.write(tmp.resolve("gdp.csv"), lines);
    ShardManifest m = run(csv, "csv", "yyyy'Q'Q", "3M", "{train_end: \"1995-01-01\", val_end: \"1997-07-01\"}");
    assertEquals(0, m.counts().get("rows_quarantined"), m.quarantine().byReason().toString());
    // Forecasts (2 quarters) start 1991Q2 .. 1999Q3: train starts up to 1994Q3 (14), val 1995Q1 .. 1997Q1 (9),
    // test 1997Q3 .. 1999Q3 (9); those starting 1994Q4 and 1997Q2 straddle a cut-off.
    assertEquals(2 * 14, m.splits().get("train").windows());
    assertEquals(2 * 9, m.splits().get("val").windows());
    assertEquals(2 * 9, m.splits().get("test").windows());
    assertEquals(2 * 2, m.counts().get("windows_straddling"));
    assertEquals(java.time.Instant.parse("1999-10-01T00:00:00Z").toEpochMilli(), m.counts().get("data_last_time_ms"));
  }
}
