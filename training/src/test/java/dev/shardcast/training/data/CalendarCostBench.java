package dev.shardcast.training.data;

import ai.djl.ndarray.NDManager;
import dev.shardcast.transforms.config.Frequency;
import dev.shardcast.transforms.config.TimeFeature;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import dev.shardcast.transforms.shard.ShardWriter;
import dev.shardcast.transforms.core.WindowBlock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * How much calendar features cost the reader, computed from window_start (what shardcast does) or
 * stored in the shards (the alternative): windows/s of decoding 256-window shards of the demo's shape
 * (5 inputs, 1 target, past 24, future 6, monthly, feature month) plain, plus the computed channels,
 * and with the two channels stored as two more past columns and two more future columns; and the
 * shard bytes. Not a test (no assertion, not run by default): {@code mvn -o -pl training -am test
 * -Dtest=CalendarCostBench -Dsurefire.failIfNoSpecifiedTests=false}; numbers in docs/forecast-quality.md.
 */
class CalendarCostBench {
  private static final int BATCH = 256;
  private static final int PAST = 24;
  private static final int FUTURE = 6;
  private static final int ROUNDS = 200;

  @Test
  void decodeWindowsPerSecond() throws Exception {
    List<String> inputs = List.of("sales", "volume", "median", "listings", "inventory");
    List<String> stored = new ArrayList<>(inputs);
    stored.addAll(List.of("month_sin", "month_cos"));
    Path tmp = Files.createTempDirectory("calendar-bench");
    try (BufferAllocator alloc = new RootAllocator(); NDManager manager = NDManager.newBaseManager()) {
      Case plain = new Case("plain", inputs, List.of("sales"), null, alloc, tmp);
      Case computed = new Case("computed from window_start", inputs, List.of("sales"), List.of("month"), alloc, tmp);
      Case inShards = new Case("stored in the shards", stored, List.of("sales", "month_sin", "month_cos"), null, alloc, tmp);
      List<Case> cases = List.of(plain, computed, inShards);
      double[] best = new double[cases.size()];
      for (int rep = 0; rep < 6; rep++) { // interleaved, best of the passes: the machine is shared
        for (int k = 0; k < cases.size(); k++) {
          Case c = cases.get(k);
          long t0 = System.nanoTime();
          for (int i = 0; i < ROUNDS; i++) {
            try (Batch b = c.decoder.decode(c.file, c.bytes, i, manager)) {
              if (b.size() != BATCH) {
                throw new AssertionError();
              }
            }
          }
          best[k] = Math.max(best[k], ROUNDS * BATCH / ((System.nanoTime() - t0) / 1e9));
        }
      }
      for (int k = 0; k < cases.size(); k++) {
        System.out.printf("CALBENCH %-28s %,10.0f windows/s  %,8d bytes/shard%n", cases.get(k).name, best[k],
            cases.get(k).bytes.length);
      }
      CalendarFeatures cal = new CalendarFeatures(List.of(TimeFeature.MONTH), Frequency.parse("1M"), PAST, FUTURE);
      long[] starts = plain.block.windowStart;
      long[] forecasts = plain.block.forecastStart;
      double warm = 0;
      double cold = 0;
      for (int rep = 0; rep < 6; rep++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < ROUNDS * 10; i++) {
          cal.encode(starts, forecasts);
        }
        warm = Math.max(warm, ROUNDS * 10 * BATCH / ((System.nanoTime() - t0) / 1e9));
        t0 = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) { // a fresh cache per shard: every step computed once
          new CalendarFeatures(List.of(TimeFeature.MONTH), Frequency.parse("1M"), PAST, FUTURE).encode(starts, forecasts);
        }
        cold = Math.max(cold, ROUNDS * BATCH / ((System.nanoTime() - t0) / 1e9));
      }
      System.out.printf("CALBENCH %-28s %,10.0f windows/s%n", "encode, cached steps", warm);
      System.out.printf("CALBENCH %-28s %,10.0f windows/s%n", "encode, fresh cache", cold);
    }
  }

  private static final class Case {
    final String name;
    final WindowBlock block;
    final byte[] bytes;
    final ShardManifest.ShardFile file;
    final ShardDecoder decoder;

    Case(String name, List<String> inputs, List<String> targets, List<String> features, BufferAllocator alloc, Path tmp)
        throws Exception {
      this.name = name;
      ShardSchema schema = new ShardSchema(inputs, targets, PAST, FUTURE, false);
      block = WindowBlock.empty(BATCH, inputs.size(), PAST, targets.size(), FUTURE, false);
      Random rnd = new Random(1);
      Frequency monthly = Frequency.parse("1M");
      for (int w = 0; w < BATCH; w++) {
        block.series[w] = "city" + (w % 46);
        long step = monthly.step(946_684_800_000L) + rnd.nextInt(150); // 2000-01 + up to 150 months
        block.windowStart[w] = monthly.timeOf(step);
        block.forecastStart[w] = monthly.timeOf(step + PAST);
        block.order[w] = w;
      }
      for (int i = 0; i < block.past.length; i++) {
        block.past[i] = (float) rnd.nextGaussian();
      }
      for (int i = 0; i < block.future.length; i++) {
        block.future[i] = (float) rnd.nextGaussian();
      }
      bytes = ShardWriter.encode(schema, block);
      file = new ShardManifest.ShardFile("train/shard-00000.parquet", BATCH, bytes.length, ShardDecoder.sha256(bytes));
      ShardManifest.Schema ms = new ShardManifest.Schema(BATCH, PAST, FUTURE, 0, 1, "1M", inputs, targets, false,
          schema.describe(), "windows", null, null, features);
      decoder = new ShardDecoder(ms, alloc, tmp);
    }
  }
}
