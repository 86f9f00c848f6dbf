package dev.shardcast.pipelines;

import java.util.List;

/** The data-quality gate failed: the report was written, no shard and no manifest were published. */
public final class QualityGateException extends RuntimeException {
  /** The process exit code of a failed gate, distinct from config errors (2) and crashes (1). */
  public static final int EXIT_CODE = 3;

  public QualityGateException(String reportPath, List<String> reasons) {
    super("data quality gate failed; no shards and no manifest published. Report: " + reportPath
        + (reasons.isEmpty() ? "" : "\n  - " + String.join("\n  - ", reasons)));
  }
}
