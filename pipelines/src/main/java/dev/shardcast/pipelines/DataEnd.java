package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.InputPaths;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.NoWindowsException;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.quality.RowChecks;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.read.CsvSource;
import dev.shardcast.transforms.read.ParquetSource;
import dev.shardcast.transforms.read.RowSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data's latest timestamp, for {@code split.mode: rolling}: one pass over every input file with
 * the pipeline's own readers and row checks (a row the checks quarantine does not move the end), on
 * the machine that builds the pipeline, before it is built. Costs one extra read of the input.
 */
final class DataEnd {
  private static final Logger LOG = LoggerFactory.getLogger(DataEnd.class);

  private DataEnd() {}

  static long latest(JobPlan plan) throws IOException {
    long started = System.nanoTime();
    RuleSet rules = RuleSet.compile(plan);
    long[] latest = {Long.MIN_VALUE};
    long rows = 0;
    List<JobConfig.Source> sources = plan.sources();
    for (int i = 0; i < sources.size(); i++) {
      JobConfig.Source src = sources.get(i);
      String key = plan.sourcePathKey(i);
      RowSink sink = new RowSink() {
        @Override
        public void row(String series, long epochMillis, long line, double[] values) {
          latest[0] = Math.max(latest[0], epochMillis);
        }

        @Override
        public void quarantine(QuarantineRecord record) {}
      };
      for (ResourceId file : files(key, src.path())) {
        RowChecks checks = new RowChecks(plan, rules, src);
        if (src.format() == JobConfig.Format.PARQUET) {
          rows += ParquetSource.read(plan, src, checks, file.toString(), () -> (SeekableByteChannel) FileSystems.open(file), sink);
        } else {
          try (BufferedReader r = new BufferedReader(Channels.newReader(FileSystems.open(file), StandardCharsets.UTF_8), 1 << 16)) {
            rows += CsvSource.read(plan, src, checks, file.toString(), r, sink);
          }
        }
      }
    }
    if (latest[0] == Long.MIN_VALUE) {
      throw new NoWindowsException("split.mode rolling: none of the " + rows + " input rows has a timestamp the row "
          + "checks accept, so the data has no end to count the val and test periods back from");
    }
    LOG.info("split (rolling): read {} rows for the data's end in {} ms", rows, (System.nanoTime() - started) / 1_000_000);
    return latest[0];
  }

  private static List<ResourceId> files(String key, String spec) throws IOException {
    List<ResourceId> out = new ArrayList<>();
    if (InputPaths.isLocal(spec)) {
      for (String f : InputPaths.match(key, spec)) {
        out.add(FileSystems.matchNewResource(f, false));
      }
      return out;
    }
    for (MatchResult.Metadata m : FileSystems.match(spec).metadata()) {
      out.add(m.resourceId());
    }
    return out;
  }
}
