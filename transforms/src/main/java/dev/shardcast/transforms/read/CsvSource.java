package dev.shardcast.transforms.read;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.TimestampParser;
import dev.shardcast.transforms.core.NumberText;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file with a header row (RFC 4180 quoting; an empty cell is null). Only the configured
 * columns are converted; a row that cannot be parsed goes to the sink's quarantine with the column
 * and the reason.
 */
public final class CsvSource {
  private CsvSource() {}

  /** A single-input job's file, with the job's quality rules. */
  public static long read(JobPlan plan, String source, Reader reader, RowSink sink) throws IOException {
    JobConfig.Source src = plan.sources().get(0);
    return read(plan, src, new RowChecks(plan, RuleSet.compile(plan), src), source, reader, sink);
  }

  /**
   * @param src the named input this file belongs to: its column names and units
   * @param checks the quality rules, applied to every row that parsed
   * @return the number of data rows read (good and quarantined)
   */
  public static long read(JobPlan plan, JobConfig.Source src, RowChecks checks, String source, Reader reader,
      RowSink sink) throws IOException {
    try {
      return readRows(plan, src, checks, source, reader, sink);
    } catch (java.io.UncheckedIOException | IllegalStateException e) {
      // commons-csv's record iterator wraps the reader's IOException in one of these.
      if (!(e.getCause() instanceof IOException cause)) {
        throw e;
      }
      throw unreadable(source, cause, e);
    } catch (IOException e) {
      throw unreadable(source, e, e);
    }
  }

  /**
   * A file that is not the CSV text the job says it is (binary data, another encoding, a quote that
   * never closes) stops the job with one line naming the file, as a config error does: the job's
   * input.format or input.path is wrong for it. Other I/O errors (a lost connection) stay what they are.
   */
  private static IOException unreadable(String source, IOException cause, Exception thrown) {
    if (cause instanceof java.nio.charset.CharacterCodingException) {
      throw new ConfigException("input file " + source + " is not UTF-8 text (a malformed byte sequence): is it a "
          + "binary file, or text in another encoding? CSV inputs must be UTF-8");
    }
    if (cause instanceof org.apache.commons.csv.CSVException || (cause != null && cause.getClass() == IOException.class)) {
      // commons-csv's syntax errors (CSVException; a plain IOException before 1.12)
      throw new ConfigException("input file " + source + " is not valid CSV: " + cause.getMessage()
          + (String.valueOf(cause.getMessage()).contains("EOF reached before encapsulated token")
              ? " (a quoted cell whose closing quote is missing)" : ""));
    }
    return cause != null ? cause : new IOException(thrown);
  }

  private static long readRows(JobPlan plan, JobConfig.Source src, RowChecks checks, String source, Reader reader,
      RowSink sink) throws IOException {
    JobConfig.Input in = plan.config().input();
    CSVParser opened;
    try {
      opened = parser(reader);
    } catch (IllegalArgumentException e) {
      // commons-csv refuses a header with an empty or a repeated column name ("id,ts,,x" or "a,a"):
      // the file is not the table the job expects (found by CsvSourceFuzzTest).
      throw new ConfigException("input file " + source + " has a header shardcast cannot read: " + e.getMessage()
          + " (every column needs a name of its own)");
    }
    try (CSVParser parser = opened) {
      List<String> header = parser.getHeaderNames();
      if (header.isEmpty()) {
        // A 0-byte file (a day without data in a folder of daily files): no header, no rows.
        return 0;
      }
      int[] keyIdx = indexes(header, mapped(src, in.seriesKey()), source);
      int tsIdx = indexes(header, mapped(src, List.of(in.timestamp().column())), source)[0];
      int[] valueIdx = indexes(header, mapped(src, plan.valueColumns()), source);
      Map<String, Integer> ruleIdx = new java.util.HashMap<>();
      for (String col : checks.columns()) {
        String name = mapped(src, List.of(col)).get(0);
        if (!header.contains(name)) {
          throw new dev.shardcast.transforms.config.ConfigException("config key 'quality.columns' names column '" + col
              + "', but input file " + source + " has no column '" + name + "'; its header is " + header);
        }
        ruleIdx.put(col, header.indexOf(name));
      }
      TimestampParser timestamps = plan.timestampParser();
      double[] values = new double[valueIdx.length];
      long rows = 0;
      long lineBefore = parser.getCurrentLineNumber();
      Iterator<CSVRecord> it = parser.iterator();
      while (it.hasNext()) {
        CSVRecord rec = it.next();
        long line = lineBefore + 1;
        lineBefore = parser.getCurrentLineNumber();
        rows++;
        // Not rec.isConsistent(): that compares with the distinct header names, so under a header
        // that repeats a name a short row passed and its cells were read past its end (fuzzing).
        if (rec.size() != header.size()) {
          sink.quarantine(new QuarantineRecord(source, line, QuarantineRecord.WRONG_FIELD_COUNT, null, null,
              "row has " + rec.size() + " fields, header has " + header.size(), original(header, rec)));
          continue;
        }
        String series = seriesKey(rec, keyIdx);
        if (series == null) {
          sink.quarantine(bad(source, line, QuarantineRecord.MISSING_KEY, keyColumn(header, rec, keyIdx), "",
              "series key is empty", header, rec));
          continue;
        }
        String tsText = rec.get(tsIdx);
        if (tsText.isEmpty()) {
          sink.quarantine(bad(source, line, QuarantineRecord.MISSING_TIMESTAMP, header.get(tsIdx), "",
              "timestamp is empty", header, rec));
          continue;
        }
        long time;
        try {
          time = timestamps.parse(tsText);
        } catch (RuntimeException e) {
          sink.quarantine(bad(source, line, QuarantineRecord.BAD_TIMESTAMP, header.get(tsIdx), tsText,
              "not a timestamp in format '" + timestamps.format() + "'", header, rec));
          continue;
        }
        int badColumn = parseValues(rec, valueIdx, values);
        if (badColumn >= 0) {
          String col = header.get(valueIdx[badColumn]);
          String text = rec.get(valueIdx[badColumn]);
          sink.quarantine(bad(source, line, QuarantineRecord.BAD_NUMBER, col, text, NumberText.problem(text) != null
              ? NumberText.problem(text) : NumberText.BEYOND_SHARDS, header, rec));
          continue;
        }
        if (plan.frequency().isRegular() && plan.frequency().step(time) == Long.MIN_VALUE) {
          // Here, not in the router: only the reader still has the original row for the record.
          sink.quarantine(bad(source, line, QuarantineRecord.OFF_FREQUENCY, header.get(tsIdx), tsText,
              plan.frequency().describeOffGrid(time), header, rec));
          continue;
        }
        CSVRecord current = rec;
        RowChecks.Failure failure = checks.check(col -> {
          Integer i = ruleIdx.get(col);
          String t = i == null ? null : current.get(i);
          return t == null || t.isEmpty() ? null : t;
        }, time, values);
        if (failure != null) {
          sink.quarantine(bad(source, line, failure.ruleId(), failure.column(), failure.value(), failure.message(),
              header, rec));
          continue;
        }
        sink.row(series, time, line, values);
      }
      return rows;
    }
  }

