package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.NoWindowsDiagnosis;
import dev.shardcast.transforms.core.NoWindowsException;
import dev.shardcast.transforms.core.ScalerParams;
import dev.shardcast.transforms.quality.QuarantineSample;
import dev.shardcast.transforms.quality.QualityReport;
import dev.shardcast.transforms.core.SeriesExtent;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardManifest.ShardFile;
import dev.shardcast.transforms.shard.ShardSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Writes {@code manifest.json} last, atomically, once every shard and the quarantine file exist
 * (its side inputs are complete only then). It refuses to write when the row counts do not
 * reconcile: rows read = rows in windows + rows unused + rows quarantined, and when the train or the
 * val split has no window ({@link NoWindowsException}).
 */
public final class WriteManifest extends PTransform<PBegin, PCollection<String>> {

  /** Everything the manifest gathers from the rest of the pipeline. */
  public record Inputs(
      PCollectionView<List<KV<String, ShardFile>>> shards,
      PCollectionView<Map<String, Long>> counts,
      PCollectionView<List<KV<String, Long>>> files,
      PCollectionView<ScalerParams> scaler,
      PCollectionView<Iterable<SeriesExtent>> dataRange,
      PCollectionView<String> verdict) implements java.io.Serializable {}

  /** What only the launcher knows. */
  /**
   * @param laterSpan a later incremental span: a split may be empty here (its new rows may all fall in
   *     the test period); train reads the top-level manifest over every span, which is checked instead
   */
  public record RunInfo(String gitCommit, String startedAt, boolean laterSpan) implements java.io.Serializable {
    public RunInfo(String gitCommit, String startedAt) {
      this(gitCommit, startedAt, false);
    }
  }

  private final JobPlan plan;
  private final String outputDir;
  private final Inputs inputs;
  private final RunInfo run;

  public WriteManifest(JobPlan plan, String outputDir, Inputs inputs, RunInfo run) {
    this.plan = plan;
    this.outputDir = outputDir;
    this.inputs = inputs;
    this.run = run;
  }

  @Override
  public PCollection<String> expand(PBegin begin) {
    return begin
        .apply("ManifestTrigger", Create.of(ShardManifest.FILE_NAME))
        .apply("WriteManifestFile", ParDo.of(new WriteFn(plan, outputDir, inputs, run))
            .withSideInputs(inputs.shards(), inputs.counts(), inputs.files(), inputs.scaler(), inputs.dataRange(),
                inputs.verdict()))
        .setCoder(StringUtf8Coder.of());
  }

