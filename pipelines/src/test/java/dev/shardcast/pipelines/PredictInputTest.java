package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code predict --input}: the serving file replaces the job's input, keeping a source's names and units. */
class PredictInputTest {
  static final String JOB = """
      name: p
      input:
        %s
        format: csv
        series_key: [id]
        timestamp: {column: t}
        frequency: 1d
        columns: [{name: x, type: double, target: true}]
      quality:
        columns:
          x: {unit: km}
      windowing: {past: 2, future: 1}
      split: {train_end: "2024-01-05", val_end: "2024-01-09"}
      shards: {output: out}
      """;

  @Test
  void aSingleInputJobReadsTheGivenPath() {
    JobConfig c = ConfigLoader.loadYaml(JOB.formatted("path: train.csv"), List.of());
    JobPlan plan = new JobPlan(PredictCommand.withInput(c, "recent.csv"));
    assertEquals(1, plan.sources().size());
    assertEquals("recent.csv", plan.sources().get(0).path());
  }

  @Test
  void aMultiSourceJobReadsTheGivenPathAsItsFirstSource() {
    JobConfig c = ConfigLoader.loadYaml(JOB.formatted("""
        sources:
            - {name: feed_m, path: a.csv, columns: {x: metres}, units: {x: m}}
            - {name: feed_km, path: b.csv}"""), List.of());
    JobConfig serving = PredictCommand.withInput(c, "recent.csv");
    assertNull(serving.input().path());
    JobPlan plan = new JobPlan(serving);
    assertEquals(1, plan.sources().size());
    JobConfig.Source s = plan.sources().get(0);
    assertEquals("feed_m", s.name());
    assertEquals("recent.csv", s.path());
    assertEquals(Map.of("x", "metres"), s.columns());
    assertEquals(Map.of("x", "m"), s.units());
  }
}
