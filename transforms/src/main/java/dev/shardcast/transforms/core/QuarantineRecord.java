package dev.shardcast.transforms.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.Map;

/**
 * A row that did not make it into the data set, and why: the dead-letter record. It carries the
 * original row so nothing is lost, and where it came from so a person can find and fix it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuarantineRecord(String source, long line, String reason, String column, String value, String message,
    Map<String, String> row, String origin) {

  /** {@code origin}: the named input source (input.sources[].name); null for a single-input job. */
  public QuarantineRecord(String source, long line, String reason, String column, String value, String message,
      Map<String, String> row) {
    this(source, line, reason, column, value, message, row, null);
  }

  public QuarantineRecord withOrigin(String name) {
    return new QuarantineRecord(source, line, reason, column, value, message, row, name);
  }

  /** Reasons, as they appear in the quarantine file and the manifest counts. */
  public static final String BAD_NUMBER = "bad_number";
  public static final String BAD_TIMESTAMP = "bad_timestamp";
  public static final String MISSING_KEY = "missing_key";
  public static final String MISSING_TIMESTAMP = "missing_timestamp";
  public static final String OFF_FREQUENCY = "off_frequency";
  public static final String DUPLICATE_TIMESTAMP = "duplicate_timestamp";
  public static final String WRONG_FIELD_COUNT = "wrong_field_count";

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static QuarantineRecord fromJson(String json) {
    try {
      return JSON.readValue(json, QuarantineRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Orders the quarantine file by source, then line: the same input gives the same file. */
  public String sortKey() {
    return source + '\u0000' + String.format("%019d", line) + '\u0000' + reason;
  }
}
