package dev.shardcast.pipelines;

import dev.shardcast.transforms.beam.FitScaler;
import dev.shardcast.transforms.beam.MergeProfiles;
import dev.shardcast.transforms.beam.WriteQualityReport;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.RuleSet;
import dev.shardcast.transforms.quality.ScaleCheck;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptor;
import dev.shardcast.transforms.beam.RankEvents;
import dev.shardcast.transforms.beam.ReadSeries;
import dev.shardcast.transforms.beam.SampleSeries;
import dev.shardcast.transforms.beam.ScaleWindows;
import dev.shardcast.transforms.beam.ShuffleIntoBatches;
import dev.shardcast.transforms.beam.ShuffleSegmentsIntoFiles;
import dev.shardcast.transforms.beam.WindowSeries;
import dev.shardcast.transforms.beam.WriteManifest;
import dev.shardcast.transforms.beam.WriteQuarantine;
import dev.shardcast.transforms.beam.WriteShards;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.core.ScalerParams;
import dev.shardcast.transforms.core.SeriesExtent;
import dev.shardcast.transforms.shard.ShardManifest.ShardFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The prepare job's graph: read and check rows (profile them) → (rank events) → window (scale check,
 * cross-source conflicts) → fit scaler on train sample → scale → shuffle into batches → write shards;
 * quarantine and counts on the side; the quality report and its verdict before any shard; manifest last.
 */
