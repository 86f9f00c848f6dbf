package dev.shardcast.pipelines.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user would do instead of shardcast's prepare for the flights job, in DuckDB (2 threads):
 * read the Parquet, drop rows without key, time or values, number each origin's events by (time,
 * file row), standard-scale on the training rows, make every past-32 / future-8 window with list
 * window functions, put each in the split holding its whole forecast, shuffle by a seeded hash and
 * write one Parquet file (row groups of the batch size). The same window counts as shardcast's are
 * asserted by the harness, so both sides do the same work.
 */
final class DuckDbPrepare {
  record Result(double seconds, Map<Integer, Long> windowsPerSplit, long bytes) {}

  private DuckDbPrepare() {}

  static Result run(Path input, Path output, int past, int future, String trainEndUtc, String valEndUtc, int batch, int threads)
      throws SQLException {
    // The events' TIMESTAMP column is UTC without a zone; compare with the cut-offs the same way.
    String trainEnd = trainEndUtc.replace("Z", "");
    String valEnd = valEndUtc.replace("Z", "");
    long t0 = System.nanoTime();
    Map<Integer, Long> counts = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads=" + threads);
      s.execute("SET TimeZone='UTC'");
      String in = "'" + input.toString().replace("'", "''") + "'";
      int last = past + future - 1;
      s.execute("CREATE TEMP TABLE ev AS SELECT origin, date, CAST(delay AS FLOAT) AS d, CAST(distance AS FLOAT) AS x, "
          + "row_number() OVER (PARTITION BY origin ORDER BY date, file_row_number) - 1 AS rn, "
          + "count(*) OVER (PARTITION BY origin) AS n FROM read_parquet(" + in + ", file_row_number=true) "
          + "WHERE origin IS NOT NULL AND origin <> '' AND date IS NOT NULL AND delay IS NOT NULL AND distance IS NOT NULL "
          + "AND isfinite(delay) AND isfinite(distance)");
      s.execute("CREATE TEMP TABLE st AS SELECT avg(d) AS md, stddev_pop(d) AS sd, avg(x) AS mx, stddev_pop(x) AS sx "
          + "FROM ev WHERE date < TIMESTAMP '" + trainEnd + "'");
      s.execute("CREATE TEMP TABLE w AS SELECT origin, rn, date AS window_start, lead(date, " + past + ") OVER o AS forecast_start, "
          + "lead(date, " + last + ") OVER o AS f_last, "
          + "list(CAST((d - md) / sd AS FLOAT)) OVER (o ROWS BETWEEN CURRENT ROW AND " + (past - 1) + " FOLLOWING) AS past_delay, "
          + "list(CAST((x - mx) / sx AS FLOAT)) OVER (o ROWS BETWEEN CURRENT ROW AND " + (past - 1) + " FOLLOWING) AS past_distance, "
          + "list(CAST((d - md) / sd AS FLOAT)) OVER (o ROWS BETWEEN " + past + " FOLLOWING AND " + last + " FOLLOWING) AS future_delay "
          + "FROM ev, st WINDOW o AS (PARTITION BY origin ORDER BY rn) QUALIFY rn + " + last + " < n");
      s.execute("CREATE TEMP TABLE ws AS SELECT *, CASE WHEN f_last < TIMESTAMP '" + trainEnd + "' THEN 0 "
          + "WHEN forecast_start >= TIMESTAMP '" + trainEnd + "' AND f_last < TIMESTAMP '" + valEnd + "' THEN 1 "
          + "WHEN forecast_start >= TIMESTAMP '" + valEnd + "' THEN 2 ELSE -1 END AS split FROM w");
      try (ResultSet rs = s.executeQuery("SELECT split, count(*) FROM ws WHERE split >= 0 GROUP BY split ORDER BY split")) {
        while (rs.next()) {
          counts.put(rs.getInt(1), rs.getLong(2));
        }
      }
      s.execute("COPY (SELECT origin AS series_key, window_start, forecast_start, past_delay, past_distance, future_delay "
          + "FROM ws WHERE split >= 0 ORDER BY split, hash(origin, rn, 42)) TO '" + output.toString().replace("'", "''")
          + "' (FORMAT parquet, ROW_GROUP_SIZE " + batch + ")");
    }
    return new Result((System.nanoTime() - t0) / 1e9, counts, output.toFile().length());
  }
}
