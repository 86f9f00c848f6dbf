package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonValue;

/** What failing a quality rule does: {@code error} quarantines the row (or fails the job at dataset level), {@code warn} only counts. */
public enum Severity {
  ERROR,
  WARN;

  @JsonValue
  public String yaml() {
    return name().toLowerCase();
  }
}
