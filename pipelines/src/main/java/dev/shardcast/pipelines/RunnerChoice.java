package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runner.name: auto}: the Direct runner for small inputs, the embedded Flink for the rest.
 * The Direct runner keeps every collection in memory and encodes and checks every element (it is
 * the runner for tests and debugging): on flights-3m it did not finish in 15 minutes, the embedded
 * Flink took under two, with byte-identical shards. The input's size on disk decides, before any
 * work, and the choice is logged with its reason.
 */
final class RunnerChoice {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerChoice.class);
  /** Inputs at least this large (all files together) run on the embedded Flink. */
  static final long FLINK_FROM_BYTES = 4L << 20;

  private RunnerChoice() {}

  /** The job with a concrete runner; jobs that name one are returned as they are. */
  static JobConfig resolve(JobConfig job, Map<String, List<String>> inputFiles) throws IOException {
    JobConfig.Runner r = job.runner();
    if (r.name() != JobConfig.RunnerName.AUTO) {
      return job;
    }
    long bytes = 0;
    int files = 0;
    for (List<String> list : inputFiles.values()) {
      for (String f : list) {
        bytes += size(f);
        files++;
      }
    }
    boolean flink = bytes >= FLINK_FROM_BYTES;
    String why = String.format(Locale.ROOT, "%s in %d input file%s %s %s", mb(bytes), files, files == 1 ? "" : "s",
        flink ? ">=" : "<", mb(FLINK_FROM_BYTES));
    LOG.info("runner: auto -> {} ({}; set runner.name to direct or flink to choose)",
        flink ? "flink (embedded)" : "direct", why);
    return job.withRunner(new JobConfig.Runner(flink ? JobConfig.RunnerName.FLINK : JobConfig.RunnerName.DIRECT,
        flink ? "[local]" : r.flinkMaster(), r.parallelism()));
  }

  private static long size(String file) throws IOException {
    if (dev.shardcast.transforms.config.InputPaths.isLocal(file)) {
      return Files.size(Path.of(file));
    }
    MatchResult m = FileSystems.match(List.of(file), EmptyMatchTreatment.ALLOW).get(0);
    return m.status() == MatchResult.Status.OK && !m.metadata().isEmpty() ? m.metadata().get(0).sizeBytes() : 0;
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }
}
