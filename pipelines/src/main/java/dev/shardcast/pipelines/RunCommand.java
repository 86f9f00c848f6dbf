package dev.shardcast.pipelines;

import dev.shardcast.training.TrainJob;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardcast run job.yaml}: prepare, then train and evaluate. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "The whole job: prepare the shards (Beam), train on them (DJL), evaluate on the test split.")
public final class RunCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--resume", description = "keep the shards if already prepared and continue training from the latest checkpoint")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    JobConfig config = job.loadForTraining();
    java.nio.file.Path manifest = java.nio.file.Path.of(config.shards().output(), ShardManifest.FILE_NAME);
    if (!(resume && java.nio.file.Files.isRegularFile(manifest))) {
      IncrementalPrepare.Outcome p = PrepareJob.prepare(config, List.of());
      boolean trained = java.nio.file.Files.isRegularFile(
          TrainJob.outputDir(config).resolve("best").resolve("model.params"));
      if (p.nothingNew() && trained) {
        System.out.println("\nshardcast run: " + p.message() + "; the model in " + TrainJob.outputDir(config)
            + " stays (delete " + IncrementalPrepare.STATE + " to prepare everything again)");
        return 0;
      }
      System.out.println(PrepareCommand.summary(p.manifest(), config.shards().output(), (System.nanoTime() - started) / 1e9));
      if (p.message() != null) {
        System.out.println("  incremental       " + p.message());
      }
    }
    TrainJob.Outcome o = TrainJob.run(config, resume, dev.shardcast.transforms.config.GitCommit.current());
    System.out.println(TrainCommand.summary(o));
    System.out.printf("%nshardcast run: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
