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
    // CSV: 40 bytes a row. The demo (446 kB, 8,602 rows) stays on the Direct runner.
    assertEquals(JobConfig.RunnerName.DIRECT,
        RunnerChoice.resolve(job, Map.of("input.path", List.of(ItSupport.demoCsv().toString()))).runner().name());
    Path small = Files.write(dir.resolve("small.csv"), new byte[500_000]);
    Path big = Files.write(dir.resolve("big.csv"), new byte[300_000]);
    JobConfig one = RunnerChoice.resolve(job, Map.of("input.path", List.of(small.toString())));
    assertEquals(JobConfig.RunnerName.DIRECT, one.runner().name(), "12,500 rows");
    JobConfig both = RunnerChoice.resolve(job, Map.of("input.path", List.of(small.toString(), big.toString())));
    assertEquals(JobConfig.RunnerName.FLINK, both.runner().name(), "20,000 rows together");
    assertEquals("[local]", both.runner().flinkMaster());
    assertEquals(job.runner().parallelism(), both.runner().parallelism());
    JobConfig named = ConfigLoader.load(ItSupport.demoJob(), List.of("runner.name=direct"));
    assertEquals(named, RunnerChoice.resolve(named, Map.of("input.path", List.of(big.toString(), big.toString()))),
        "a named runner stays");
  }

  @Test
  void aLocalParquetFileCountsItsRowsFromTheFooter() throws Exception {
    // The demo's window-layout shards are Parquet files whose footers say how many windows they hold.
    Path out = java.nio.file.Files.createTempDirectory("runner-choice-");
    try {
      ItSupport.run(ItSupport.demoConfig(out, "shards.layout=windows"));
      for (Path shard : ItSupport.shardFiles(out, "train").subList(0, 3)) {
        long rows = ItSupport.manifest(out).path("splits").path("train").path("shards").findValues("rows").stream()
            .mapToLong(com.fasterxml.jackson.databind.JsonNode::asLong).max().orElseThrow();
        assertEquals(rows, RunnerChoice.estimatedRows(shard.toString(), Files.size(shard)), shard.toString());
      }
      assertEquals(Files.size(ItSupport.demoCsv()) / 40,
          RunnerChoice.estimatedRows(ItSupport.demoCsv().toString(), Files.size(ItSupport.demoCsv())));
    } finally {
      ItSupport.deleteTree(out);
    }
  }
}