  /** Data-set column names to this source's own column names. */
  static List<String> mapped(JobConfig.Source src, List<String> names) {
    if (src.columns() == null || src.columns().isEmpty()) {
      return names;
    }
    return names.stream().map(n -> src.columns().getOrDefault(n, n)).toList();
  }

  /** Fills {@code out} (NaN for an empty or NA cell); returns the first column that is not a number, or -1. */
  private static int parseValues(CSVRecord rec, int[] idx, double[] out) {
    for (int i = 0; i < idx.length; i++) {
      String text = rec.get(idx[i]);
      if (text.isEmpty() || text.equals("NA")) {
        out[i] = Double.NaN;
        continue;
      }
      out[i] = NumberText.parse(text);
      if (Double.isNaN(out[i]) || !NumberText.fitsShards(out[i])) {
        return i;
      }
    }
    return -1;
  }

  static String seriesKey(CSVRecord rec, int[] keyIdx) {
    if (keyIdx.length == 1) {
      String k = rec.get(keyIdx[0]);
      return k.isEmpty() ? null : k;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keyIdx.length; i++) {
      String k = rec.get(keyIdx[i]);
      if (k.isEmpty()) {
        return null;
      }
      sb.append(i == 0 ? "" : "/").append(k);
    }
    return sb.toString();
  }

  private static String keyColumn(List<String> header, CSVRecord rec, int[] keyIdx) {
    for (int i : keyIdx) {
      if (rec.get(i).isEmpty()) {
        return header.get(i);
      }
    }
    return header.get(keyIdx[0]);
  }

  private static int[] indexes(List<String> header, List<String> names, String source) {
    int[] out = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      out[i] = header.indexOf(names.get(i));
      if (out[i] < 0) {
        throw new ConfigException(
            "input file " + source + " has no column '" + names.get(i) + "'; its header is " + header);
      }
    }
    return out;
  }

  private static QuarantineRecord bad(String source, long line, String reason, String column, String value,
      String message, List<String> header, CSVRecord rec) {
    return new QuarantineRecord(source, line, reason, column, value, message, original(header, rec));
  }

  /**
   * The one way shardcast reads CSV text (job input, reference tables, quarantine originals, rule
   * inference): RFC 4180 with a header row, cells trimmed, a UTF-8 byte order mark skipped (Excel's
   * "CSV UTF-8" would otherwise make it part of the first column name).
   */
  public static CSVParser parser(Reader reader) throws IOException {
    Reader text = reader.markSupported() ? reader : new BufferedReader(reader);
    text.mark(1);
    if (text.read() != '\uFEFF') {
      text.reset();
    }
    return CSVParser.parse(text, FORMAT);
  }

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).build();

  /** A record as the file holds it, by header name; cells past the header are {@code _extra_N}. */
  public static Map<String, String> original(List<String> header, CSVRecord rec) {
    Map<String, String> row = new LinkedHashMap<>();
    String[] values = rec.values();
    for (int i = 0; i < values.length; i++) {
      row.put(i < header.size() ? header.get(i) : "_extra_" + (i - header.size() + 1), values[i]);
    }
    return row;
  }
}
