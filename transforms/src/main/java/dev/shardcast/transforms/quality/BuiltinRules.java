package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.config.Severity;
import dev.shardcast.transforms.core.QuarantineRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The structural rules every job applies whatever its {@code quality:} section says: a row must
 * parse, have a key and a timestamp, sit on the frequency's grid and be the only row of its series
 * at its timestamp (windows need all of that). Their ids are the quarantine reasons.
 */
public final class BuiltinRules {
  public static final String UNIFIED_CONFLICT = "unified_conflict";
  public static final String UNIFIED_REDUNDANT = "unified_redundant";

  private BuiltinRules() {}

  public static List<RuleInfo> of(JobPlan plan) {
    String ts = plan.config().input().timestamp().column();
    String key = String.join("/", plan.config().input().seriesKey());
    List<RuleInfo> out = new ArrayList<>();
    out.add(rule(QuarantineRecord.WRONG_FIELD_COUNT, "valid", null, "as many fields as the header"));
    out.add(rule(QuarantineRecord.MISSING_KEY, "valid", key, "series key not empty"));
    out.add(rule(QuarantineRecord.MISSING_TIMESTAMP, "valid", ts, "timestamp not empty"));
    out.add(rule(QuarantineRecord.BAD_TIMESTAMP, "valid", ts, "timestamp in format " + plan.timestampParser().format()));
    out.add(rule(QuarantineRecord.BAD_NUMBER, "valid", String.join(",", plan.valueColumns()), "value columns are numbers"));
    if (plan.frequency().isRegular()) {
      out.add(rule(QuarantineRecord.OFF_FREQUENCY, "valid", ts, "on the " + plan.frequency() + " grid"));
    }
    if (plan.frequency().isRegular()) {
      var policy = plan.config().input().duplicates();
      out.add(rule(QuarantineRecord.DUPLICATE_TIMESTAMP, "valid", key + "," + ts, policy == null
          || policy == dev.shardcast.transforms.config.JobConfig.DuplicatePolicy.QUARANTINE
          ? "(series, timestamp) unique" : "(series, timestamp) unique after input.duplicates: " + policy.yaml()
          + " folds a source's copies into one row"));
    }
    if (plan.sources().size() > 1) {
      out.add(rule(UNIFIED_CONFLICT, "unified", key + "," + ts,
          "sources agree on shared (series, timestamp); policy " + plan.config().quality().unified().onConflict().yaml()));
      out.add(rule(UNIFIED_REDUNDANT, "unified", key + "," + ts, "one copy of a row several sources hold"));
    }
    return out;
  }

  private static RuleInfo rule(String id, String kind, String column, String expected) {
    return new RuleInfo(id, kind, column, id, Severity.ERROR, expected, null);
  }
}
