package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runner.name auto (the default): Direct for small inputs, the embedded Flink from 4 MB of input. */
class RunnerChoiceTest {

  @Test
  void theInputsSizeChoosesTheRunner(@TempDir Path dir) throws Exception {
    JobConfig job = ItSupport.demoConfig(dir.resolve("out"));
    assertEquals(JobConfig.RunnerName.AUTO, job.runner().name(), "auto is the default");
    Path small = Files.write(dir.resolve("small.csv"), new byte[1 << 20]);
    Path big = Files.write(dir.resolve("big.csv"), new byte[3 << 20]);
    JobConfig one = RunnerChoice.resolve(job, Map.of("input.path", List.of(small.toString())));
    assertEquals(JobConfig.RunnerName.DIRECT, one.runner().name());
    JobConfig both = RunnerChoice.resolve(job, Map.of("input.path", List.of(small.toString(), big.toString())));
    assertEquals(JobConfig.RunnerName.FLINK, both.runner().name(), "4 MB together");
    assertEquals("[local]", both.runner().flinkMaster());
    assertEquals(job.runner().parallelism(), both.runner().parallelism());
    JobConfig named = ConfigLoader.load(ItSupport.demoJob(), List.of("runner.name=direct"));
    assertEquals(named, RunnerChoice.resolve(named, Map.of("input.path", List.of(big.toString(), big.toString()))),
        "a named runner stays");
  }
}
