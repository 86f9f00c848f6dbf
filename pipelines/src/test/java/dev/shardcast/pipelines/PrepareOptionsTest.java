package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;

/** The Beam options prepare builds from runner: (no pipeline runs). */
class PrepareOptionsTest {
  private static JobConfig job(String... overrides) {
    return ItSupport.demoConfig(Path.of("unused"), overrides);
  }

  @Test
  void flinkGetsTheOptionsItAsksFor() {
    FlinkPipelineOptions o = PrepareJob.options(job("runner.name=flink", "runner.parallelism=3"), List.of())
        .as(FlinkPipelineOptions.class);
    assertEquals("[local]", o.getFlinkMaster());
    assertEquals(3, o.getParallelism());
    assertTrue(o.getFasterCopy(), "the runner logs a warning without it");
  }

  @Test
  void aBeamArgWinsOverTheDefault() {
    FlinkPipelineOptions o = PrepareJob.options(job("runner.name=flink"), List.of("--fasterCopy=false"))
        .as(FlinkPipelineOptions.class);
    assertFalse(o.getFasterCopy());
  }
}
