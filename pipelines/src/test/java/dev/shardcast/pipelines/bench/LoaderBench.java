package dev.shardcast.pipelines.bench;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.LocalShardStore;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.transforms.shard.ShardManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * P2: how fast windows get from the shards of one prepare output into tensors, on the train split.
 * <ul>
 *   <li>the shard reader (whole files, SHA-256 check, Arrow decode, prefetch 4), best of epochs 1-3;
 *   <li>a row-at-a-time random-access reader, the way a map-style dataset over Parquet rows reads:
 *       one query per window for its row, in a random order (DuckDB, one connection, warm cache);
 *   <li>the raw sequential read of the same files' bytes (warm cache, best of 5): the ceiling.
 * </ul>
 * Also the cost of the decoder's temporary-file copy of each verified shard.
 */
final class LoaderBench {
  record Result(double loaderPerS, double randomPerS, double rawPerS, double tempCopyMsPerShard) {}

  private LoaderBench() {}

  /** Windows/s of the shard reader over the train split (best of epochs 1-3: warm cache), any layout. */
  static double loaderRate(Path shards) throws Exception {
    // best of the 3 warm epochs, as the raw read's best of 5
    return loaderRates(shards).stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Windows/s of each of epochs 1-3 of one shard reader (epoch 0, which decodes, untimed). */
  static List<Double> loaderRates(Path shards) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    try (NDManager manager = NDManager.newBaseManager();
        ShardReader reader = new ShardReader(new LocalShardStore(shards), 4, manager)) {
      epoch(reader, 0);
      List<Double> rates = new java.util.ArrayList<>();
      for (int e = 1; e <= 3; e++) {
        long t0 = System.nanoTime();
        long windows = epoch(reader, e);
        rates.add(windows / ((System.nanoTime() - t0) / 1e9));
      }
      return rates;
    }
  }

  /** Windows/s of reading the train split's files' bytes whole, in order (warm cache, best of 5): the ceiling. */
  static double rawRate(Path shards) throws Exception {
    return rawRates(shards).stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Windows/s of each of 5 passes over the train split's files' bytes, after one that warms the page cache. */
  static List<Double> rawRates(Path shards) throws Exception {
    List<ShardManifest.ShardFile> files =
        ShardManifest.fromJson(Files.readAllBytes(shards.resolve(ShardManifest.FILE_NAME))).splits().get("train").shards();
    long total = files.stream().mapToLong(ShardManifest.ShardFile::rows).sum();
    for (ShardManifest.ShardFile f : files) { // warm the page cache, as the loader's first epoch did
      Files.readAllBytes(shards.resolve(f.path()));
    }
    List<Double> rates = new java.util.ArrayList<>(); // 5 passes: one pass of a few tens of MB is mostly noise
    for (int pass = 0; pass < 5; pass++) {
      long t0 = System.nanoTime();
      for (ShardManifest.ShardFile f : files) {
        Files.readAllBytes(shards.resolve(f.path()));
      }
      rates.add(total / ((System.nanoTime() - t0) / 1e9));
    }
    return rates;
  }

  /** The median of some rates. */
  static double median(List<Double> rates) {
    double[] sorted = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static Result run(Path shards, int randomWindows) throws Exception {
    double loader = loaderRate(shards);
    List<ShardManifest.ShardFile> files =
        ShardManifest.fromJson(Files.readAllBytes(shards.resolve(ShardManifest.FILE_NAME))).splits().get("train").shards();
    long total = files.stream().mapToLong(ShardManifest.ShardFile::rows).sum();

    long bytes = files.stream().mapToLong(ShardManifest.ShardFile::bytes).sum();
    double raw = rawRate(shards);
    long t0;

    Path tmp = Files.createTempDirectory("shardcast-copy-");
    t0 = System.nanoTime();
    for (ShardManifest.ShardFile f : files) {
      Path t = tmp.resolve("s.parquet");
      Files.write(t, Files.readAllBytes(shards.resolve(f.path())));
      Files.delete(t);
    }
    double copyAndRead = (System.nanoTime() - t0) / 1e6 / files.size();
    double readOnly = (bytes == 0 ? 0 : (total / raw) * 1000 / files.size());
    Files.delete(tmp);

    Random rnd = new Random(7);
    int n = Math.min(randomWindows, (int) total);
    t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads=1");
      for (int i = 0; i < n; i++) {
        ShardManifest.ShardFile f = files.get(rnd.nextInt(files.size()));
        long row = rnd.nextLong(f.rows());
        try (ResultSet rs = s.executeQuery("SELECT * EXCLUDE (file_row_number) FROM read_parquet('"
            + shards.resolve(f.path()) + "', file_row_number = true) WHERE file_row_number = " + row)) {
          rs.next();
          for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
            Object v = rs.getObject(col);
            if (v instanceof Array a) {
              a.getArray();
            }
          }
        }
      }
    }
    double random = n / ((System.nanoTime() - t0) / 1e9);
    return new Result(loader, random, raw, Math.max(0, copyAndRead - readOnly));
  }

  private static long epoch(ShardReader reader, int epoch) {
    long windows = 0;
    Iterator<Batch> it = reader.epoch("train", 7, epoch, 0);
    while (it.hasNext()) {
      try (Batch b = it.next()) {
        windows += b.size();
      }
    }
    return windows;
  }

}
