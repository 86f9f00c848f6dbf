package dev.shardcast.training.data;

import ai.djl.ndarray.NDManager;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shards of a prepare output folder as training batches, one shard file = one batch.
 *
 * <p>Per split and epoch the manifest's shard list is read in the order {@link ShardOrder#of}
 * gives for (seed, epoch), so a run and its resumption see the same order on any JVM. Each shard
 * is read whole, checked against the manifest (size, SHA-256, row count) and decoded by
 * {@link ShardDecoder}; anything that does not match is refused with a {@link ShardReadException}
 * naming the file.
 *
 * <p>Prefetch: {@link #epoch} starts a background thread that hands the next shards, in order, into a
 * queue of at least {@code prefetch} batches and up to 64 MiB of them ({@link #queueCapacity}); a few worker threads (as many as cores, at most
 * {@code prefetch}) read and decode them ahead, so the training step does not wait on I/O or
 * decoding unless the reader falls behind; the time {@code next()} blocks is the data wait. A failure on that thread is
 * thrown by the {@code next()} that would have returned the failed shard. Each batch has its own
 * child manager of {@code parent}; the consumer closes it. Closing an iterator (or the reader) stops
 * its thread and closes the batches still queued. Memory in flight per open iterator: at most
 * max({@code prefetch} batches, 64 MiB) queued (a compact layout's chunk of batches, up to 4 MB, goes in
 * whole, so an empty queue may take one more than that), one batch being decoded, and the one the
 * consumer holds.
 *
 * <p>One thread consumes an iterator; several iterators (say train and val) may be open at once.
 */
public final class ShardReader implements BatchSource {
  private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);
  private static final long JOIN_MILLIS = 60_000;
  /** Decoded bytes an epoch's queue may hold beyond {@code prefetch} batches (see {@link #queueCapacity}). */
  static final long QUEUE_BYTES = 64L << 20;

  private final ShardStore store;
  private final ShardManifest manifest;
  private final int prefetch;
  private final long queueBytes;
  private final NDManager parent;
  private final BufferAllocator allocator;
  private final Path tempDir;
  private final ShardDecoder decoder;
  /** The compact layout's decoder and shuffle buffer; null for the window layout. */
  private final CompactDecoder compactDecoder;
  private final CompactPool compactPool;
  /** The host path's batch tensors, used again across batches and epochs; null unless compact on the host. */
  private final RecycledTensors recycled;
  /** Overrides where compact windows are gathered: {@code host}, {@code device} or {@code auto} (the default). */
  static final String GATHER_PROPERTY = "shardcast.compactGather";
  /** Decoded compact shards kept across epochs (see {@link SegmentCache}). */
  private final SegmentCache segmentCache;
  private final Set<EpochIterator> open = ConcurrentHashMap.newKeySet();
  /** Worker threads per epoch iterator that fetch and decode shards ahead (at most {@code prefetch}). */
  private final int decodeThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
  private volatile boolean closed;

  /**
   * @param store the prepare output folder; its {@code manifest.json} is read now
   * @param prefetch how many decoded batches may wait in the queue (>= 1)
   * @param parent the manager each batch's own manager is a child of (its device is the batches')
   */
  public ShardReader(ShardStore store, int prefetch, NDManager parent) throws IOException {
    this(store, prefetch, parent, SegmentCache.defaultBudget());
  }

  /** @param segmentCacheBytes how many heap bytes of decoded compact shards to keep across epochs */
  public ShardReader(ShardStore store, int prefetch, NDManager parent, long segmentCacheBytes) throws IOException {
    this(store, prefetch, parent, segmentCacheBytes, QUEUE_BYTES);
  }

  /** @param queueBytes decoded bytes an epoch's queue may hold beyond {@code prefetch} batches (tests: 0) */
  ShardReader(ShardStore store, int prefetch, NDManager parent, long segmentCacheBytes, long queueBytes)
      throws IOException {
    this.queueBytes = queueBytes;
    this.segmentCache = new SegmentCache(segmentCacheBytes);
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be >= 1, got " + prefetch);
    }
    this.store = store;
    this.prefetch = prefetch;
    this.parent = parent;
    this.manifest = readManifest(store);
    this.tempDir = Files.createTempDirectory("shardcast-shards-");
    // One allocator per reader: Arrow memory is bounded by the shards being decoded and is
    // accounted here, so a leak shows up as an error on close instead of growing silently.
    this.allocator = new RootAllocator();
    this.decoder = new ShardDecoder(manifest.schema(), allocator, tempDir);
    if (manifest.schema().compact()) {
      this.compactDecoder = new CompactDecoder(manifest.schema(), allocator, tempDir);
      ShardManifest.Schema s = manifest.schema();
      this.recycled = hostGather(parent) ? new RecycledTensors(parent, s.batchSize(),
          new int[] {s.inputs().size(), s.past(), s.targets().size(), s.future()}, outstandingBatches()) : null;
      this.compactPool = new CompactPool(s, compactDecoder.columns(), recycled);
    } else {
      this.compactDecoder = null;
      this.compactPool = null;
      this.recycled = null;
    }
  }

  /**
   * Where the compact layout's windows are gathered: on the host when the batches live on a CPU whose
   * tensors can be filled in place, on the device otherwise. {@value #GATHER_PROPERTY} = {@code host}
   * or {@code device} overrides it (tests compare both; {@code host} still needs a CPU).
   */
  private static boolean hostGather(NDManager parent) {
    String forced = System.getProperty(GATHER_PROPERTY, "auto");
    boolean can = CompactPool.canFillInPlace(parent);
    if (forced.equals("host") && !can) {
      throw new IllegalArgumentException(GATHER_PROPERTY + "=host needs batches on a CPU, not " + parent.getDevice());
    }
    return forced.equals("device") ? false : can;
  }

  /**
   * How many decoded batches may wait in an epoch's queue: at least {@code prefetch}, and as many more
   * as fit in {@link #QUEUE_BYTES} (at most the epoch's batches). Why more than a few: each batch the
   * consumer takes from a full queue wakes the producer, which on a busy machine often runs on the
   * consumer's core first, so the consumer waits out the building of a batch every step (on the
   * demo's tiny steps, 10-15 % of the time); a queue that holds the epoch lets the producer run ahead
   * once and finish.
   */
  int queueCapacity(int batches) {
    ShardManifest.Schema s = manifest.schema();
    int calendar = s.timeFeatures() == null ? 0 : 2 * s.timeFeatures().size() * (s.past() + s.future());
    long floats = (long) s.inputs().size() * s.past() + 2L * s.targets().size() * s.future() + calendar;
    long perBatch = Math.max(1, (long) Math.max(1, s.batchSize()) * (floats * Float.BYTES + 2 * Long.BYTES));
    return (int) Math.max(prefetch, Math.min(Math.max(1, batches), queueBytes / perBatch));
  }

  /**
   * How many of an epoch's batches can be out at once on the host path: a full queue, the chunks in
   * flight (two per fill thread) and a few the consumer holds. The recycled tensors keep no more.
   */
  private int outstandingBatches() {
    ShardManifest.Schema s = manifest.schema();
    long perWindow = (long) s.inputs().size() * s.past() + 2L * s.targets().size() * s.future();
    long perChunk = Math.max(1, CompactPool.CHUNK_VALUES / Math.max(1, perWindow * Math.max(1, s.batchSize())));
    return (int) Math.min(1 << 16, queueCapacity(Integer.MAX_VALUE) + 2L * decodeThreads * perChunk + 4);
  }

  private static ShardManifest readManifest(ShardStore store) throws IOException {
    ShardManifest m = ShardManifest.fromJson(store.readAll(ShardManifest.FILE_NAME));
    String where = store.describe() + "/" + ShardManifest.FILE_NAME;
    if (m.formatVersion() != ShardSchema.FORMAT_VERSION) {
      throw new IOException(where + " has format_version " + m.formatVersion() + ", this reader reads "
          + ShardSchema.FORMAT_VERSION);
    }
    if (m.schema() == null || m.splits() == null) {
      throw new IOException(where + " has no schema or no splits");
    }
    for (var e : m.splits().entrySet()) {
      List<ShardManifest.ShardFile> shards = e.getValue().shards();
      if (shards == null || shards.size() != e.getValue().shardCount()) {
        throw new IOException(where + ": split " + e.getKey() + " lists " + (shards == null ? 0 : shards.size())
            + " shards but shard_count is " + e.getValue().shardCount());
      }
    }
    return m;
  }

  /** How many compact shards are kept decoded for the next epochs. */
  public int cachedShards() {
    return segmentCache.size();
  }

  public ShardManifest manifest() {
    return manifest;
  }

  public int prefetch() {
    return prefetch;
  }

  @Override
  public int shardCount(String split) {
    return shards(split).size();
  }

  /** The split's shards in manifest order (the positions {@link #shardOrder} permutes). */
  public List<ShardManifest.ShardFile> shards(String split) {
    ShardManifest.Split s = manifest.splits().get(split);
    if (s == null) {
      throw new IllegalArgumentException("no split '" + split + "' in " + store.describe() + " (it has "
          + manifest.splits().keySet() + ")");
    }
    return s.shards();
  }

  /** This epoch's reading order, as positions into {@link #shards(String)}. */
  public int[] shardOrder(String split, long seed, int epoch) {
    return ShardOrder.of(shardCount(split), seed, epoch);
  }

  /**
   * Starts reading at once (the first shards are decoded while the caller gets ready). The caller
   * closes every batch it takes, and closes the iterator when it stops before the end.
   */
  @Override
  public EpochIterator epoch(String split, long seed, int epoch, int fromShard) {
    if (closed) {
      throw new IllegalStateException("shard reader on " + store.describe() + " is closed");
    }
    List<ShardManifest.ShardFile> shards = shards(split);
    if (fromShard < 0 || fromShard > shards.size()) {
      throw new IllegalArgumentException("fromShard " + fromShard + " is outside 0.." + shards.size()
          + " for split " + split);
    }
    EpochIterator it = new EpochIterator(split, seed, epoch, shards, ShardOrder.of(shards.size(), seed, epoch), fromShard);
    open.add(it);
    it.producer.start();
    return it;
  }

  /** Stops every open epoch, frees their queued batches and the reader's Arrow memory and temp files. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (EpochIterator it : new ArrayList<>(open)) {
      it.close();
    }
    try (Stream<Path> files = Files.walk(tempDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the reader's temp folder {}: {}", tempDir, e.toString());
    }
    if (recycled != null) {
      recycled.close();
    }
    allocator.close(); // last: it throws if any Arrow buffer leaked, and that should be loud
  }

  /** Arrow bytes currently held by this reader (0 when no shard is being decoded). */
  long arrowBytes() {
    return allocator.getAllocatedMemory();
  }

  /** A decoded batch, or the failure that takes its place in the queue. */
  private record Item(Batch batch, Throwable error) {}

  /** The batches of one epoch from a start position; blocking {@link #next()}, closeable. */
  public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
    private final String split;
    private final long seed;
    private final int epoch;
    private final List<ShardManifest.ShardFile> shards;
    private final int[] order;
    private final HandOffQueue<Item> queue;
    private final Thread producer;
    private int position; // next position in the order to hand out (consumer thread only)
    private volatile boolean done;

    private EpochIterator(String split, long seed, int epoch, List<ShardManifest.ShardFile> shards, int[] order,
        int from) {
      this.split = split;
      this.seed = seed;
      this.epoch = epoch;
      this.shards = shards;
      this.order = order;
      this.position = from;
      this.queue = new HandOffQueue<>(queueCapacity(order.length - from));
      this.producer = new Thread(() -> produce(from), "shardcast-prefetch-" + split + "-e" + epoch);
      this.producer.setDaemon(true); // never keeps the JVM alive on its own
    }

    /** The shard's bytes, read whole from the store. */
    private byte[] fetch(ShardManifest.ShardFile file) {
      try {
        return store.readAll(file.path());
      } catch (IOException e) {
        throw new ShardReadException(file.path(), "shard " + file.path() + " could not be read from "
            + store.describe() + ": " + e, e);
      }
    }

    /**
     * The epoch's batches (a {@link WindowProducer} or a {@link CompactProducer}); a failure goes to the
     * consumer in the place of the batch it cost.
     */
    private void produce(int from) {
      int workers = Math.max(1, Math.max(store.parallelFetches(), Math.min(prefetch, decodeThreads)));
      EpochProducer p = compactPool == null ? new WindowProducer(decoder, shards, order, parent)
          : new CompactProducer(manifest.schema(), compactDecoder, compactPool, segmentCache, shards, order, seed, epoch,
              parent);
      try {
        p.run(from, workers, producer.getName() + "-decode", this::fetch, this::hand, () -> done);
      } catch (Throwable t) {
        report(t);
      }
    }

    /** Queues a failure in place of the next batch, unless the iterator was closed (nobody is left to tell). */
    private void report(Throwable t) {
      if (!done) {
        try {
          queue.putAll(List.of(new Item(null, t)));
        } catch (InterruptedException ignored) {
          // closed meanwhile
        }
      }
    }

    /** Queues batches for the consumer, in order; false (the batches closed) when the iterator was closed. */
    private boolean hand(List<Batch> batches) {
      if (done) {
        batches.forEach(Batch::close);
        return false;
      }
      try {
        queue.putAll(batches.stream().map(b -> new Item(b, null)).toList());
        return true;
      } catch (InterruptedException e) { // close() interrupts a full queue's put
        batches.forEach(Batch::close);
        return false;
      }
    }

    @Override
    public boolean hasNext() {
      return !done && position < order.length;
    }

    /** Blocks until the next shard is decoded; the time spent here is the trainer's data wait. */
    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException(done ? "epoch iterator is closed" : "epoch of " + split + " is finished");
      }
      Item item;
      try {
        item = take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for the next shard of " + split);
      }
      if (item.error() != null) {
        close();
        Throwable t = item.error();
        if (t instanceof ShardReadException s) { // a new exception, so both threads' stacks show
          throw new ShardReadException(s.path(), s.getMessage(), s);
        }
        throw new IllegalStateException("reading shard " + shards.get(order[position]).path() + " failed: " + t, t);
      }
      position++;
      if (position == order.length) {
        open.remove(this);
      }
      return item.batch();
    }

    /** Waits for the queue, noticing a producer that ended without handing anything over. */
    private Item take() throws InterruptedException {
      while (true) {
        Item item = queue.poll(100, TimeUnit.MILLISECONDS);
        if (item != null) {
          return item;
        }
        if (done) { // closed by another thread (the reader's close) while this one waited
          throw new CancellationException("the epoch iterator of " + split + " was closed");
        }
        if (!producer.isAlive()) {
          item = queue.poll();
          if (item != null) {
            return item;
          }
          return new Item(null, new IllegalStateException("the prefetch thread ended early"));
        }
      }
    }

    /** Position in this epoch's order of the batch the next {@link #next()} returns. */
    public int position() {
      return position;
    }

    /** The shard order of this epoch (positions into the manifest's shard list). */
    public int[] order() {
      return order.clone();
    }

    /** Stops the prefetch thread and closes the batches it decoded that were not taken. */
    @Override
    public void close() {
      if (done) {
        return;
      }
      done = true;
      producer.interrupt();
      try {
        producer.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (producer.isAlive()) {
        LOG.warn("prefetch thread {} did not stop within {} ms", producer.getName(), JOIN_MILLIS);
      }
      for (Item item; (item = queue.poll()) != null; ) {
        if (item.batch() != null) {
          item.batch().close();
        }
      }
      open.remove(this);
    }

    Thread producerThread() {
      return producer;
    }
  }
}
