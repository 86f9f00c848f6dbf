package dev.shardcast.transforms.read;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.NumberText;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads a flat Parquet file column by column, one row group at a time, into primitive arrays. The
 * requested schema holds only the configured columns, so no other column is read or decoded.
 */
public final class ParquetSource {
  private ParquetSource() {}

  /** Opens a fresh channel each time the Parquet reader asks for a stream. */
  public interface ChannelOpener {
    SeekableByteChannel open() throws IOException;
  }

  /** A single-input job's file, with the job's quality rules. */
  public static long read(JobPlan plan, String source, ChannelOpener opener, RowSink sink) throws IOException {
    JobConfig.Source src = plan.sources().get(0);
    return read(plan, src, new RowChecks(plan, RuleSet.compile(plan), src), source, opener, sink);
  }

  /** @return the number of rows read (good and quarantined) */
  public static long read(JobPlan plan, JobConfig.Source src, RowChecks checks, String source, ChannelOpener opener,
      RowSink sink) throws IOException {
    return read(plan, src, checks, source, new ChannelInputFile(opener), sink);
  }

  /** A Beam channel as Parquet's InputFile (local files, or any file system Beam knows). */
  public static InputFile inputFile(ChannelOpener opener) {
    return new ChannelInputFile(opener);
  }

  /**
   * As above from any InputFile (an S3 object read by exact ranges: {@code S3InputFile}). Only the
   * configured columns' chunks are read: the reader is given the projection before the first row group.
   */
  public static long read(JobPlan plan, JobConfig.Source src, RowChecks checks, String source, InputFile file,
      RowSink sink) throws IOException {
    return read(plan, src, checks, source, file, -1, sink);
  }

  /**
   * Rows a read part holds at least (whole row groups, consecutive). A file's parts are read by
   * different workers: one large file no longer reads on one core while the others wait.
   */
  public static final long PART_ROWS = 100_000;

  /** How many parts {@link #read} splits this file into (1 for a file of fewer than 2 x PART_ROWS rows). */
  public static int partCount(InputFile file, String source) throws IOException {
    try (ParquetFileReader reader = open(file, source)) {
      return partStarts(reader.getRowGroups()).length - 1;
    }
  }