  static final class WriteFn extends DoFn<String, String> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WriteFn.class);
    private final JobPlan plan;
    private final String outputDir;
    private final Inputs in;
    private final RunInfo run;

    WriteFn(JobPlan plan, String outputDir, Inputs in, RunInfo run) {
      this.plan = plan;
      this.outputDir = outputDir;
      this.in = in;
      this.run = run;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      if (QualityReport.FAIL.equals(c.sideInput(in.verdict()))) {
        LOG.error("no manifest written: the data-quality gate failed (see {})", QualityReport.FILE_NAME);
        return;
      }
      Map<String, Long> counts = new TreeMap<>(c.sideInput(in.counts()));
      Map<String, ShardManifest.Split> splits = splits(c.sideInput(in.shards()), counts);
      long read = counts.getOrDefault("rows_read", 0L);
      long accounted = counts.getOrDefault("rows_windowed", 0L) + counts.getOrDefault("rows_unused", 0L)
          + counts.getOrDefault("rows_merged", 0L) + counts.getOrDefault("rows_quarantined", 0L)
          + counts.getOrDefault("rows_not_sampled", 0L);
      if (read != accounted) {
        throw new IllegalStateException("row counts do not reconcile: " + read + " rows read, but windowed + unused + "
            + "merged + quarantined (+ not sampled) = " + accounted + " " + counts + "; no manifest written");
      }
      for (JobConfig.Source source : plan.sources()) {
        String k = "source." + source.name() + ".";
        long sourceRead = counts.getOrDefault(k + "rows_read", 0L);
        long sourceAccounted = counts.getOrDefault(k + "rows_used", 0L) + counts.getOrDefault(k + "rows_quarantined", 0L)
            + counts.getOrDefault(k + "rows_not_sampled", 0L);
        if (sourceRead != sourceAccounted) {
          throw new IllegalStateException("row counts of source '" + source.name() + "' do not reconcile: " + sourceRead
              + " rows read, but used + quarantined (+ not sampled) = " + sourceAccounted + "; no manifest written");
        }
      }
      List<ShardManifest.InputFile> files = new ArrayList<>();
      for (KV<String, Long> f : c.sideInput(in.files())) {
        files.add(new ShardManifest.InputFile(dev.shardcast.transforms.config.Redaction.text(f.getKey()), f.getValue()));
      }
      files.sort(Comparator.comparing(ShardManifest.InputFile::path));
      for (SeriesExtent range : c.sideInput(in.dataRange())) {
        plan.checkCutoffs(range.firstTime(), range.lastTime()); // also when no window reached a shard
        counts.put("data_first_time_ms", range.firstTime());
        counts.put("data_last_time_ms", range.lastTime());
      }
      Map<String, Long> byReason = new TreeMap<>();
      counts.forEach((k, v) -> {
        if (k.startsWith("quarantined.")) {
          byReason.put(k.substring("quarantined.".length()), v);
        }
      });
      // The no-windows check lives here, not in the quality gate and not in train: this is the first
      // place the final window count per split exists (windows are counted as their shards are
      // written), and the only place a manifest is published. Failing here means no manifest ever
      // claims success for a run with nothing to train on, and `prepare` alone fails as `run` does.
      if (!run.laterSpan()) {
        checkWindows(counts, byReason);
      }
      JobConfig cfg = plan.config();
      ShardSchema schema = ShardSchema.of(plan);
      ScalerParams scaler = c.sideInput(in.scaler());
      ShardManifest manifest = new ShardManifest(
          ShardSchema.FORMAT_VERSION,
          cfg.name(),
          ConfigLoader.hash(cfg),
          ConfigLoader.toTree(cfg),
          run.gitCommit(),
          run.startedAt(),
          Instant.now().toString(),
          plan.seed(),
          files,
          schema(cfg, schema),
          splits,
          new ShardManifest.Scaler(cfg.scaler().type().yaml(), cfg.scaler().scope().yaml(), cfg.scaler().sampleSize(),
              scaler.global(), scaler.perSeries()),
          counts,
          new ShardManifest.Quarantine(WriteQuarantine.PATH, counts.getOrDefault("rows_quarantined", 0L), byReason),
          new ShardManifest.Quality(QualityReport.FILE_NAME, c.sideInput(in.verdict())));
      OutputFiles.writeAtomically(outputDir, ShardManifest.FILE_NAME, manifest.toJson());
      LOG.info("manifest written; counts: {}", counts);
      c.output(OutputFiles.resolve(outputDir, ShardManifest.FILE_NAME).toString());
    }

    private ShardManifest.Schema schema(JobConfig cfg, ShardSchema schema) {
      boolean compact = cfg.shards().layout() == JobConfig.Layout.COMPACT;
      return new ShardManifest.Schema(cfg.shards().batchSize(), plan.window().past(), plan.window().future(),
          plan.window().lead(), plan.window().stride(), plan.frequency().toString(), schema.inputs(),
          schema.targets(), schema.hasMasks(), compact ? schema.describeCompact() : schema.describe(),
          cfg.shards().layout().yaml(), compact ? cfg.shards().segmentWindows() : null,
          compact ? cfg.shards().shuffleBuffer() : null, cfg.windowing().features().isEmpty() ? null
              : cfg.windowing().features().stream().map(dev.shardcast.transforms.config.TimeFeature::yaml).toList());
    }

    /** @throws NoWindowsException naming the cause when the train or the val split has no window */
    private void checkWindows(Map<String, Long> counts, Map<String, Long> byReason) throws IOException {
      if (counts.getOrDefault("windows_train", 0L) > 0 && counts.getOrDefault("windows_val", 0L) > 0) {
        return;
      }
      QuarantineSample sample = null;
      if (counts.getOrDefault("rows_quarantined", 0L) > 0) {
        // Written before the counts side input was complete: the quarantine counts come from its writer.
        try (java.io.BufferedReader r = OutputFiles.reader(outputDir, WriteQuarantine.PATH)) {
          sample = QuarantineSample.of(byReason, r);
        }
      }
      String message = NoWindowsDiagnosis.diagnose(plan, counts, sample,
          OutputFiles.resolve(outputDir, WriteQuarantine.PATH).toString());
      LOG.error("no manifest written: {}", message);
      throw new NoWindowsException(message);
    }

    private Map<String, ShardManifest.Split> splits(List<KV<String, ShardFile>> shards, Map<String, Long> counts) {
      int batchSize = plan.config().shards().batchSize();
      Map<String, ShardManifest.Split> out = new LinkedHashMap<>();
      for (String split : JobPlan.SPLITS) {
        List<ShardFile> files = new ArrayList<>();
        for (KV<String, ShardFile> kv : shards) {
          if (kv.getKey().equals(split)) {
            files.add(kv.getValue());
          }
        }
        files.sort(Comparator.comparing(ShardFile::path));
        long windows = files.stream().mapToLong(ShardFile::rows).sum();
        long last = files.isEmpty() ? 0 : files.get(files.size() - 1).rows();
        out.put(split, new ShardManifest.Split(windows, files.size(), last > 0 && last < batchSize, last, files));
        counts.put("windows_" + split, windows);
        counts.put("shards_" + split, (long) files.size());
      }
      return out;
    }
  }
}
