package dev.shardcast.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Turns the bytes of one shard into a {@link Batch}: checks them against the manifest (size,
 * SHA-256), decodes them with Arrow's native Parquet reader, and copies each list&lt;float&gt;
 * column's value buffer into the batch's tensors without a Java object per value.
 *
 * <p>The native reader only reads files, so the verified bytes are written to a temporary file and
 * decoded from there: the bytes that were hashed are the bytes that are decoded, even if the shard
 * in the store changes meanwhile. Thread-safe; the reader's producer threads share one instance.
 */
final class ShardDecoder {
  private static final AtomicLong TEMP_FILES = new AtomicLong();

  private final ShardManifest.Schema schema;
  private final BufferAllocator allocator;
  private final Path tempDir;
  private final String[] columns;
  private final CalendarFeatures calendar; // null: no time_features

  ShardDecoder(ShardManifest.Schema schema, BufferAllocator allocator, Path tempDir) {
    this.schema = schema;
    this.allocator = allocator;
    this.tempDir = tempDir;
    this.calendar = CalendarFeatures.of(schema);
    List<String> cols = new ArrayList<>(List.of(ShardSchema.SERIES_KEY, ShardSchema.WINDOW_START,
        ShardSchema.FORECAST_START));
    schema.inputs().forEach(c -> cols.add(ShardSchema.pastColumn(c)));
    schema.targets().forEach(c -> cols.add(ShardSchema.futureColumn(c)));
    if (schema.fillMasks()) {
      // The targets' masks: the loss and the metrics skip filled target points. The inputs' masks
      // are not read: a filled input is what the model sees at forecast time too.
      schema.targets().forEach(c -> cols.add(ShardSchema.filledColumn(ShardSchema.futureColumn(c))));
    }
    this.columns = cols.toArray(String[]::new);
  }

