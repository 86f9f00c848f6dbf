package dev.shardcast.pipelines;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardcast prepare job.yaml [--set key=value]...}. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Read, validate, window, scale and shard a time series data set (a Beam pipeline).")
public final class PrepareCommand implements Callable<Integer> {

  @Mixin JobOptions job;

  @Option(names = "--beam-arg", paramLabel = "--OPTION=VALUE",
      description = "extra Beam pipeline option passed to the runner, e.g. --beam-arg=--awsRegion=us-east-1")
  List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    JobConfig config = job.load();
    IncrementalPrepare.Outcome o = PrepareJob.prepare(config, beamArgs);
    if (o.nothingNew()) {
      System.out.println("\nshardcast prepare: " + o.message() + " (" + config.shards().output() + ")");
      return 0;
    }
    System.out.println(summary(o.manifest(), config.shards().output(), (System.nanoTime() - started) / 1e9));
    if (o.message() != null) {
      System.out.println("  incremental       " + o.message());
    }
    return 0;
  }

  static String summary(ShardManifest m, String output, double seconds) {
    Map<String, Long> c = m.counts();
    StringBuilder sb = new StringBuilder();
    sb.append("\nshardcast prepare: ").append(m.name()).append(" done in ").append(String.format("%.1f s", seconds)).append('\n');
    sb.append(String.format("  rows read         %,d (%,d files)%n", c.getOrDefault("rows_read", 0L), c.getOrDefault("files_read", 0L)));
    sb.append(String.format("  rows in windows   %,d%n", c.getOrDefault("rows_windowed", 0L)));
    sb.append(String.format("  rows unused       %,d (in no window: gaps, short series, after the last split)%n", c.getOrDefault("rows_unused", 0L)));
    if (c.containsKey("rows_merged")) {
      sb.append(String.format("  rows merged       %,d (input.duplicates: folded into another row of their timestamp)%n",
          c.get("rows_merged")));
    }
    if (c.getOrDefault("events_sharing_timestamp", 0L) > 0) {
      sb.append(String.format("  tied events       %,d (kept: events of a series that share a timestamp, in file order)%n",
          c.get("events_sharing_timestamp")));
    }
    sb.append(String.format("  rows quarantined  %,d %s%n", c.getOrDefault("rows_quarantined", 0L), m.quarantine().byReason()));
    if (c.containsKey("rows_not_sampled")) {
      sb.append(String.format("  rows not sampled  %,d (smoke mode: other series)%n", c.get("rows_not_sampled")));
    }
    sb.append(String.format("  series            %,d (%,d too short for one window)%n", c.getOrDefault("series", 0L), c.getOrDefault("short_series", 0L)));
    for (String name : JobPlan.SPLITS) {
      ShardManifest.Split split = m.splits().get(name);
      sb.append(String.format("  %-5s             %,d windows in %,d shards%s%n", name, split.windows(), split.shardCount(),
          split.lastShardPartial() ? " (last shard " + split.lastShardRows() + " rows)" : ""));
    }
    sb.append(String.format("  straddling        %,d windows (forecast crosses a split cut-off: in no split)%n",
        c.getOrDefault("windows_straddling", 0L)));
    if (m.quality() != null) {
      sb.append("  data quality      ").append(m.quality().verdict()).append(" (").append(output).append('/')
          .append(dev.shardcast.transforms.quality.QualityReport.HTML_FILE_NAME).append(")\n");
    }
    sb.append("  output            ").append(output).append(" (manifest.json, quarantine/rows.jsonl")
        .append(m.config() != null && m.config().path("quality").path("quarantine_parquet").asBoolean(false)
            ? ", quarantine/rows.parquet)" : ")");
    return sb.toString();
  }
}
