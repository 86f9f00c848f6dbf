package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.core.QuarantineRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Map;

/**
 * The most frequent quarantine reason and its first row in the quarantine file: one concrete line a
 * person can look at when most of a job's rows were rejected ("most as bad_timestamp (column date,
 * line 2 of data.csv, value "2000-01": ...)").
 *
 * @param first the first record with that reason, or null when the file holds none
 */
public record QuarantineSample(String reason, long count, QuarantineRecord first) {
  private static final int MAX_VALUE_CHARS = 60;

  /**
   * @param byReason rows quarantined per reason
   * @param jsonl the quarantine file ({@code quarantine/rows.jsonl}), read only up to the first match
   * @return null when nothing was quarantined
   */
  public static QuarantineSample of(Map<String, Long> byReason, BufferedReader jsonl) throws IOException {
    String top = null;
    long most = 0;
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(byReason).entrySet()) {
      if (e.getValue() > most) { // ties: the first reason by name, so the message is deterministic
        top = e.getKey();
        most = e.getValue();
      }
    }
    if (top == null) {
      return null;
    }
    QuarantineRecord first = null;
    String needle = "\"reason\":\"" + top + "\"";
    for (String line = jsonl.readLine(); line != null && first == null; line = jsonl.readLine()) {
      if (line.contains(needle)) { // parse only candidate lines: the file may hold millions
        QuarantineRecord r = QuarantineRecord.fromJson(line);
        first = top.equals(r.reason()) ? r : null;
      }
    }
    return new QuarantineSample(top, most, first);
  }

  /** {@code bad_timestamp (column date, line 2 of data.csv, value "2000-01": not a timestamp in format 'yyyy-MM-dd')}. */
  public String describe() {
    if (first == null) {
      return reason;
    }
    StringBuilder sb = new StringBuilder(reason).append(" (");
    if (first.column() != null) {
      sb.append("column ").append(first.column()).append(", ");
    }
    sb.append("line ").append(first.line());
    if (first.source() != null) {
      String s = first.source();
      sb.append(" of ").append(s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1));
    }
    if (first.value() != null) {
      String v = first.value().length() > MAX_VALUE_CHARS ? first.value().substring(0, MAX_VALUE_CHARS) + "..." : first.value();
      sb.append(", value \"").append(v).append('"');
    }
    if (first.message() != null) {
      sb.append(": ").append(first.message());
    }
    return sb.append(')').toString();
  }
}