  /** Refuses bytes that are not the file the manifest lists (a truncated, replaced or tampered shard). */
  static void verify(ShardManifest.ShardFile file, byte[] bytes) {
    if (bytes.length != file.bytes()) {
      throw new ShardReadException(file.path(), "shard " + file.path() + " has " + bytes.length
          + " bytes, the manifest says " + file.bytes());
    }
    String actual = sha256(bytes);
    if (!actual.equalsIgnoreCase(file.sha256())) {
      throw new ShardReadException(file.path(), "shard " + file.path() + " failed its SHA-256 check: expected "
          + file.sha256() + ", got " + actual);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Verifies and decodes one shard. The batch gets its own child manager of {@code parent}; on any
   * failure nothing stays allocated, neither tensors nor Arrow buffers.
   */
  Batch decode(ShardManifest.ShardFile file, byte[] bytes, int position, NDManager parent) {
    verify(file, bytes);
    Path tmp = tempDir.resolve("shard-" + TEMP_FILES.incrementAndGet() + ".parquet");
    NDManager manager = parent.newSubManager();
    try {
      Files.write(tmp, bytes);
      Batch batch = read(file, tmp, position, manager);
      if (batch.size() != file.rows()) {
        throw new ShardReadException(file.path(), "shard " + file.path() + " has " + batch.size()
            + " rows, the manifest says " + file.rows());
      }
      return batch;
    } catch (ShardReadException e) {
      manager.close();
      throw e;
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw new ShardReadException(file.path(), "shard " + file.path() + " could not be decoded: " + e, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the reader deletes its whole temp folder on close
      }
    }
  }

  private Batch read(ShardManifest.ShardFile file, Path tmp, int position, NDManager manager) throws IOException {
    // One child allocator per shard: closing it proves every Arrow buffer of this shard was released.
    try (BufferAllocator alloc = allocator.newChildAllocator(file.path(), 0, Long.MAX_VALUE);
        FileSystemDatasetFactory factory = new FileSystemDatasetFactory(alloc, NativeMemoryPool.getDefault(),
            FileFormat.PARQUET, tmp.toUri().toString())) {
      checkColumns(file, factory.inspect().getFields());
      // Batch size = the shard's rows so the (single) row group normally comes back as one record batch.
      long scanRows = Math.max(1, file.rows());
      List<NDArray> pastPieces = new ArrayList<>();
      List<NDArray> futurePieces = new ArrayList<>();
      List<NDArray> observedPieces = new ArrayList<>();
      int rows = (int) file.rows();
      String[] series = new String[rows];
      long[] windowStart = new long[rows];
      long[] forecastStart = new long[rows];
      int at = 0;
      try (Dataset dataset = factory.finish();
          Scanner scanner = dataset.newScan(new ScanOptions(scanRows, Optional.of(columns)));
          ArrowReader reader = scanner.scanBatches()) {
        while (reader.loadNextBatch()) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          int n = root.getRowCount();
          if (at + n > rows) {
            throw new ShardReadException(file.path(), "shard " + file.path() + " has more than the "
                + rows + " rows the manifest says");
          }
          keys(file, root, at, n, series, windowStart, forecastStart);
          pastPieces.add(stack(file, root, n, schema.inputs(), ShardSchema::pastColumn, schema.past(), manager));
          futurePieces.add(stack(file, root, n, schema.targets(), ShardSchema::futureColumn, schema.future(), manager));
          observedPieces.add(observed(file, root, n, manager));
          at += n;
        }
      } catch (RuntimeException | IOException e) {
        throw e;
      } catch (Exception e) { // Dataset and Scanner declare close() throws Exception
        throw new IOException(e);
      }
      if (at != rows) {
        throw new ShardReadException(file.path(), "shard " + file.path() + " has " + at
            + " rows, the manifest says " + rows);
      }
      NDArray past = join(pastPieces, new Shape(0, schema.inputs().size(), schema.past()), manager);
      NDArray future = join(futurePieces, new Shape(0, schema.targets().size(), schema.future()), manager);
      NDArray observed = join(observedPieces, new Shape(0, schema.targets().size(), schema.future()), manager);
      return new Batch(position, file.path(), manager, past, future, observed, series, windowStart, forecastStart,
          calendar == null ? null : calendar.tensor(manager, windowStart, forecastStart));
    }
  }

  private void checkColumns(ShardManifest.ShardFile file, List<Field> fields) {
    List<String> names = fields.stream().map(Field::getName).toList();
    for (String c : columns) {
      if (!names.contains(c)) {
        throw new ShardReadException(file.path(), "shard " + file.path() + " has no column " + c
            + " (it has " + names + ")");
      }
    }
  }

  private static void keys(ShardManifest.ShardFile file, VectorSchemaRoot root, int at, int n, String[] series,
      long[] windowStart, long[] forecastStart) {
    FieldVector s = root.getVector(ShardSchema.SERIES_KEY);
    if (!(s instanceof VarCharVector keys) || keys.getNullCount() != 0) {
      throw new ShardReadException(file.path(), "shard " + file.path() + ": column " + ShardSchema.SERIES_KEY
          + " must be a string column without nulls, found " + s.getField());
    }
    for (int i = 0; i < n; i++) {
      series[at + i] = new String(keys.get(i), StandardCharsets.UTF_8);
    }
    millis(file, root.getVector(ShardSchema.WINDOW_START), at, n, windowStart);
    millis(file, root.getVector(ShardSchema.FORECAST_START), at, n, forecastStart);
  }

  /** Epoch milliseconds, whatever unit the reader chose for the TIMESTAMP(MILLIS) column. */
  private static void millis(ShardManifest.ShardFile file, FieldVector v, int at, int n, long[] out) {
    if (!(v instanceof TimeStampVector ts) || ts.getNullCount() != 0) {
      throw new ShardReadException(file.path(), "shard " + file.path() + ": column " + v.getName()
          + " must be a timestamp column without nulls, found " + v.getField());
    }
    ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
    for (int i = 0; i < n; i++) {
      long t = ts.get(i);
      out[at + i] = switch (type.getUnit()) {
        case SECOND -> t * 1000;
        case MILLISECOND -> t;
        case MICROSECOND -> Math.floorDiv(t, 1000L);
        case NANOSECOND -> Math.floorDiv(t, 1_000_000L);
      };
    }
  }

  /**
   * [n, columns, len] from the per-column lists. Each column's values are one contiguous run of
   * n × len floats in its data buffer; a tensor is created over that memory without copying, and
   * {@code stack} copies it into a fresh tensor before the Arrow buffers go away. The views are
   * closed right after, so no tensor ever outlives the Arrow memory it points to.
   */
  private static NDArray stack(ShardManifest.ShardFile file, VectorSchemaRoot root, int n, List<String> names,
      java.util.function.UnaryOperator<String> column, int len, NDManager manager) {
    NDList views = new NDList(names.size());
    try {
      for (String name : names) {
        views.add(view(file, root.getVector(column.apply(name)), n, len, manager));
      }
      return NDArrays.stack(views, 1);
    } finally {
      views.close();
    }
  }

  private static NDArray view(ShardManifest.ShardFile file, FieldVector v, int n, int len, NDManager manager) {
    String where = "shard " + file.path() + ": column " + v.getName();
    if (!(v instanceof ListVector list) || !(list.getDataVector() instanceof Float4Vector values)) {
      throw new ShardReadException(file.path(), where + " must be list<float>, found " + v.getField());
    }
    if (list.getNullCount() != 0 || values.getNullCount() != 0) {
      throw new ShardReadException(file.path(), where + " has nulls");
    }
    ArrowBuf offsets = list.getOffsetBuffer();
    int start = offsets.getInt(0);
    for (int i = 0; i < n; i++) {
      int got = offsets.getInt((long) (i + 1) * ListVector.OFFSET_WIDTH) - offsets.getInt((long) i * ListVector.OFFSET_WIDTH);
      if (got != len) {
        throw new ShardReadException(file.path(), where + " row " + i + " has " + got + " values, expected " + len);
      }
    }
    ByteBuffer data = values.getDataBuffer().nioBuffer((long) start * Float.BYTES, n * len * Float.BYTES);
    return manager.create(data, new Shape(n, len), DataType.FLOAT32);
  }

  /** [n, targets, future]: 1 where a target point was observed, 0 where its _filled mask is true. */
  private NDArray observed(ShardManifest.ShardFile file, VectorSchemaRoot root, int n, NDManager manager) {
    int targets = schema.targets().size();
    int len = schema.future();
    Shape shape = new Shape(n, targets, len);
    if (!schema.fillMasks()) {
      return manager.ones(shape, DataType.FLOAT32);
    }
    float[] out = new float[n * targets * len];
    for (int t = 0; t < targets; t++) {
      FieldVector v = root.getVector(ShardSchema.filledColumn(ShardSchema.futureColumn(schema.targets().get(t))));
      String where = "shard " + file.path() + ": column " + v.getName();
      if (!(v instanceof ListVector list) || !(list.getDataVector() instanceof BitVector bits)) {
        throw new ShardReadException(file.path(), where + " must be list<bool>, found " + v.getField());
      }
      if (list.getNullCount() != 0 || bits.getNullCount() != 0) {
        throw new ShardReadException(file.path(), where + " has nulls");
      }
      ArrowBuf offsets = list.getOffsetBuffer();
      for (int i = 0; i < n; i++) {
        int from = offsets.getInt((long) i * ListVector.OFFSET_WIDTH);
        if (offsets.getInt((long) (i + 1) * ListVector.OFFSET_WIDTH) - from != len) {
          throw new ShardReadException(file.path(), where + " row " + i + " does not have " + len + " values");
        }
        for (int h = 0; h < len; h++) {
          out[(i * targets + t) * len + h] = bits.get(from + h) == 1 ? 0f : 1f;
        }
      }
    }
    return manager.create(out, shape);
  }

  private static NDArray join(List<NDArray> pieces, Shape empty, NDManager manager) {
    if (pieces.isEmpty()) {
      return manager.create(empty, DataType.FLOAT32);
    }
    if (pieces.size() == 1) {
      return pieces.get(0);
    }
    NDList list = new NDList(pieces);
    try {
      return NDArrays.concat(list, 0);
    } finally {
      list.close();
    }
  }
}
