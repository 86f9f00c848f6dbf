package dev.shardcast.transforms.quality;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.shardcast.transforms.core.NumberText;
import dev.shardcast.transforms.read.ParquetSource;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A reference data set for the Accurate checks: a CSV file with a header (or a Parquet file, by its
 * {@code .parquet} extension), read once per JVM and
 * per (path, columns) through Beam's FileSystems (so local or object-store paths). Reference tables
 * are small by nature (cities, sensors, a trusted extract): they are held in memory.
 */
public final class ReferenceData {
  private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

  private ReferenceData() {}

  /** The set of values of {@code column}. */
  @SuppressWarnings("unchecked")
  public static Set<String> keys(String path, String column) {
    return (Set<String>) CACHE.computeIfAbsent("keys\u0000" + version(path) + "\u0000" + column, k -> {
      Set<String> out = new HashSet<>();
      read(path, List.of(column), (rec, where) -> out.add(rec[0]));
      return out;
    });
  }

  /**
   * {@code keyColumns} joined with U+0000 → the number in {@code valueColumn}. Rows with an empty (or
   * {@code NA}) value are skipped, as a numeric rule column reads them; any other value must be a
   * number by {@link NumberText}, or the table is refused, naming the file, line and value.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Double> values(String path, List<String> keyColumns, String valueColumn) {
    return (Map<String, Double>) CACHE.computeIfAbsent(
        "values\u0000" + version(path) + "\u0000" + keyColumns + "\u0000" + valueColumn, k -> {
          Map<String, Double> out = new HashMap<>();
          List<String> cols = new java.util.ArrayList<>(keyColumns);
          cols.add(valueColumn);
          read(path, cols, (rec, where) -> {
            String v = rec[rec.length - 1];
            if (v.isEmpty() || v.equals("NA")) {
              return;
            }
            double number = NumberText.parse(v);
            if (Double.isNaN(number)) {
              throw new IllegalArgumentException("reference file " + path + ", " + where + ", column '" + valueColumn
                  + "': '" + v + "' is " + NumberText.problem(v));
            }
            out.put(String.join("\u0000", java.util.Arrays.copyOf(rec, rec.length - 1)), number);
          });
          return out;
        });
  }

  /**
   * The cache key of a file: its path, size and modification time, so a long-lived JVM (a service, a
   * test run) reads a reference table again after it changed. Rules look a table up once per input file.
   */
  private static String version(String path) {
    return stat(path);
  }

  private static String stat(String path) {
    try {
      var m = FileSystems.matchSingleFileSpec(path);
      return path + "\u0000" + m.sizeBytes() + "\u0000" + m.lastModifiedMillis();
    } catch (IOException e) {
      return path; // a missing file fails in read(), with its own message
    }
  }

  /** One row of a reference table, and where it is in the file ("line 3" in CSV, "row 2" in Parquet). */
  private interface RowConsumer {
    void accept(String[] row, String where);
  }

  private static void read(String path, List<String> columns, RowConsumer row) {
    if (path.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
      try {
        var id = FileSystems.matchSingleFileSpec(path).resourceId();
        long[] at = {0};
        ParquetSource.readTexts(path, () -> (java.nio.channels.SeekableByteChannel) FileSystems.open(id), columns,
            rec -> row.accept(rec, "row " + ++at[0]));
        return;
      } catch (java.io.FileNotFoundException e) {
        throw new IllegalArgumentException("reference file not found: " + path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read reference file " + path, e);
      }
    }
    try (Reader reader = Channels.newReader(
            FileSystems.open(FileSystems.matchSingleFileSpec(path).resourceId()), StandardCharsets.UTF_8);
        CSVParser parser = dev.shardcast.transforms.read.CsvSource.parser(reader)) {
      List<String> header = parser.getHeaderNames();
      int[] idx = new int[columns.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = header.indexOf(columns.get(i));
        if (idx[i] < 0) {
          throw new IllegalArgumentException("reference file " + path + " has no column '" + columns.get(i)
              + "'; its header is " + header);
        }
      }
      long lineBefore = parser.getCurrentLineNumber();
      for (CSVRecord rec : parser) {
        long line = lineBefore + 1; // the record's first physical line, as CsvSource counts them
        lineBefore = parser.getCurrentLineNumber();
        String[] out = new String[idx.length];
        for (int i = 0; i < idx.length; i++) {
          out[i] = idx[i] < rec.size() ? rec.get(idx[i]) : "";
        }
        row.accept(out, "line " + line);
      }
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("reference file not found: " + path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read reference file " + path, e);
    }
  }
}
