package dev.shardcast.pipelines;

import dev.shardcast.transforms.beam.FitScaler;
import dev.shardcast.transforms.beam.RankEvents;
import dev.shardcast.transforms.beam.ReadSeries;
import dev.shardcast.transforms.beam.SampleSeries;
import dev.shardcast.transforms.beam.ScaleWindows;
import dev.shardcast.transforms.beam.ShuffleIntoBatches;
import dev.shardcast.transforms.beam.WindowSeries;
import dev.shardcast.transforms.beam.WriteManifest;
import dev.shardcast.transforms.beam.WriteQuarantine;
import dev.shardcast.transforms.beam.WriteShards;
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
 * The prepare job's graph: read → (rank events) → window → fit scaler on train sample → scale →
 * shuffle into batches → write shards; quarantine and counts on the side; manifest last.
 */
public final class PreparePipeline {
  private PreparePipeline() {}

  public static void build(Pipeline p, JobPlan plan, String outputDir, WriteManifest.RunInfo run) {
    PCollectionTuple read = p.apply("ReadSeries", new ReadSeries(plan));
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
    }

    PCollectionTuple windowed = chunks.apply("WindowSeries", new WindowSeries(plan));
    quarantine.add(windowed.get(WindowSeries.QUARANTINE));
    PCollection<KV<String, SeriesExtent>> extents = windowed.get(WindowSeries.EXTENTS);
    PCollectionView<Iterable<SeriesExtent>> dataRange =
        extents
            .apply("ExtentValues", Values.create())
            .apply("DataRange", Combine.globally(new WindowSeries.MergeExtents()).withoutDefaults())
            .apply("DataRangeView", View.asIterable());

    PCollectionView<ScalerParams> scaler = windowed.get(WindowSeries.TRAIN_SAMPLES).apply("FitScaler", new FitScaler(plan));
    PCollection<KV<String, ShardFile>> shards =
        windowed.get(WindowSeries.WINDOWS)
            .apply("ScaleWindows", new ScaleWindows(plan, scaler))
            .apply("ShuffleIntoBatches", new ShuffleIntoBatches(plan, dataRange))
            .apply("WriteShards", new WriteShards(plan, outputDir));

    PCollection<KV<String, Long>> quarantineCounts =
        PCollectionList.of(quarantine).apply("AllQuarantine", Flatten.pCollections())
            .apply("WriteQuarantine", new WriteQuarantine(outputDir));
    counts.add(windowed.get(WindowSeries.COUNTS));
    counts.add(quarantineCounts);
    counts.add(WindowSeries.seriesCounts(extents, plan));
    PCollectionView<Map<String, Long>> countsView =
        PCollectionList.of(counts)
            .apply("AllCounts", Flatten.pCollections())
            .apply("SumCounts", Sum.longsPerKey())
            .apply("CountsView", View.asMap());

    p.apply("WriteManifest", new WriteManifest(plan, outputDir,
        new WriteManifest.Inputs(
            shards.apply("ShardsView", View.asList()),
            countsView,
            read.get(ReadSeries.FILES).apply("FilesView", View.asList()),
            scaler,
            dataRange),
        run));
  }
}
