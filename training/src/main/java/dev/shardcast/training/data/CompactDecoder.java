package dev.shardcast.training.data;

import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Decodes one compact-layout shard (docs/shard-format.md) into its segments, after the same size and
 * SHA-256 check as {@link ShardDecoder}. Values are copied out of Arrow into Java arrays; the
 * windows are gathered from them later, when the reader has pooled several files. Only what the
 * trainer uses is read: the series, times, window offsets, stored values and the targets' masks.
 */
final class CompactDecoder {
  private static final AtomicLong TEMP_FILES = new AtomicLong();

  private final BufferAllocator allocator;
  private final Path tempDir;
  private final List<String> columns;
  private final boolean[] masked;
  private final String[] read;

  CompactDecoder(ShardManifest.Schema schema, BufferAllocator allocator, Path tempDir) {
    this.allocator = allocator;
    this.tempDir = tempDir;
    this.columns = new ShardSchema(schema.inputs(), schema.targets(), schema.past(), schema.future(),
        schema.fillMasks()).segmentColumns();
    this.masked = new boolean[columns.size()];
    List<String> cols = new ArrayList<>(List.of(ShardSchema.SERIES_KEY, ShardSchema.TIME, ShardSchema.WINDOW_OFFSET));
    for (int c = 0; c < columns.size(); c++) {
      cols.add(ShardSchema.valueColumn(columns.get(c)));
      if (schema.fillMasks() && schema.targets().contains(columns.get(c))) {
        masked[c] = true;
        cols.add(ShardSchema.filledColumn(ShardSchema.valueColumn(columns.get(c))));
      }
    }
    this.read = cols.toArray(String[]::new);
  }

  /** The segment columns, in the order of {@link WindowSegment#values}. */
  List<String> columns() {
    return columns;
  }

  List<WindowSegment> decode(ShardManifest.ShardFile file, byte[] bytes) {
    ShardDecoder.verify(file, bytes);
    Path tmp = tempDir.resolve("compact-" + TEMP_FILES.incrementAndGet() + ".parquet");
    try {
      Files.write(tmp, bytes);
      List<WindowSegment> out = read(file, tmp);
      long windows = out.stream().mapToLong(WindowSegment::windows).sum();
      if (windows != file.rows()) {
        throw new ShardReadException(file.path(), "shard " + file.path() + " has " + windows
            + " windows, the manifest says " + file.rows());
      }
      return out;
    } catch (ShardReadException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ShardReadException(file.path(), "shard " + file.path() + " could not be decoded: " + e, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the reader deletes its whole temp folder on close
      }
    }
  }

