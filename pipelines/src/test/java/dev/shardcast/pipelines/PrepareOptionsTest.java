package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void directRunReturnsAtOnceSoItsCountersCanBePolled() {
    assertFalse(PrepareJob.options(job(), List.of()).as(DirectOptions.class).isBlockOnRun());
    assertTrue(PrepareJob.options(job(), List.of("--blockOnRun=true")).as(DirectOptions.class).isBlockOnRun());
  }

  @Test
  void aStandingClusterGetsTheJarsPrepareNeedsAndNotTheRest() {
    FlinkPipelineOptions o = PrepareJob.options(job("runner.name=flink", "runner.flink_master=flink-jm:8081"), List.of())
        .as(FlinkPipelineOptions.class);
    assertEquals("flink-jm:8081", o.getFlinkMaster());
    assertNull(o.getFlinkConfDir(), "a standing cluster has its own config");
    List<String> names = o.getFilesToStage().stream().map(f -> new File(f).getName()).toList();
    assertTrue(names.stream().anyMatch(n -> n.startsWith("beam-sdks-java-core-")), "Beam is staged: " + names);
    assertTrue(names.stream().anyMatch(n -> n.startsWith("beam-runners-flink-")), "Beam's Flink runner is staged");
    assertTrue(names.stream().anyMatch(n -> n.startsWith("parquet-hadoop-")), "the shard writer's Parquet is staged");
    for (String prefix : List.of("flink-runtime-", "flink-core-", "pytorch-native-", "arrow-", "duckdb_jdbc-", "junit-")) {
      assertTrue(names.stream().noneMatch(n -> n.startsWith(prefix)), prefix + "* is not staged: " + names);
    }
    // A list given with --beam-arg is the user's: taken as it is.
    FlinkPipelineOptions given = PrepareJob.options(job("runner.name=flink", "runner.flink_master=flink-jm:8081"),
        List.of("--filesToStage=/opt/job.jar")).as(FlinkPipelineOptions.class);
    assertEquals(List.of("/opt/job.jar"), given.getFilesToStage());
  }

  @Test
  void theEmbeddedClusterGetsAKnownRestPort(@TempDir Path userConf) throws Exception {
    FlinkPipelineOptions o = PrepareJob.options(job("runner.name=flink"), List.of()).as(FlinkPipelineOptions.class);
    Configuration c = GlobalConfiguration.loadConfiguration(o.getFlinkConfDir());
    int port = Integer.parseInt(c.get(RestOptions.BIND_PORT));
    assertTrue(port > 0, "a fixed port, not Flink's random one");
    assertEquals("127.0.0.1", c.get(RestOptions.BIND_ADDRESS));
    assertEquals("none", c.get(RestartStrategyOptions.RESTART_STRATEGY), "the embedded cluster never restarts");

    // A config folder of the user's is the base: its keys stay, the REST port is added, and it is passed once.
    Files.writeString(userConf.resolve("flink-conf.yaml"), "taskmanager.numberOfTaskSlots: 3\n");
    FlinkPipelineOptions merged = PrepareJob.options(job("runner.name=flink"),
        List.of("--flinkConfDir=" + userConf)).as(FlinkPipelineOptions.class);
    assertFalse(merged.getFlinkConfDir().equals(userConf.toString()));
    Configuration m = GlobalConfiguration.loadConfiguration(merged.getFlinkConfDir());
    assertEquals("3", m.toMap().get("taskmanager.numberOfTaskSlots"));
    assertTrue(Integer.parseInt(m.get(RestOptions.BIND_PORT)) > 0);
  }

  @Test
  void aMasterThatIsNoAddressIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PrepareJob.options(job("runner.name=flink", "runner.flink_master=flink-jm"), List.of()));
    assertTrue(e.getMessage().contains("runner.flink_master") && e.getMessage().contains("host:port"), e.getMessage());
  }
}
