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
 * Flink took under two, with byte-identical shards. Its cost grows with the number of bundles, so
 * already at 20 k rows it took a minute where the embedded Flink took seconds. The input's estimated
 * row count decides, before any work, and the choice is logged with its reason: a local Parquet
 * file's footer gives its rows; other inputs count one row per {@link #CSV_BYTES_PER_ROW} bytes
 * (remote Parquet, compressed about eight times more, per an eighth of that).
 */
final class RunnerChoice {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerChoice.class);
  /** Inputs of at least this many (estimated) rows, all files together, run on the embedded Flink. */
  static final long FLINK_FROM_ROWS = 20_000;
  /** A CSV row's bytes for the estimate: short rows, so that small files are not underestimated. */
  static final long CSV_BYTES_PER_ROW = 40;

  private RunnerChoice() {}

  /** The job with a concrete runner; jobs that name one are returned as they are. */
  static JobConfig resolve(JobConfig job, Map<String, List<String>> inputFiles) throws IOException {
    JobConfig.Runner r = job.runner();
    if (r.name() != JobConfig.RunnerName.AUTO) {
      return job;
    }
    long bytes = 0;
    long rows = 0;
    int files = 0;
    for (List<String> list : inputFiles.values()) {
      for (String f : list) {
        long size = size(f);
        bytes += size;
        rows += estimatedRows(f, size);
        files++;
      }
    }
    boolean flink = rows >= FLINK_FROM_ROWS;
    String why = String.format(Locale.ROOT, "about %,d rows (%s in %d input file%s) %s %,d", rows, mb(bytes), files,
        files == 1 ? "" : "s", flink ? ">=" : "<", FLINK_FROM_ROWS);
    LOG.info("runner: auto -> {} ({}; set runner.name to direct or flink to choose)",
        flink ? "flink (embedded)" : "direct", why);
    return job.withRunner(r.with(flink ? JobConfig.RunnerName.FLINK : JobConfig.RunnerName.DIRECT,
        flink ? "[local]" : r.flinkMaster()));
  }

  static long estimatedRows(String file, long size) {
    boolean parquet = file.toLowerCase(Locale.ROOT).endsWith(".parquet");
    if (parquet && dev.shardcast.transforms.config.InputPaths.isLocal(file)) {
      try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
          new org.apache.parquet.io.LocalInputFile(Path.of(file)))) {
        return r.getRecordCount();
      } catch (IOException | RuntimeException e) {
        LOG.debug("no Parquet footer in {} ({}): estimating its rows from its size", file, e.toString());
      }
    }
    return (parquet ? size * 8 : size) / CSV_BYTES_PER_ROW;
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