  private List<WindowSegment> read(ShardManifest.ShardFile file, Path tmp) throws IOException {
    List<WindowSegment> out = new ArrayList<>();
    try (BufferAllocator alloc = allocator.newChildAllocator(file.path(), 0, Long.MAX_VALUE);
        FileSystemDatasetFactory factory = new FileSystemDatasetFactory(alloc, NativeMemoryPool.getDefault(),
            FileFormat.PARQUET, tmp.toUri().toString());
        Dataset dataset = factory.finish();
        Scanner scanner = dataset.newScan(new ScanOptions(1 << 20, Optional.of(read)));
        ArrowReader reader = scanner.scanBatches()) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int i = 0; i < root.getRowCount(); i++) {
          out.add(segment(file, root, i));
        }
      }
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) { // Dataset and Scanner declare close() throws Exception
      throw new IOException(e);
    }
    return out;
  }

  private WindowSegment segment(ShardManifest.ShardFile file, VectorSchemaRoot root, int i) {
    FieldVector s = root.getVector(ShardSchema.SERIES_KEY);
    if (!(s instanceof VarCharVector keys) || keys.isNull(i)) {
      throw bad(file, ShardSchema.SERIES_KEY, "must be a string column without nulls, found " + (s == null ? null : s.getField()));
    }
    String series = new String(keys.get(i), StandardCharsets.UTF_8);
    ListVector timeList = list(file, root, ShardSchema.TIME);
    if (!(timeList.getDataVector() instanceof TimeStampVector ts)) {
      throw bad(file, ShardSchema.TIME, "must be list<timestamp>, found " + timeList.getField());
    }
    int from = timeList.getOffsetBuffer().getInt((long) i * ListVector.OFFSET_WIDTH);
    int points = timeList.getOffsetBuffer().getInt((long) (i + 1) * ListVector.OFFSET_WIDTH) - from;
    long[] times = new long[points];
    ArrowType.Timestamp unit = (ArrowType.Timestamp) ts.getField().getType();
    for (int p = 0; p < points; p++) {
      times[p] = millis(ts.get(from + p), unit);
    }
    ListVector offsetList = list(file, root, ShardSchema.WINDOW_OFFSET);
    if (!(offsetList.getDataVector() instanceof IntVector ints)) {
      throw bad(file, ShardSchema.WINDOW_OFFSET, "must be list<int32>, found " + offsetList.getField());
    }
    int of = offsetList.getOffsetBuffer().getInt((long) i * ListVector.OFFSET_WIDTH);
    int windows = offsetList.getOffsetBuffer().getInt((long) (i + 1) * ListVector.OFFSET_WIDTH) - of;
    int[] offsets = new int[windows];
    for (int k = 0; k < windows; k++) {
      offsets[k] = ints.get(of + k);
    }
    float[][] values = new float[columns.size()][];
    byte[][] filled = new byte[columns.size()][];
    for (int c = 0; c < columns.size(); c++) {
      String name = ShardSchema.valueColumn(columns.get(c));
      ListVector vl = list(file, root, name);
      if (!(vl.getDataVector() instanceof Float4Vector floats)) {
        throw bad(file, name, "must be list<float>, found " + vl.getField());
      }
      values[c] = new float[points];
      int vf = checkLength(file, name, vl, i, points);
      for (int p = 0; p < points; p++) {
        values[c][p] = floats.get(vf + p);
      }
      filled[c] = new byte[points];
      if (masked[c]) {
        String mask = ShardSchema.filledColumn(name);
        ListVector ml = list(file, root, mask);
        if (!(ml.getDataVector() instanceof BitVector bits)) {
          throw bad(file, mask, "must be list<bool>, found " + ml.getField());
        }
        int mf = checkLength(file, mask, ml, i, points);
        for (int p = 0; p < points; p++) {
          filled[c][p] = (byte) bits.get(mf + p);
        }
      }
    }
    int span = points; // every window must lie inside the segment's points
    for (int o : offsets) {
      if (o < 0 || o >= span) {
        throw bad(file, ShardSchema.WINDOW_OFFSET, "row " + i + " has offset " + o + " outside its " + points + " points");
      }
    }
    return new WindowSegment(series, 0, times, values, filled, offsets, null, 0);
  }

  private static int checkLength(ShardManifest.ShardFile file, String name, ListVector v, int i, int points) {
    int from = v.getOffsetBuffer().getInt((long) i * ListVector.OFFSET_WIDTH);
    int len = v.getOffsetBuffer().getInt((long) (i + 1) * ListVector.OFFSET_WIDTH) - from;
    if (len != points) {
      throw bad(file, name, "row " + i + " has " + len + " values, expected " + points);
    }
    return from;
  }

  private static ListVector list(ShardManifest.ShardFile file, VectorSchemaRoot root, String name) {
    FieldVector v = root.getVector(name);
    if (!(v instanceof ListVector l) || l.getNullCount() != 0) {
      throw bad(file, name, v == null ? "is missing" : "must be a list column without nulls, found " + v.getField());
    }
    return l;
  }

  private static long millis(long t, ArrowType.Timestamp type) {
    return switch (type.getUnit()) {
      case SECOND -> t * 1000;
      case MILLISECOND -> t;
      case MICROSECOND -> Math.floorDiv(t, 1000L);
      case NANOSECOND -> Math.floorDiv(t, 1_000_000L);
    };
  }

  private static ShardReadException bad(ShardManifest.ShardFile file, String column, String what) {
    return new ShardReadException(file.path(), "shard " + file.path() + ": column " + column + " " + what);
  }
}
