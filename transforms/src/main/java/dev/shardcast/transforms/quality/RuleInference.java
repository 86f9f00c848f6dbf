package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.QualityConfig;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposes a starting {@code quality:} section from what a CSV file holds: per column its type,
 * whether nulls occur, the observed range, and the value set of a low-cardinality text column. The
 * result describes one sample of data; a person decides which of it are real limits.
 */
public final class RuleInference {
  private static final Logger LOG = LoggerFactory.getLogger(RuleInference.class);
  public static final int DEFAULT_MAX_CATEGORIES = 20;
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final int maxCategories;
  private final long maxRows;

  /**
   * @param maxCategories a text column with at most this many distinct values gets an {@code allowed} set
   * @param maxRows read only the first this many data rows; 0 or less: all
   */
  public RuleInference(int maxCategories, long maxRows) {
    if (maxCategories < 0) {
      throw new IllegalArgumentException("max categories must be 0 or more, got " + maxCategories);
    }
    this.maxCategories = maxCategories;
    this.maxRows = maxRows;
  }

  public RuleInference() {
    this(DEFAULT_MAX_CATEGORIES, 0);
  }

  /**
   * @param source the file's name, for messages and the YAML header
   * @throws IllegalArgumentException when the text has no header row or is not valid CSV
   */
  public InferredRules infer(String source, Reader reader) throws IOException {
    // CsvSource's own parser, so the rules describe the cells a job will see.
    CSVParser parser;
    try {
      parser = dev.shardcast.transforms.read.CsvSource.parser(reader);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": bad CSV header: " + e.getMessage(), e);
    }
    try (parser) {
      List<String> header = parser.getHeaderNames();
      checkHeader(source, header);
      List<InferredColumn> profiles = new ArrayList<>();
      header.forEach(h -> profiles.add(new InferredColumn(maxCategories)));
      long rows = 0;
      long skipped = 0;
      Iterator<CSVRecord> it = parser.iterator();
      while (hasNext(source, it) && (maxRows <= 0 || rows < maxRows)) {
        CSVRecord rec = it.next();
        rows++;
        if (!rec.isConsistent()) {
          skipped++; // CsvSource quarantines these; their cells belong to no column for sure
          continue;
        }
        for (int i = 0; i < profiles.size(); i++) {
          profiles.get(i).add(rec.get(i));
        }
      }
      boolean truncated = maxRows > 0 && rows == maxRows && hasNext(source, it);
      return result(source, header, profiles, rows, skipped, truncated);
    }
  }

  private InferredRules result(String source, List<String> header, List<InferredColumn> profiles, long rows,
      long skipped, boolean truncated) {
    Map<String, ColumnRules> columns = new LinkedHashMap<>();
    List<String> nullable = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    Map<String, Set<String>> timestampFormats = new LinkedHashMap<>();
    Map<String, String> periodFormats = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      InferredColumn p = profiles.get(i);
      columns.put(name, p.rules());
      if (p.nullSeen()) {
        nullable.add(name);
      }
      if (p.noValues()) {
        empty.add(name);
      }
      if (!p.timestampPatterns().isEmpty()) {
        timestampFormats.put(name, p.timestampPatterns());
      }
      if (p.periodPattern() != null) {
        periodFormats.put(name, p.periodPattern());
      }
    }
    LOG.info("inferred rules for {} columns from {} rows of {}{}", header.size(), rows, source,
        truncated ? " (first rows only)" : "");
    if (skipped > 0) {
      LOG.warn("{}: {} rows have a field count other than the header's and were left out", source, skipped);
    }
    QualityConfig quality = new QualityConfig(null, null, columns, null, null, null);
    return new InferredRules(quality, source, rows, truncated, skipped, nullable, empty, timestampFormats,
        periodFormats);
  }

  private static boolean hasNext(String source, Iterator<CSVRecord> it) {
    try {
      return it.hasNext();
    } catch (UncheckedIOException e) {
      // commons-csv reports broken quoting this way, with the line number in the message.
      throw new IllegalArgumentException(source + ": not valid CSV: " + e.getCause().getMessage(), e);
    }
  }

  /**
   * An empty file has no header; a first line of only numbers is data, and reading it as a header
   * would silently lose that row and name the columns "1975", "27.5", ...
   */
  private static void checkHeader(String source, List<String> header) {
    if (header.isEmpty()) {
      throw new IllegalArgumentException(source + " has no header row (the file is empty)");
    }
    if (header.stream().allMatch(h -> NUMBER.matcher(h).matches())) {
      throw new IllegalArgumentException(
          source + " has no header row: its first line " + header + " looks like data; add a line of column names");
    }
  }
}
