package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent read of a shard with DuckDB (its own Parquet reader), laid out like a
 * {@link Batch}, to check the reader against. Row order is the file's, by {@code file_row_number}.
 */
final class DuckDbShards implements AutoCloseable {
  record Expected(String[] series, long[] windowStart, long[] forecastStart, float[] past, float[] future) {}

  private final Connection db;

  DuckDbShards() throws SQLException {
    db = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement st = db.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
  }

  Expected read(Path file, ShardManifest.Schema schema) throws SQLException {
    List<String> cols = new ArrayList<>();
    schema.inputs().forEach(c -> cols.add(ShardSchema.pastColumn(c)));
    schema.targets().forEach(c -> cols.add(ShardSchema.futureColumn(c)));
    String sql = "SELECT series_key, epoch_ms(window_start), epoch_ms(forecast_start), " + String.join(", ", cols)
        + " FROM read_parquet('" + file.toString().replace("'", "''") + "', file_row_number = true)"
        + " ORDER BY file_row_number";
    List<String> series = new ArrayList<>();
    List<Long> ws = new ArrayList<>();
    List<Long> fs = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    int ni = schema.inputs().size();
    int nt = schema.targets().size();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        series.add(rs.getString(1));
        ws.add(rs.getLong(2));
        fs.add(rs.getLong(3));
        float[] row = new float[ni * schema.past() + nt * schema.future()];
        int at = 0;
        for (int c = 0; c < ni + nt; c++) {
          Object[] list = (Object[]) rs.getArray(4 + c).getArray();
          assertEquals(c < ni ? schema.past() : schema.future(), list.length, cols.get(c) + " length");
          for (Object v : list) {
            row[at++] = (Float) v;
          }
        }
        rows.add(row);
      }
    }
    int n = rows.size();
    float[] past = new float[n * ni * schema.past()];
    float[] future = new float[n * nt * schema.future()];
    for (int r = 0; r < n; r++) {
      int split = ni * schema.past();
      System.arraycopy(rows.get(r), 0, past, r * split, split);
      System.arraycopy(rows.get(r), split, future, r * nt * schema.future(), nt * schema.future());
    }
    return new Expected(series.toArray(String[]::new), ws.stream().mapToLong(Long::longValue).toArray(),
        fs.stream().mapToLong(Long::longValue).toArray(), past, future);
  }

  /** Every value bit for bit (so -0.0 vs 0.0 or a changed NaN payload would fail too). */
  static void assertBatchEquals(Expected e, Batch b, ShardManifest.Schema schema) {
    int n = e.series().length;
    assertEquals(n, b.size(), b.path() + " rows");
    assertEquals(new ai.djl.ndarray.types.Shape(n, schema.inputs().size(), schema.past()), b.past().getShape());
    assertEquals(new ai.djl.ndarray.types.Shape(n, schema.targets().size(), schema.future()), b.future().getShape());
    assertArrayEquals(e.series(), b.series(), b.path() + " series");
    assertArrayEquals(e.windowStart(), b.windowStart(), b.path() + " window_start");
    assertArrayEquals(e.forecastStart(), b.forecastStart(), b.path() + " forecast_start");
    assertArrayEquals(bits(e.past()), bits(b.past().toFloatArray()), b.path() + " past");
    assertArrayEquals(bits(e.future()), bits(b.future().toFloatArray()), b.path() + " future");
  }

  static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
