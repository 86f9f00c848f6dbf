package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.PCollection;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.api.java.LocalEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded cluster started while prepare builds its pipeline: a Beam job runs on it through
 * Flink's local executor, which shuts it down when the job ends (the proof that the job ran there:
 * a cluster of the executor's own would leave this one running until close); a job of another
 * shape gets a cluster of its own; a run that ends before submitting stops the cluster too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedFlinkClusterTest {

  @Test
  void aBeamJobRunsOnTheClusterStartedEarly() throws InterruptedException {
    try (EmbeddedFlinkCluster embedded = EmbeddedFlinkCluster.start(2, List.of())) {
      List<String> args = new ArrayList<>(List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--fasterCopy=true"));
      args.addAll(embedded.beamArgs(List.of("--flinkConfDir=/not/used")));
      assertEquals(1, args.stream().filter(a -> a.startsWith("--flinkConfDir")).count(), args.toString());
      FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(FlinkPipelineOptions.class);
      Pipeline p = Pipeline.create(options);
      PCollection<Long> sum = p.apply(Create.of(LongStream.rangeClosed(1, 1000).boxed().toList()))
          .apply(Sum.longsGlobally());
      PAssert.thatSingleton(sum).isEqualTo(500_500L);

      embedded.install(options);
      assertEquals(FlinkMaster.AUTO, options.getFlinkMaster());
      p.run().waitUntilFinish();
      assertTrue(stops(embedded), "the job's executor did not take the early cluster");
    }
    assertInstanceOf(LocalEnvironment.class, ExecutionEnvironment.getExecutionEnvironment(),
        "close() forgets the context environment");
  }

  @Test
  void aFailedAssertionFailsTheJob() {
    try (EmbeddedFlinkCluster embedded = EmbeddedFlinkCluster.start(2, List.of())) {
      List<String> args = new ArrayList<>(List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2", "--fasterCopy=true"));
      args.addAll(embedded.beamArgs(List.of()));
      FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(FlinkPipelineOptions.class);
      Pipeline p = Pipeline.create(options);
      PAssert.thatSingleton(p.apply(Create.of(1L, 2L)).apply(Sum.longsGlobally())).isEqualTo(4L);
      embedded.install(options);
      RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
      assertTrue(PrepareJob.find(e, AssertionError.class) != null, "not the assertion's failure: " + e);
    }
  }

  @Test
  void aJobOfAnotherShapeGetsAClusterOfItsOwn() throws Exception {
    try (EmbeddedFlinkCluster embedded = EmbeddedFlinkCluster.start(2, List.of())) {
      Configuration c = new Configuration();
      c.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
      MiniCluster same = embedded.clusterFor(new MiniClusterConfiguration.Builder().setConfiguration(c)
          .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
      c.set(TaskManagerOptions.NUM_TASK_SLOTS, 3);
      MiniCluster other = embedded.clusterFor(new MiniClusterConfiguration.Builder().setConfiguration(c)
          .setNumTaskManagers(1).setNumSlotsPerTaskManager(3).build());
      assertNotSame(same, other);
      assertFalse(other.isRunning(), "the executor starts the cluster it is given");
      assertTrue(stops(embedded), "the unused early cluster was not stopped");
    }
  }

  @Test
  void closingBeforeAnyJobStopsTheCluster() throws Exception {
    EmbeddedFlinkCluster embedded = EmbeddedFlinkCluster.start(1, List.of());
    embedded.close(); // e.g. the output folder could not be cleared: no job was submitted
    assertTrue(stops(embedded), "close() did not stop the cluster");
    assertTrue(ExecutionEnvironment.getExecutionEnvironment() instanceof LocalEnvironment);
  }

  /** Whether the early cluster stops within a minute (shutdowns run asynchronously, once its start has finished). */
  private static boolean stops(EmbeddedFlinkCluster embedded) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (embedded.earlyClusterRunning() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return !embedded.earlyClusterRunning();
  }
}
