package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.LocalShardStore;
import dev.shardcast.training.data.ShardReadException;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shards.layout: compact} on the demo against the window layout of the same job: the same
 * windows (every value, mask and timestamp, read back through the trainer's reader), the same counts,
 * several times fewer bytes; byte-identical reruns; a reader whose epochs resume exactly at any batch
 * position and that refuses a modified shard; training on it is reproducible.
 */
class CompactLayoutTest {
  private static final String[] COMPACT = {"shards.layout=compact", "shards.segment_windows=8", "shards.shuffle_buffer=3",
      "scaler.scope=per_series"};
  @TempDir static Path tmp;
  private static Path windows;
  private static Path compact;
  private static Path compactFirst;
  private static ShardManifest compactManifest;
  private static NDManager manager;

  @BeforeAll
  static void prepare() throws Exception {
    windows = tmp.resolve("windows");
    ItSupport.run(ItSupport.demoConfig(windows, "shards.layout=windows", "scaler.scope=per_series"));
    compact = tmp.resolve("compact");
    ItSupport.run(ItSupport.demoConfig(compact, COMPACT));
    compactFirst = tmp.resolve("compact-first");
    ItSupport.copyTree(compact, compactFirst);
    compactManifest = ItSupport.run(ItSupport.demoConfig(compact, COMPACT));
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    if (manager != null) {
      manager.close();
    }
  }

  @Test
  void sameWindowsAndCountsAsTheWindowLayoutInFarFewerBytes() throws Exception {
    ShardManifest w = ShardManifest.fromJson(Files.readAllBytes(windows.resolve(ShardManifest.FILE_NAME)));
    assertEquals("compact", compactManifest.schema().layout());
    assertEquals("windows", w.schema().layout());
    Map<String, Long> counts = new TreeMap<>(compactManifest.counts());
    assertEquals(new TreeMap<>(w.counts()), counts, "the same rows, windows and shards per split");
    long compactBytes = 0;
    long windowBytes = 0;
    for (String split : ItSupport.SPLITS) {
      List<String> a = describeAll(windows, split, 0);
      List<String> b = describeAll(compact, split, 0);
      assertTrue(a.size() > 100, split + " has windows");
      assertEquals(a, b, split + ": the windows gathered from segments are the window layout's windows");
      compactBytes += compactManifest.splits().get(split).shards().stream().mapToLong(ShardManifest.ShardFile::bytes).sum();
      windowBytes += w.splits().get(split).shards().stream().mapToLong(ShardManifest.ShardFile::bytes).sum();
    }
    try (ItSupport.Duck duck = new ItSupport.Duck()) { // the documented SQL count of a split's windows
      assertEquals(compactManifest.splits().get("train").windows(), duck.oneLong("SELECT sum(len(window_offset)) FROM "
          + ItSupport.rawParquetOf(ItSupport.shardFiles(compact, "train"))));
    }
    System.out.printf("demo shard bytes: windows %,d, compact %,d (%.1fx smaller)%n", windowBytes, compactBytes,
        (double) windowBytes / compactBytes);
    assertTrue(compactBytes * 2 < windowBytes, "compact " + compactBytes + " vs windows " + windowBytes);
  }

  @Test
  void rerunsAreByteIdentical() throws IOException {
    List<String> files = ItSupport.allFiles(compactFirst);
    assertEquals(files, ItSupport.allFiles(compact));
    int shards = 0;
    for (String f : files) {
      if (f.endsWith(".parquet")) {
        shards++;
        assertEquals(ItSupport.sha256(compactFirst.resolve(f)), ItSupport.sha256(compact.resolve(f)), f);
      }
    }
    assertTrue(shards > 10, "shards compared: " + shards);
  }

  @Test
  void epochsResumeExactlyAtAnyBatchAndShuffleAcrossFiles() throws Exception {
    int batchSize = compactManifest.schema().batchSize();
    try (ShardReader r = new ShardReader(new LocalShardStore(compact), 2, manager)) {
      int n = r.shardCount("train");
      List<List<String>> full = batches(r, "train", 1, 0);
      assertEquals(n, full.size());
      int small = 0;
      Set<String> seen = new HashSet<>();
      for (List<String> b : full) {
        small += b.size() < batchSize ? 1 : 0;
        seen.addAll(b);
      }
      assertTrue(small <= 1, "at most one batch is smaller than batch_size");
      assertEquals(compactManifest.splits().get("train").windows(), seen.size(), "every window once per epoch");
      for (int from : new int[] {1, 2, 3, 4, n - 1}) {
        assertEquals(full.subList(from, n), batches(r, "train", 1, from), "epoch 1 resumed at batch " + from);
      }
      List<List<String>> second = batches(r, "train", 2, 0);
      assertNotEquals(full, second, "another epoch, another order");
      // Later epochs come from the decoded shards kept in memory, with the same batches as a reader
      // that keeps none and decodes every file every epoch.
      assertEquals(n, r.cachedShards(), "every train shard kept decoded");
      try (ShardReader uncached = new ShardReader(new LocalShardStore(compact), 2, manager, 0)) {
        assertEquals(full, batches(uncached, "train", 1, 0), "epoch 1 without the cache");
        assertEquals(second, batches(uncached, "train", 2, 0), "epoch 2 without the cache");
        assertEquals(0, uncached.cachedShards());
      }
      // The shuffle buffer mixes files: a batch holds windows of many series, not one file's run.
      Set<String> series = new HashSet<>();
      full.get(0).forEach(d -> series.add(d.substring(0, d.indexOf('|'))));
      assertTrue(series.size() > 10, "series in the first batch: " + series.size());
    }
  }

  @Test
  void theHostFillAndTheDeviceGatherGiveTheSameBatches() throws Exception {
    // Batches on a CPU are filled on the host (CompactPool.hostBatches); on a GPU they are gathered on
    // the device (DeviceGather). The device path runs here on the CPU when forced. The host path
    // writes into the tensors of batches already closed (RecycledTensors). Both with the demo's
    // filled-gap masks and without masks (nothing filled: every target point observed).
    List<String> o = new ArrayList<>(List.of(COMPACT));
    o.add("gaps.policy=none");
    Path noGaps = tmp.resolve("compact-no-gaps");
    ShardManifest noMasks = ItSupport.run(ItSupport.demoConfig(noGaps, o.toArray(String[]::new)));
    assertTrue(compactManifest.schema().fillMasks());
    assertTrue(!noMasks.schema().fillMasks());
    for (Path dir : List.of(compact, noGaps)) {
      List<List<String>> host;
      List<List<String>> device;
      try (ShardReader r = new ShardReader(new LocalShardStore(dir), 2, manager)) {
        batches(r, "train", 2, 0); // so that epoch 3 is written into tensors epoch 2's batches gave back
        host = batches(r, "train", 3, 0);
      }
      String property = "shardcast.compactGather";
      System.setProperty(property, "device");
      try (ShardReader r = new ShardReader(new LocalShardStore(dir), 2, manager)) {
        device = batches(r, "train", 3, 0);
      } finally {
        System.clearProperty(property);
      }
      assertTrue(host.size() > 5, dir + ": batches " + host.size());
      assertEquals(host, device, dir + ": the same windows, values and order either way");
    }
  }

  @Test
  void aModifiedShardIsRefusedByName() throws Exception {
    Path copy = tmp.resolve("tampered");
    ItSupport.copyTree(compact, copy);
    String path = compactManifest.splits().get("val").shards().get(0).path();
    byte[] bytes = Files.readAllBytes(copy.resolve(path));
    bytes[bytes.length / 2] ^= 1;
    Files.write(copy.resolve(path), bytes);
    try (ShardReader r = new ShardReader(new LocalShardStore(copy), 2, manager)) {
      ShardReadException e = assertThrows(ShardReadException.class, () -> batches(r, "val", 0, 0));
      assertTrue(e.getMessage().contains(path) && e.getMessage().contains("SHA-256"), e.getMessage());
    }
  }

  @Test
  void trainingOnCompactShardsIsReproducible() throws IOException {
    List<Double> curves = new ArrayList<>();
    for (String run : List.of("a", "b")) {
      Path out = tmp.resolve("train-" + run);
      ItSupport.copyTree(compact, out);
      List<String> o = new ArrayList<>(List.of(COMPACT));
      o.add("train.epochs=3");
      JobConfig job = ItSupport.demoConfig(out, o.toArray(String[]::new));
      TrainJob.Outcome outcome = TrainJob.run(job, false, null);
      outcome.result().epochs().forEach(e -> curves.add(e.trainLoss()));
      outcome.result().epochs().forEach(e -> curves.add(e.valLoss()));
    }
    assertEquals(curves.subList(0, curves.size() / 2), curves.subList(curves.size() / 2, curves.size()),
        "the same loss curves");
    assertTrue(curves.stream().allMatch(Double::isFinite), curves.toString());
  }

  /** Every batch of one epoch, each as its windows' descriptions. */
  private static List<List<String>> batches(ShardReader r, String split, int epoch, int from) {
    List<List<String>> out = new ArrayList<>();
    ShardReader.EpochIterator it = r.epoch(split, 11, epoch, from);
    try (it) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          out.add(describe(b));
        }
      }
    }
    return out;
  }

  private static List<String> describeAll(Path dir, String split, int epoch) throws IOException {
    List<String> out = new ArrayList<>();
    try (ShardReader r = new ShardReader(new LocalShardStore(dir), 2, manager)) {
      batches(r, split, epoch, 0).forEach(out::addAll);
    }
    out.sort(null);
    return out;
  }

  private static List<String> describe(Batch b) {
    float[] past = b.past().toFloatArray();
    float[] future = b.future().toFloatArray();
    float[] observed = b.futureObserved().toFloatArray();
    int n = b.size();
    int ps = past.length / Math.max(1, n);
    int fs = future.length / Math.max(1, n);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.series()[i] + "|" + b.windowStart()[i] + "|" + b.forecastStart()[i] + "|"
          + Arrays.toString(Arrays.copyOfRange(past, i * ps, (i + 1) * ps)) + "|"
          + Arrays.toString(Arrays.copyOfRange(future, i * fs, (i + 1) * fs)) + "|"
          + Arrays.toString(Arrays.copyOfRange(observed, i * fs, (i + 1) * fs)));
    }
    return out;
  }
}