  /** The first row group of each part, then the number of row groups: parts are [starts[i], starts[i+1]). */
  static int[] partStarts(List<org.apache.parquet.hadoop.metadata.BlockMetaData> groups) {
    List<Integer> starts = new ArrayList<>();
    long rows = PART_ROWS;
    for (int g = 0; g < groups.size(); g++) {
      if (rows >= PART_ROWS) {
        starts.add(g);
        rows = 0;
      }
      rows += groups.get(g).getRowCount();
    }
    if (starts.size() > 1 && rows < PART_ROWS) {
      starts.remove(starts.size() - 1); // a short tail joins the part before it
    }
    if (starts.isEmpty()) {
      starts.add(0);
    }
    starts.add(groups.size());
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * As above, one part of the file ({@code part} -1: all of it). Row numbers ({@code line}) count
   * from the start of the file whatever the part, so quarantine records and the order of events that
   * share a timestamp do not depend on how the file was split.
   */
  public static long read(JobPlan plan, JobConfig.Source src, RowChecks checks, String source, InputFile file,
      int part, RowSink sink) throws IOException {
    JobConfig.Input in = plan.config().input();
    try (ParquetFileReader reader = open(file, source)) {
      List<org.apache.parquet.hadoop.metadata.BlockMetaData> groups = reader.getRowGroups();
      int[] starts = partStarts(groups);
      if (part >= starts.length - 1) {
        throw new IllegalArgumentException(source + " has " + (starts.length - 1) + " read parts, not part " + part);
      }
      int firstGroup = part < 0 ? 0 : starts[part];
      int endGroup = part < 0 ? groups.size() : starts[part + 1];
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      List<String> datasetNames = new ArrayList<>(in.seriesKey());
      datasetNames.add(in.timestamp().column());
      datasetNames.addAll(plan.valueColumns());
      int fixed = datasetNames.size();
      for (String col : checks.columns()) {
        if (!datasetNames.contains(col)) {
          datasetNames.add(col);
        }
      }
      List<String> wanted = CsvSource.mapped(src, datasetNames);
      List<Type> fields = new ArrayList<>();
      for (int w = 0; w < wanted.size(); w++) {
        String name = wanted.get(w);
        if (!fileSchema.containsField(name)) {
          List<String> columns = fileSchema.getFields().stream().map(Type::getName).toList();
          if (w >= fixed) {
            throw new dev.shardcast.transforms.config.ConfigException("config key 'quality.columns' names column '"
                + datasetNames.get(w) + "', but input file " + source + " has no column '" + name + "'; its columns are "
                + columns);
          }
          throw new dev.shardcast.transforms.config.ConfigException("input file " + source + " has no column '" + name
              + "'; its columns are " + columns);
        }
        Type t = fileSchema.getType(name);
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
          throw new dev.shardcast.transforms.config.ConfigException("input file " + source + ": column '" + name
              + "' is not a flat column");
        }
        fields.add(t);
      }
      MessageType projection = new MessageType(fileSchema.getName(), fields);
      reader.setRequestedSchema(projection);
      String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
      int keys = in.seriesKey().size();
      int width = plan.valueColumns().size();
      double[] values = new double[width];
      long rowBase = 0;
      for (int g = 0; g < firstGroup; g++) {
        rowBase += groups.get(g).getRowCount();
      }
      long firstRow = rowBase;
      for (int g = firstGroup; g < endGroup; g++) {
        PageReadStore group = reader.readRowGroup(g);
        int n = Math.toIntExact(group.getRowCount());
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(group, new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
        List<ColumnDescriptor> cols = projection.getColumns();
        String[][] keyText = new String[keys][];
        for (int k = 0; k < keys; k++) {
          keyText[k] = texts(store.getColumnReader(cols.get(k)), cols.get(k), n);
        }
        ColumnDescriptor tsCol = cols.get(keys);
        TimeColumn times = TimeColumn.read(store.getColumnReader(tsCol), tsCol, n, plan);
        double[][] vals = new double[width][];
        BitSet[] notFinite = new BitSet[width];
        for (int c = 0; c < width; c++) {
          notFinite[c] = new BitSet();
          vals[c] = doubles(store.getColumnReader(cols.get(keys + 1 + c)), cols.get(keys + 1 + c), n, source,
              notFinite[c]);
        }
        Map<String, String[]> extra = new java.util.HashMap<>();
        for (int e = fixed; e < datasetNames.size(); e++) {
          extra.put(datasetNames.get(e), texts(store.getColumnReader(cols.get(e)), cols.get(e), n));
        }
        for (int r = 0; r < n; r++) {
          long line = rowBase + r + 1;
          String series = key(keyText, r);
          int badColumn = firstSet(notFinite, r);
          if (series == null) {
            sink.quarantine(bad(source, line, QuarantineRecord.MISSING_KEY, in.seriesKey().get(0), null,
                "series key is empty", wanted, keyText, times, vals, notFinite, r));
          } else if (times.error[r] != null) {
            String reason = times.text(r) == null ? QuarantineRecord.MISSING_TIMESTAMP : QuarantineRecord.BAD_TIMESTAMP;
            sink.quarantine(bad(source, line, reason, tsCol.getPath()[0], times.text(r), times.error[r], wanted,
                keyText, times, vals, notFinite, r));
          } else if (badColumn >= 0) {
            // As CsvSource rejects "NaN" or "1e309": a stored NaN or infinity is a bad number, not a value.
            String column = cols.get(keys + 1 + badColumn).getPath()[0];
            sink.quarantine(bad(source, line, QuarantineRecord.BAD_NUMBER, column, Double.toString(vals[badColumn][r]),
                NumberText.finite(vals[badColumn][r]) ? NumberText.BEYOND_SHARDS : NumberText.NOT_FINITE, wanted, keyText,
                times, vals, notFinite, r));
          } else if (plan.frequency().isRegular() && plan.frequency().step(times.millis[r]) == Long.MIN_VALUE) {
            sink.quarantine(bad(source, line, QuarantineRecord.OFF_FREQUENCY, tsCol.getPath()[0], times.text(r),
                plan.frequency().describeOffGrid(times.millis[r]), wanted, keyText, times, vals, notFinite, r));
          } else {
            for (int c = 0; c < width; c++) {
              values[c] = vals[c][r];
            }
            int row = r;
            RowChecks.Failure failure = checks.check(col -> {
              String[] t = extra.get(col);
              if (t != null) {
                return t[row];
              }
              int at = datasetNames.indexOf(col);
              return at < 0 ? null : at < keys ? keyText[at][row] : at == keys ? times.text(row)
                  : valueText(cols.get(at), vals[at - keys - 1][row]);
            }, times.millis[r], values);
            if (failure != null) {
              QuarantineRecord q = bad(source, line, failure.ruleId(), failure.column(), failure.value(),
                  failure.message(), wanted, keyText, times, vals, notFinite, r);
              for (Map.Entry<String, String[]> e : extra.entrySet()) {
                q.row().put(e.getKey(), e.getValue()[r]);
              }
              sink.quarantine(q);
              continue;
            }
            sink.row(series, times.millis[r], line, values);
          }
        }
        rowBase += n;
      }
      return rowBase - firstRow;
    }
  }

  /**
   * Opens a file's footer. A file that is not Parquet (a CSV file, random bytes, a truncated upload)
   * stops the job with one line naming it, as a config error does: the job's input.format or
   * input.path is wrong for it. Errors of the store itself (a subclass of IOException) stay what they are.
   */
  static ParquetFileReader open(InputFile file, String source) throws IOException {
    try {
      return ParquetFileReader.open(file, ParquetReadOptions.builder().build());
    } catch (RuntimeException e) {
      if (e instanceof java.io.UncheckedIOException) {
        throw e;
      }
      throw notParquet(source, e);
    } catch (IOException e) {
      if (e.getClass() != IOException.class) {
        throw e;
      }
      throw notParquet(source, e);
    }
  }

  private static RuntimeException notParquet(String source, Exception e) {
    String why = String.valueOf(e.getMessage());
    int magic = why.indexOf("Expected magic number");
    return new dev.shardcast.transforms.config.ConfigException("input file " + source
        + " is not a Parquet file (input.format: parquet): " + (magic >= 0 ? why.substring(magic) : why));
  }

  /** The file's flat (primitive, non-repeated) top-level columns, in file order. */
  public static List<String> flatColumns(String source, ChannelOpener opener) throws IOException {
    try (ParquetFileReader reader = open(new ChannelInputFile(opener), source)) {
      return reader.getFooter().getFileMetaData().getSchema().getFields().stream()
          .filter(t -> t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED))
          .map(Type::getName).toList();
    }
  }

