package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.ParquetSource;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows rejected after the readers (duplicates, cross-source conflicts, the scale check) travel as
 * parsed, unit-converted numbers; their quarantine records get the original row back here, read
 * again from the source file by line (CSV) or row number (Parquet), so every quarantine record holds
 * what the file said. One pass per file, and only files that have such rows.
 */
public final class QuarantineOriginals {
  private static final Logger LOG = LoggerFactory.getLogger(QuarantineOriginals.class);

  private QuarantineOriginals() {}

  /** Rejected after reading: their row was rebuilt from parsed values. */
  public static boolean rebuilt(QuarantineRecord r) {
    return r.reason().equals(QuarantineRecord.DUPLICATE_TIMESTAMP) || r.reason().startsWith("unified_")
        || r.reason().endsWith(".scale_check");
  }

  /** @return the records, those with a rebuilt row given their original row where the file can be read */
  public static List<QuarantineRecord> restore(JobPlan plan, List<QuarantineRecord> records) {
    Map<String, TreeSet<Long>> wanted = new TreeMap<>();
    Map<String, JobConfig.Format> formats = new HashMap<>();
    for (QuarantineRecord r : records) {
      if (rebuilt(r)) {
        wanted.computeIfAbsent(r.source(), k -> new TreeSet<>()).add(r.line());
        formats.put(r.source(), format(plan, r.origin()));
      }
    }
    Map<String, Map<Long, Map<String, String>>> originals = new HashMap<>();
    for (Map.Entry<String, TreeSet<Long>> e : wanted.entrySet()) {
      try {
        originals.put(e.getKey(), formats.get(e.getKey()) == JobConfig.Format.PARQUET
            ? parquetRows(e.getKey(), e.getValue()) : csvRows(e.getKey(), e.getValue()));
      } catch (IOException | RuntimeException ex) {
        LOG.warn("cannot read {} again for the original rows of {} quarantined rows; they keep the parsed values: {}",
            e.getKey(), e.getValue().size(), ex.toString());
      }
    }
    List<QuarantineRecord> out = new ArrayList<>(records.size());
    for (QuarantineRecord r : records) {
      Map<String, String> original = rebuilt(r) && originals.containsKey(r.source())
          ? originals.get(r.source()).get(r.line()) : null;
      out.add(original == null ? r
          : new QuarantineRecord(r.source(), r.line(), r.reason(), r.column(), r.value(), r.message(), original, r.origin()));
    }
    return out;
  }

  private static JobConfig.Format format(JobPlan plan, String origin) {
    for (JobConfig.Source s : plan.sources()) {
      if (s.name().equals(origin)) {
        return s.format();
      }
    }
    return plan.sources().get(0).format();
  }

  /** Lines counted as CsvSource counts them: the physical line a record starts on. */
  private static Map<Long, Map<String, String>> csvRows(String file, TreeSet<Long> lines) throws IOException {
    Map<Long, Map<String, String>> out = new HashMap<>();
    ResourceId id = FileSystems.matchSingleFileSpec(file).resourceId();
    try (CSVParser parser = CsvSource.parser(Channels.newReader(FileSystems.open(id), StandardCharsets.UTF_8))) {
      List<String> header = parser.getHeaderNames();
      long lineBefore = parser.getCurrentLineNumber();
      for (CSVRecord rec : parser) {
        long line = lineBefore + 1; // as CsvSource counts: the physical line a record starts on
        lineBefore = parser.getCurrentLineNumber();
        if (lines.contains(line)) {
          out.put(line, CsvSource.original(header, rec));
        }
        if (line >= lines.last()) {
          break;
        }
      }
    }
    return out;
  }

  private static Map<Long, Map<String, String>> parquetRows(String file, TreeSet<Long> rowNumbers) throws IOException {
    Map<Long, Map<String, String>> out = new HashMap<>();
    ResourceId id = FileSystems.matchSingleFileSpec(file).resourceId();
    List<String> names = ParquetSource.flatColumns(file, () -> (SeekableByteChannel) FileSystems.open(id));
    long[] row = {0};
    ParquetSource.readTexts(file, () -> (SeekableByteChannel) FileSystems.open(id), names, values -> {
      long n = ++row[0];
      if (rowNumbers.contains(n)) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          m.put(names.get(i), values[i].isEmpty() ? null : values[i]);
        }
        out.put(n, m);
      }
    });
    return out;
  }
}
