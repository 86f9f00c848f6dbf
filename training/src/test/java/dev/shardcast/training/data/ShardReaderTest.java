package dev.shardcast.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class ShardReaderTest {
  @TempDir static Path tmp;
  static ShardFixture fixture;
  static NDManager base;

  @BeforeAll
  static void setUp() throws IOException {
    fixture = ShardFixture.write(tmp.resolve("shards"));
    base = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    base.close();
  }

  private static ShardReader reader(Path dir, int prefetch) throws IOException {
    return new ShardReader(new LocalShardStore(dir), prefetch, base);
  }

  /** Reads a whole iterator, keeping plain copies of each batch (the batches are closed). */
  private static List<Plain> drain(ShardReader.EpochIterator it) {
    List<Plain> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          out.add(Plain.of(b));
        }
      }
    }
    return out;
  }

  record Plain(int index, String path, List<String> series, List<Long> ws, List<Long> fs, List<Integer> past,
      List<Integer> future, String pastShape) {
    static Plain of(Batch b) {
      return new Plain(b.shardIndex(), b.path(), List.of(b.series()), box(b.windowStart()), box(b.forecastStart()),
          boxBits(b.past().toFloatArray()), boxBits(b.future().toFloatArray()), b.past().getShape().toString());
    }

    private static List<Long> box(long[] v) {
      return Arrays.stream(v).boxed().toList();
    }

    private static List<Integer> boxBits(float[] v) {
      return Arrays.stream(DuckDbShards.bits(v)).boxed().toList();
    }
  }

  @Test
  void batchesEqualAnIndependentDuckDbReadAndTheWrittenValues() throws Exception {
    try (ShardReader r = reader(fixture.dir, 2); DuckDbShards duck = new DuckDbShards()) {
      ShardManifest.Schema schema = r.manifest().schema();
      for (String split : List.of("train", "val")) {
        int[] order = r.shardOrder(split, 5, 0);
        ShardReader.EpochIterator it = r.epoch(split, 5, 0, 0);
        int pos = 0;
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            ShardManifest.ShardFile file = r.shards(split).get(order[pos]);
            assertEquals(pos, b.shardIndex());
            assertEquals(file.path(), b.path());
            DuckDbShards.assertBatchEquals(duck.read(fixture.dir.resolve(file.path()), schema), b, schema);
            // ... and the values the fixture wrote, in the [B, inputs, past] / [B, targets, future] layout
            WindowBlock w = fixture.blocks.get(split).get(order[pos]);
            assertArrayEquals(DuckDbShards.bits(w.past), DuckDbShards.bits(b.past().toFloatArray()));
            assertArrayEquals(DuckDbShards.bits(w.future), DuckDbShards.bits(b.future().toFloatArray()));
            float[] observed = new float[w.futureFilled.length];
            for (int i = 0; i < observed.length; i++) {
              observed[i] = w.futureFilled[i] == 1 ? 0f : 1f;
            }
            assertArrayEquals(observed, b.futureObserved().toFloatArray(), "the target masks, inverted");
            assertEquals(b.future().getShape(), b.futureObserved().getShape());
            assertArrayEquals(w.series, b.series());
            assertArrayEquals(w.windowStart, b.windowStart());
            assertArrayEquals(w.forecastStart, b.forecastStart());
            assertEquals(file.rows(), b.past().getShape().get(0));
          }
          pos++;
        }
        assertEquals(r.shardCount(split), pos);
      }
      // the fixture has a partial last shard in each split, so both batch sizes were checked above
      assertEquals(3, r.shards("train").get(4).rows());
      assertEquals(2, r.shards("val").get(1).rows());
      assertEquals(0, r.arrowBytes(), "no Arrow memory held between shards");
    }
  }

  /**
   * The same check on a real prepare output, when one is named:
   * {@code -Dshardcast.test.shards=out/txhousing} (relative to the repository root).
   */
  @Test
  @EnabledIfSystemProperty(named = "shardcast.test.shards", matches = ".+")
  void aRealPrepareOutputEqualsDuckDb() throws Exception {
    Path dir = Path.of(System.getProperty("shardcast.test.shards"));
    if (!dir.isAbsolute() && !Files.exists(dir)) {
      dir = Path.of("..").resolve(dir); // Surefire runs in training/
    }
    long batches = 0;
    try (ShardReader r = reader(dir, 4); DuckDbShards duck = new DuckDbShards()) {
      ShardManifest.Schema schema = r.manifest().schema();
      for (String split : r.manifest().splits().keySet()) {
        ShardReader.EpochIterator it = r.epoch(split, 1, 0, 0);
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            DuckDbShards.assertBatchEquals(duck.read(dir.resolve(b.path()), schema), b, schema);
            batches++;
          }
        }
      }
    }
    assertTrue(batches > 0);
  }

  /**
   * The decoder relies on this: a tensor made from a direct buffer on the CPU is a view of that
   * memory (no copy), and {@code stack} (even of a single array) copies into a new tensor.
   */
  @Test
  void stackCopiesOutOfABufferView() {
    try (NDManager m = base.newSubManager()) {
      ByteBuffer buf = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
      buf.asFloatBuffer().put(new float[] {1, 2, 3, 4});
      NDArray view = m.create(buf, new Shape(2, 2), DataType.FLOAT32);
      NDArray stacked = NDArrays.stack(new NDList(view), 1);
      buf.putFloat(0, 99f);
      assertEquals(99f, view.toFloatArray()[0], "a view of the buffer");
      assertArrayEquals(new float[] {1, 2, 3, 4}, stacked.toFloatArray(), "a copy");
    }
  }

  @Test
  void shardOrderIsSeededPerEpochAndCoversEveryShardOnce() throws IOException {
    try (ShardReader a = reader(fixture.dir, 1); ShardReader b = reader(fixture.dir, 3)) {
      int[] e0 = a.shardOrder("train", 11, 0);
      assertArrayEquals(e0, b.shardOrder("train", 11, 0), "same (seed, epoch), another reader");
      assertNotEquals(Arrays.toString(e0), Arrays.toString(a.shardOrder("train", 11, 1)), "epochs differ");
      for (int epoch = 0; epoch < 20; epoch++) {
        int[] sorted = a.shardOrder("train", 11, epoch).clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, sorted, "a permutation");
      }
      List<String> paths = drain(a.epoch("train", 11, 0, 0)).stream().map(Plain::path).toList();
      List<String> expected = Arrays.stream(e0).mapToObj(i -> a.shards("train").get(i).path()).toList();
      assertEquals(expected, paths, "batches come in the shard order");
    }
    // Pinned: the order is a documented function of (n, seed, epoch), the same on every JVM. If this
    // changes, resumed runs would read a different order than the run they resume. Values from an
    // independent implementation of the class comment's pseudo-code (Python, 64-bit masked ints).
    assertArrayEquals(new int[] {5, 6, 3, 7, 2, 4, 1, 0, 8, 9}, ShardOrder.of(10, 42, 0));
    assertArrayEquals(new int[] {8, 3, 1, 7, 4, 5, 6, 9, 2, 0}, ShardOrder.of(10, 42, 1));
    assertArrayEquals(new int[] {2, 7, 4, 5, 6, 0, 3, 8, 1, 9}, ShardOrder.of(10, 43, 0));
    assertArrayEquals(new int[0], ShardOrder.of(0, 1, 0));
    assertArrayEquals(new int[] {0}, ShardOrder.of(1, 1, 0));
  }

  @Test
  void fromShardResumesWithTheSameRemainingOrder() throws IOException {
    try (ShardReader r = reader(fixture.dir, 2)) {
      List<Plain> whole = drain(r.epoch("train", 3, 7, 0));
      List<Plain> resumed = drain(r.epoch("train", 3, 7, 2));
      assertEquals(whole.subList(2, whole.size()), resumed);
      assertTrue(drain(r.epoch("train", 3, 7, 5)).isEmpty(), "resuming at the end: nothing left");
      assertThrows(IllegalArgumentException.class, () -> r.epoch("train", 3, 7, 6));
      assertThrows(IllegalArgumentException.class, () -> r.epoch("nope", 3, 7, 0));
    }
  }

  @Test
  void prefetchDepthDoesNotChangeTheBatches() throws IOException {
    try (ShardReader one = reader(fixture.dir, 1); ShardReader four = reader(fixture.dir, 4)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        assertEquals(drain(one.epoch("train", 9, epoch, 0)), drain(four.epoch("train", 9, epoch, 0)));
      }
    }
  }

  @Test
  void aTamperedShardIsRefusedWithItsName() throws IOException {
    Path copy = copyFixture("tampered");
    Path victim = copy.resolve("train/batch-000003.parquet");
    byte[] bytes = Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(victim, bytes);
    try (ShardReader r = reader(copy, 2)) {
      int[] order = r.shardOrder("train", 1, 0);
      int at = indexOf(order, 3);
      ShardReader.EpochIterator it = r.epoch("train", 1, 0, 0);
      for (int i = 0; i < at; i++) {
        it.next().close(); // the shards before it are fine
      }
      ShardReadException e = assertThrows(ShardReadException.class, it::next);
      String sha = fixture.manifest.splits().get("train").shards().get(3).sha256();
      assertTrue(e.getMessage().startsWith("shard train/batch-000003.parquet failed its SHA-256 check: expected "
          + sha + ", got "), e.getMessage());
      assertEquals("train/batch-000003.parquet", e.path());
      assertFalse(it.hasNext(), "the epoch ends at a refused shard");
      assertFalse(it.producerThread().isAlive());
      assertEquals(0, r.arrowBytes());
    }
  }

  @Test
  void aRowCountOrLengthOtherThanTheManifestsIsRefused() throws IOException {
    Path rows = copyFixture("rows");
    editManifest(rows, json -> json.replaceFirst("\"rows\" : 5,", "\"rows\" : 6,"));
    try (ShardReader r = reader(rows, 1)) {
      ShardReadException e = assertThrows(ShardReadException.class,
          () -> drain(r.epoch("train", 1, 0, 0)));
      assertTrue(e.getMessage().contains("shard train/batch-000000.parquet has 5 rows, the manifest says 6"),
          e.getMessage());
    }
    Path length = copyFixture("length");
    editManifest(length, json -> json.replace("\"past\" : 4,", "\"past\" : 5,"));
    try (ShardReader r = reader(length, 1)) {
      ShardReadException e = assertThrows(ShardReadException.class,
          () -> drain(r.epoch("val", 1, 0, 0)));
      assertTrue(e.getMessage().contains("column past_sales row 0 has 4 values, expected 5"), e.getMessage());
      assertEquals(0, r.arrowBytes());
    }
  }

  @Test
  void aMissingShardIsReportedOnNextWithItsName() throws IOException {
    Path copy = copyFixture("missing");
    Files.delete(copy.resolve("val/batch-000001.parquet"));
    try (ShardReader r = reader(copy, 3)) {
      ShardReadException e = assertThrows(ShardReadException.class, () -> drain(r.epoch("val", 2, 0, 0)));
      assertTrue(e.getMessage().startsWith("shard val/batch-000001.parquet could not be read"), e.getMessage());
    }
  }

  @Test
  void closingEarlyStopsThePrefetchThreadAndFreesQueuedBatches() throws Exception {
    NDManager parent = base.newSubManager();
    // a queue of exactly prefetch (2) batches, so that the producer blocks on it (by default it may hold
    // the whole small epoch and finish)
    try (ShardReader r = new ShardReader(new LocalShardStore(fixture.dir), 2, parent, SegmentCache.defaultBudget(), 0)) {
      ShardReader.EpochIterator it = r.epoch("train", 4, 0, 0);
      try (Batch first = it.next()) {
        assertEquals(0, first.shardIndex());
      }
      waitFor(() -> parent.getManagedArrays().size() >= 4, "the queue to fill (2 batches x 2 arrays)");
      Thread producer = it.producerThread();
      assertTrue(producer.isAlive(), "blocked on the full queue");
      it.close();
      assertFalse(producer.isAlive(), "close() stops the thread");
      assertEquals(List.of(), parent.getManagedArrays(), "queued batches are closed");
      assertFalse(it.hasNext());

      // The reader's close stops iterators the caller left open.
      ShardReader.EpochIterator left = r.epoch("val", 4, 0, 0);
      r.close();
      assertFalse(left.producerThread().isAlive());
      assertEquals(List.of(), parent.getManagedArrays());
      assertThrows(IllegalStateException.class, () -> r.epoch("val", 4, 0, 0));
    } finally {
      parent.close();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(10);
    }
  }

  private static int indexOf(int[] order, int shard) {
    for (int i = 0; i < order.length; i++) {
      if (order[i] == shard) {
        return i;
      }
    }
    throw new AssertionError("shard " + shard + " not in " + Arrays.toString(order));
  }

  private static Path copyFixture(String name) throws IOException {
    Path to = tmp.resolve(name);
    try (Stream<Path> files = Files.walk(fixture.dir)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(fixture.dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private static void editManifest(Path dir, UnaryOperator<String> edit) throws IOException {
    Path m = dir.resolve(ShardManifest.FILE_NAME);
    String before = Files.readString(m);
    String after = edit.apply(before);
    assertNotEquals(before, after, "the edit applies");
    Files.writeString(m, after);
  }
}