  /**
   * Reads some flat columns of a whole file as text, row by row (a reference table for the Accurate
   * checks); a null cell is the empty string, as in a CSV file.
   */
  public static void readTexts(String source, ChannelOpener opener, List<String> names,
      java.util.function.Consumer<String[]> row) throws IOException {
    try (ParquetFileReader reader = open(new ChannelInputFile(opener), source)) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      for (String name : names) {
        if (!fileSchema.containsField(name)) {
          throw new IllegalArgumentException("reference file " + source + " has no column '" + name + "'; its columns are "
              + fileSchema.getFields().stream().map(Type::getName).toList());
        }
        fields.add(fileSchema.getType(name));
      }
      MessageType projection = new MessageType(fileSchema.getName(), fields);
      reader.setRequestedSchema(projection);
      String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
      PageReadStore group;
      while ((group = reader.readNextRowGroup()) != null) {
        int n = Math.toIntExact(group.getRowCount());
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(group, new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
        String[][] cols = new String[names.size()][];
        for (int c = 0; c < cols.length; c++) {
          ColumnDescriptor d = projection.getColumns().get(c);
          cols[c] = texts(store.getColumnReader(d), d, n);
        }
        for (int r = 0; r < n; r++) {
          String[] out = new String[cols.length];
          for (int c = 0; c < cols.length; c++) {
            out[c] = cols[c][r] == null ? "" : cols[c][r];
          }
          row.accept(out);
        }
      }
    }
  }

  private static String key(String[][] keyText, int r) {
    if (keyText.length == 1) {
      return keyText[0][r] == null || keyText[0][r].isEmpty() ? null : keyText[0][r];
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < keyText.length; k++) {
      String part = keyText[k][r];
      if (part == null || part.isEmpty()) {
        return null;
      }
      sb.append(k == 0 ? "" : "/").append(part);
    }
    return sb.toString();
  }

  private static boolean present(ColumnReader cr, ColumnDescriptor d) {
    return cr.getCurrentDefinitionLevel() == d.getMaxDefinitionLevel();
  }

