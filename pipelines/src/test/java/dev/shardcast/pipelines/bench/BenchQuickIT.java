package dev.shardcast.pipelines.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps {@code bench/run --quick} working: the whole harness on small synthetic data, through the
 * CLI as a user runs it. It checks that every measure was taken and that shardcast and DuckDB made
 * the same windows (the harness throws otherwise); it asserts no timing.
 */
class BenchQuickIT {
  @Test
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void theQuickHarnessMeasuresEveryPart() throws Exception {
    Path repo = Path.of(System.getProperty("shardcast.repo.root", "..")).toAbsolutePath().normalize();
    List<String[]> rows = Bench.runQuick(repo);
    for (String part : List.of("P1 prepare", "scaling", "P2 loader", "P3 data wait", "P4 storage", "P5 embedded Flink")) {
      assertTrue(rows.stream().anyMatch(r -> r[0].startsWith(part)), part + " was measured");
    }
    assertTrue(rows.stream().anyMatch(r -> r[0].contains("compact layout")), "both layouts measured");
  }
}
