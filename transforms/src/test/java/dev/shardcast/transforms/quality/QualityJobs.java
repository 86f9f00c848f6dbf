package dev.shardcast.transforms.quality;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.testing.TestJobs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Jobs with a {@code quality:} section on top of {@link TestJobs#BASE_YAML} (value columns x, y, z; key id; timestamp ts). */
final class QualityJobs {
  private QualityJobs() {}

  /** The base job plus {@code yaml} appended (a top-level {@code quality:} block). */
  static JobPlan plan(String yaml, String... overrides) {
    return new JobPlan(ConfigLoader.loadYaml(TestJobs.BASE_YAML + yaml, List.of(overrides)));
  }

  /** The base job with {@code input.path} replaced by {@code input.sources} ({@code sources} is indented list YAML). */
  static JobPlan sourcesPlan(String sources, String yaml, String... overrides) {
    String base = TestJobs.BASE_YAML.replace("  path: data.csv\n", "  sources:\n" + sources);
    if (base.equals(TestJobs.BASE_YAML)) {
      throw new IllegalStateException("BASE_YAML changed: no input.path line to replace");
    }
    return new JobPlan(ConfigLoader.loadYaml(base + yaml, List.of(overrides)));
  }

  /** A text row from alternating column names and texts (null or "" for an empty cell, as CsvSource passes null). */
  static RowChecks.TextRow text(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return col -> {
      String t = m.get(col);
      return t == null || t.isEmpty() ? null : t;
    };
  }
}