  /**
   * A column's values as the text a CSV file would hold: decimals with their scale, DATE as
   * yyyy-MM-dd, TIMESTAMP as an ISO instant, so key and rule texts do not depend on the format.
   */
  static String[] texts(ColumnReader cr, ColumnDescriptor d, int n) {
    String[] out = new String[n];
    PrimitiveType type = d.getPrimitiveType();
    PrimitiveType.PrimitiveTypeName t = type.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    int scale = logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec ? dec.getScale() : -1;
    for (int r = 0; r < n; r++) {
      if (present(cr, d)) {
        out[r] = switch (t) {
          case BINARY, FIXED_LEN_BYTE_ARRAY -> scale >= 0
              ? new java.math.BigDecimal(new java.math.BigInteger(cr.getBinary().getBytes()), scale).toPlainString()
              : cr.getBinary().toStringUsingUTF8();
          case INT32 -> scale >= 0 ? java.math.BigDecimal.valueOf(cr.getInteger(), scale).toPlainString()
              : logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
                  ? java.time.LocalDate.ofEpochDay(cr.getInteger()).toString() : Integer.toString(cr.getInteger());
          case INT64 -> scale >= 0 ? java.math.BigDecimal.valueOf(cr.getLong(), scale).toPlainString()
              : logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts ? instant(cr.getLong(), ts)
                  : Long.toString(cr.getLong());
          case BOOLEAN -> Boolean.toString(cr.getBoolean());
          case FLOAT -> Float.toString(cr.getFloat());
          case DOUBLE -> Double.toString(cr.getDouble());
          default -> throw new IllegalArgumentException("column '" + d.getPath()[0] + "' has Parquet type " + t
              + ", which shardcast cannot read as text (INT96 is a legacy timestamp: rewrite it as TIMESTAMP)");
        };
      }
      cr.consume();
    }
    return out;
  }

  private static String instant(long v, LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
    return switch (ts.getUnit()) {
      case MILLIS -> java.time.Instant.ofEpochMilli(v).toString();
      case MICROS -> java.time.Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000).toString();
      case NANOS -> java.time.Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L)).toString();
    };
  }

  /** A value column's number as text for the rules: integers without ".0", so type: long and allowed work as on CSV. */
  static String valueText(ColumnDescriptor d, double v) {
    if (Double.isNaN(v)) {
      return null;
    }
    PrimitiveType type = d.getPrimitiveType();
    boolean integral = (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
        || type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64)
        && !(type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation);
    if (integral) {
      return Long.toString((long) v);
    }
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * A value column as doubles, NaN where the cell is null. A stored value that is not finite (NaN,
   * ±Infinity in FLOAT or DOUBLE) is kept as is and marked in {@code notFinite}: it is a bad number.
   */
  static double[] doubles(ColumnReader cr, ColumnDescriptor d, int n, String source, BitSet notFinite) {
    double[] out = new double[n];
    PrimitiveType type = d.getPrimitiveType();
    double unscale = 1.0;
    if (type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec) {
      unscale = Math.pow(10, -dec.getScale());
    }
    for (int r = 0; r < n; r++) {
      if (!present(cr, d)) {
        out[r] = Double.NaN;
      } else {
        out[r] = switch (type.getPrimitiveTypeName()) {
          case DOUBLE -> cr.getDouble();
          case FLOAT -> cr.getFloat();
          case INT32 -> cr.getInteger() * unscale;
          case INT64 -> cr.getLong() * unscale;
          default -> throw new IllegalArgumentException("input file " + source + ": value column '" + d.getPath()[0]
              + "' has type " + type + "; numeric types are supported");
        };
        if (!NumberText.finite(out[r]) || !NumberText.fitsShards(out[r])) {
          notFinite.set(r);
        }
      }
      cr.consume();
    }
    return out;
  }

  /** The first value column whose value at row {@code r} is not finite, or -1. */
  private static int firstSet(BitSet[] notFinite, int r) {
    for (int c = 0; c < notFinite.length; c++) {
      if (notFinite[c].get(r)) {
        return c;
      }
    }
    return -1;
  }

  private static QuarantineRecord bad(String source, long line, String reason, String column, String value,
      String message, List<String> names, String[][] keys, TimeColumn times, double[][] vals, BitSet[] notFinite,
      int r) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int k = 0; k < keys.length; k++) {
      row.put(names.get(k), keys[k][r]);
    }
    row.put(names.get(keys.length), times.text(r));
    for (int c = 0; c < vals.length; c++) {
      // NaN is a null cell unless the file stored a NaN
      boolean empty = Double.isNaN(vals[c][r]) && !notFinite[c].get(r);
      row.put(names.get(keys.length + 1 + c), empty ? null : Double.toString(vals[c][r]));
    }
    return new QuarantineRecord(source, line, reason, column, value, message, row);
  }

  /** Parquet's InputFile over a Beam channel, so local and S3 files read the same way. */
  private static final class ChannelInputFile implements InputFile {
    private final ChannelOpener opener;
    private long length = -1;

    ChannelInputFile(ChannelOpener opener) {
      this.opener = opener;
    }

    @Override
    public long getLength() throws IOException {
      if (length < 0) {
        try (SeekableByteChannel ch = opener.open()) {
          length = ch.size();
        }
      }
      return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      SeekableByteChannel ch = opener.open();
      InputStream in = Channels.newInputStream(ch);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() throws IOException {
          return ch.position();
        }

        @Override
        public void seek(long pos) throws IOException {
          ch.position(pos);
        }
      };
    }
  }
}