public final class PreparePipeline {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PreparePipeline.class);
  private PreparePipeline() {}

  /** The previous run's quality report, for drift: its text and where it came from. */
  public record Baseline(String json, String path) implements java.io.Serializable {
    public static final Baseline NONE = new Baseline(null, null);
  }

  public static void build(Pipeline p, JobPlan plan, String outputDir, WriteManifest.RunInfo run) {
    build(p, plan, outputDir, run, Baseline.NONE);
  }

  public static void build(Pipeline p, JobPlan plan, String outputDir, WriteManifest.RunInfo run, Baseline baseline) {
    build(p, plan, outputDir, run, baseline, null);
  }

  /**
   * An incremental span's inputs beyond the config: its new files, and the tails of the spans before.
   *
   * @param files the files to read (as the input match lists them)
   * @param earlier each series' tail of the spans before
   */
  public record Span(List<String> files, List<dev.shardcast.transforms.core.SpanTail> earlier) {}

  /** @param span an incremental span's inputs, or null for a job over every input file */
  public static void build(Pipeline p, JobPlan plan, String outputDir, WriteManifest.RunInfo run, Baseline baseline,
      Span span) {
    PCollectionTuple read = p.apply("ReadSeries", new ReadSeries(plan, span == null ? null : span.files()));
    PCollection<DatasetProfile> profile =
        read.get(ReadSeries.PROFILES).apply("MergeProfiles", Combine.globally(new MergeProfiles.MergeFn()).withoutDefaults());
    PCollectionView<DatasetProfile> profileView = profile.apply("ProfileView", View.asSingleton());
    // Sketch queries build caches inside the sketch; the scale check reads a copy, never Beam's element.
    RuleSet rules = RuleSet.compile(plan);
    PCollectionView<ScaleCheck> scaleView = null;
    if (!rules.scaleRules().isEmpty()) {
      scaleView = profile
          .apply("FitScaleCheck", MapElements.into(TypeDescriptor.of(ScaleCheck.class))
              .via(merged -> ScaleCheck.of(plan, RuleSet.compile(plan), DatasetProfile.fromBytes(merged.toBytes()))))
          .setCoder(SerializableCoder.of(ScaleCheck.class))
          .apply("ScaleCheckView", View.asSingleton());
    }
    List<PCollection<KV<String, String>>> quarantine = new ArrayList<>();
    quarantine.add(read.get(ReadSeries.QUARANTINE));
    PCollection<KV<KV<String, Long>, RowChunk>> chunks = read.get(ReadSeries.CHUNKS);
    List<PCollection<KV<String, Long>>> counts = new ArrayList<>();
    counts.add(read.get(ReadSeries.COUNTS));
    if (plan.config().input().sampleSeries() != null) {
      PCollectionTuple sampled = chunks.apply("SampleSeries", new SampleSeries(plan));
      chunks = sampled.get(SampleSeries.CHUNKS);
      counts.add(sampled.get(SampleSeries.COUNTS));
    }
    if (!plan.frequency().isRegular()) {
      PCollectionTuple ranked = chunks.apply("RankEvents", new RankEvents(plan));
      chunks = ranked.get(RankEvents.CHUNKS);
      quarantine.add(ranked.get(RankEvents.QUARANTINE));
      counts.add(ranked.get(RankEvents.COUNTS));
    }

    PCollection<KV<String, SeriesExtent>> earlier = null;
    if (span != null) {
      // The earlier spans' last rows join this span's as context (never checked or counted again).
      chunks = PCollectionList.of(chunks)
          .and(p.apply("EarlierTails", org.apache.beam.sdk.transforms.Create.of(tailChunks(plan, span.earlier()))
              .withCoder(chunks.getCoder())))
          .apply("WithEarlierTails", Flatten.pCollections());
      List<KV<String, SeriesExtent>> extents = new ArrayList<>();
      span.earlier().forEach(t -> extents.add(KV.of(t.series(), t.extent())));
      earlier = p.apply("EarlierExtents", org.apache.beam.sdk.transforms.Create.of(extents)
          .withCoder(org.apache.beam.sdk.coders.KvCoder.of(org.apache.beam.sdk.coders.StringUtf8Coder.of(),
              SerializableCoder.of(SeriesExtent.class))));
    }
    PCollectionTuple windowed = chunks.apply("WindowSeries", new WindowSeries(plan, scaleView, earlier));
    if (plan.incremental()) {
      windowed.get(WindowSeries.TAILS).apply("WriteSpanTail", new dev.shardcast.transforms.beam.WriteSpanTail(outputDir));
    }
    quarantine.add(windowed.get(WindowSeries.QUARANTINE));
    // With defaults: a run whose every row was quarantined still gets its (empty) profile.
    PCollectionView<DatasetProfile> usedProfileView = windowed.get(WindowSeries.USED_PROFILES)
        .apply("MergeUsedProfiles", Combine.globally(new MergeProfiles.MergeFn()).asSingletonView());
    PCollection<KV<String, SeriesExtent>> extents = windowed.get(WindowSeries.EXTENTS);
    PCollectionView<Iterable<SeriesExtent>> dataRange =
        extents
            .apply("ExtentValues", Values.create())
            .apply("DataRange", Combine.globally(new WindowSeries.MergeExtents()).withoutDefaults())
            .apply("DataRangeView", View.asIterable());

    PCollectionView<List<String>> seriesKeys = plan.config().scaler().scope() == JobConfig.ScalerScope.PER_SERIES
        ? extents.apply("SeriesKeys", org.apache.beam.sdk.transforms.Keys.create()).apply("SeriesKeysView", View.asList())
        : null;
    String givenScaler = plan.config().scaler().from();
    PCollectionView<ScalerParams> scaler = givenScaler == null
        ? windowed.get(WindowSeries.TRAIN_SAMPLES).apply("FitScaler", new FitScaler(plan, seriesKeys))
        : p.apply("GivenScaler", org.apache.beam.sdk.transforms.Create.of(givenScaler(plan))
                .withCoder(SerializableCoder.of(ScalerParams.class)))
            .apply("GivenScalerView", View.asSingleton());

    PCollection<KV<String, Long>> quarantineCounts =
        PCollectionList.of(quarantine).apply("AllQuarantine", Flatten.pCollections())
            .apply("WriteQuarantine", new WriteQuarantine(plan, outputDir));
    counts.add(windowed.get(WindowSeries.COUNTS));
    counts.add(quarantineCounts);
    counts.add(WindowSeries.seriesCounts(extents, plan));
    PCollectionView<Map<String, Long>> countsView =
        PCollectionList.of(counts)
            .apply("AllCounts", Flatten.pCollections())
            .apply("SumCounts", Sum.longsPerKey())
            .apply("CountsView", View.asMap());

    // The quality gate: every count above is final before a single shard is written.
    PCollectionView<String> verdict = p.apply("WriteQualityReport",
        new WriteQualityReport(plan, outputDir, countsView, profileView, usedProfileView, baseline.json(), baseline.path(),
            run.startedAt()));
    PCollection<KV<String, ShardFile>> shards;
    if (plan.config().shards().layout() == JobConfig.Layout.COMPACT) {
      shards = windowed.get(WindowSeries.SEGMENTS)
          .apply("ScaleSegments", ScaleWindows.segments(plan, scaler))
          .apply("ShuffleSegmentsIntoFiles", new ShuffleSegmentsIntoFiles(plan, dataRange))
          .apply("WriteShards", WriteShards.compact(plan, outputDir, verdict));
    } else {
      shards = windowed.get(WindowSeries.WINDOWS)
          .apply("ScaleWindows", new ScaleWindows(plan, scaler))
          .apply("ShuffleIntoBatches", new ShuffleIntoBatches(plan, dataRange))
          .apply("WriteShards", WriteShards.windows(plan, outputDir, verdict));
    }

    p.apply("WriteManifest", new WriteManifest(plan, outputDir,
        new WriteManifest.Inputs(
            shards.apply("ShardsView", View.asList()),
            countsView,
            read.get(ReadSeries.FILES).apply("FilesView", View.asList()),
            scaler,
            dataRange,
            verdict),
        run));
  }

  private static List<KV<KV<String, Long>, RowChunk>> tailChunks(JobPlan plan,
      List<dev.shardcast.transforms.core.SpanTail> tails) {
    dev.shardcast.transforms.core.ChunkLayout layout = dev.shardcast.transforms.core.ChunkLayout.of(plan);
    List<KV<KV<String, Long>, RowChunk>> out = new ArrayList<>();
    for (dev.shardcast.transforms.core.SpanTail t : tails) {
      t.chunks(layout, plan.valueColumns().size()).forEach((chunk, rows) -> out.add(KV.of(KV.of(t.series(), chunk), rows)));
    }
    return out;
  }

  /**
   * scaler.from's scaler, read now (on the machine that builds the pipeline, through Beam's file
   * systems, so a folder or an s3:// location), so a wrong path or a scaler that does not fit the job
   * is a config error (exit 2) before any work.
   */
  static ScalerParams givenScaler(JobPlan plan) {
    String from = plan.config().scaler().from();
    String file = from.endsWith(".json") ? from
        : from.replaceAll("/+$", "") + "/" + dev.shardcast.transforms.shard.ShardManifest.FILE_NAME;
    byte[] json;
    try (java.io.InputStream in = java.nio.channels.Channels.newInputStream(
        org.apache.beam.sdk.io.FileSystems.open(org.apache.beam.sdk.io.FileSystems.matchSingleFileSpec(file).resourceId()))) {
      json = in.readAllBytes();
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new dev.shardcast.transforms.config.ConfigException("config key 'scaler.from': no manifest at " + file);
    } catch (java.io.IOException e) {
      throw new dev.shardcast.transforms.config.ConfigException("config key 'scaler.from': cannot read " + file + ": "
          + e.getMessage());
    }
    ScalerParams params = dev.shardcast.transforms.core.GivenScaler.of(plan, file, json);
    LOG.info("scaler: the one of {} (scaler.from), not fitted: {} series with their own scales", file,
        params.perSeries().size());
    return params;
  }
}
