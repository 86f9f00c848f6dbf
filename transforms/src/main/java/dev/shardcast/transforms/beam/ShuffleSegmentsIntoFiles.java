package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.SeriesExtent;
import dev.shardcast.transforms.core.WindowSegment;
import dev.shardcast.transforms.shard.BatchLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The compact layout's shuffle: each segment gets a seeded shuffle key from its identity (series and
 * first window's step); segments are ranked by it per split, their windows laid end to end, and file
 * {@code b} holds windows {@code [b*B, (b+1)*B)} (a segment that crosses a file boundary is cut in
 * two). The reader then shuffles windows across {@code shards.shuffle_buffer} files. Ranking works
 * as in {@link ShuffleIntoBatches}: equal key ranges, each sorted on its own, weighted by windows.
 * Output: one element per file, keyed {@code split/file}, segments in rank order.
 */
public final class ShuffleSegmentsIntoFiles
    extends PTransform<PCollection<KV<Integer, WindowSegment>>, PCollection<KV<String, List<WindowSegment>>>> {
  private final JobPlan plan;
  private final PCollectionView<Iterable<SeriesExtent>> dataRange;

  public ShuffleSegmentsIntoFiles(JobPlan plan, PCollectionView<Iterable<SeriesExtent>> dataRange) {
    this.plan = plan;
    this.dataRange = dataRange;
  }

  @Override
  public PCollection<KV<String, List<WindowSegment>>> expand(PCollection<KV<Integer, WindowSegment>> segments) {
    KvCoder<String, WindowSegment> keyed = KvCoder.of(StringUtf8Coder.of(), new BlockCoders.WindowSegmentCoder());
    PCollectionView<Map<Integer, Long>> splitSizes =
        segments
            .apply("SplitWindows", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
                .via(kv -> KV.of(kv.getKey(), (long) kv.getValue().windows())))
            .apply("SumSplitWindows", Sum.longsPerKey())
            .apply("SplitWindowsView", View.asMap());
    PCollection<KV<String, WindowSegment>> ranged =
        segments.apply("KeySegments", ParDo.of(new KeyFn(plan.seed(), splitSizes)).withSideInputs(splitSizes))
            .setCoder(keyed);
    PCollectionView<Map<String, Long>> rangeSizes =
        ranged
            .apply("RangeWindows", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(kv -> KV.of(kv.getKey(), (long) kv.getValue().windows())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("SumRangeWindows", Sum.longsPerKey())
            .apply("RangeWindowsView", View.asMap());
    return ranged
        .apply("GroupSegmentRanges", GroupByKey.create())
        .apply("RankSegments", ParDo.of(new RankFn(plan, rangeSizes, dataRange)).withSideInputs(rangeSizes, dataRange))
        .setCoder(keyed)
        .apply("GroupFiles", GroupByKey.create())
        .apply("AssembleFiles", ParDo.of(new AssembleFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(new BlockCoders.WindowSegmentCoder())));
  }

  /** Gives a segment its shuffle key and sends it to its key range. */
  static final class KeyFn extends DoFn<KV<Integer, WindowSegment>, KV<String, WindowSegment>> {
    private final long seed;
    private final PCollectionView<Map<Integer, Long>> splitSizes;

    KeyFn(long seed, PCollectionView<Map<Integer, Long>> splitSizes) {
      this.seed = seed;
      this.splitSizes = splitSizes;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int split = c.element().getKey();
      WindowSegment s = c.element().getValue();
      long key = BatchLayout.shuffleKey(seed, split, s.series, s.startStep(0));
      int ranges = BatchLayout.rangeCount(c.sideInput(splitSizes).get(split));
      c.output(KV.of(ShuffleIntoBatches.rangeKey(split, BatchLayout.rangeOf(key, ranges)), s.withOrder(key)));
    }
  }

  /** Sorts a key range, places its windows after those of the ranges before it, cuts at file ends. */
  static final class RankFn extends DoFn<KV<String, Iterable<WindowSegment>>, KV<String, WindowSegment>> {
    private final JobPlan plan;
    private final int batchSize;
    private final int span;
    private final PCollectionView<Map<String, Long>> rangeSizes;
    private final PCollectionView<Iterable<SeriesExtent>> dataRange;

    RankFn(JobPlan plan, PCollectionView<Map<String, Long>> rangeSizes, PCollectionView<Iterable<SeriesExtent>> dataRange) {
      this.plan = plan;
      this.batchSize = plan.config().shards().batchSize();
      this.span = plan.window().span();
      this.rangeSizes = rangeSizes;
      this.dataRange = dataRange;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      for (SeriesExtent range : c.sideInput(dataRange)) {
        plan.checkCutoffs(range.firstTime(), range.lastTime());
      }
      String[] key = c.element().getKey().split("/");
      int split = Integer.parseInt(key[0]);
      int range = Integer.parseInt(key[1]);
      Map<String, Long> sizes = c.sideInput(rangeSizes);
      long offset = 0;
      for (int r = 0; r < range; r++) {
        offset += sizes.getOrDefault(ShuffleIntoBatches.rangeKey(split, r), 0L);
      }
      List<WindowSegment> sorted = new ArrayList<>();
      c.element().getValue().forEach(sorted::add);
      sorted.sort(ORDER);
      long at = offset; // rank of the next window in the split
      for (WindowSegment s : sorted) {
        int from = 0;
        while (from < s.windows()) {
          long file = at / batchSize;
          int to = (int) Math.min(s.windows(), from + ((file + 1) * batchSize - at));
          WindowSegment piece = from == 0 && to == s.windows() ? s : s.slice(from, to, span);
          c.output(KV.of(split + "/" + file, piece.withOrder(at)));
          at += to - from;
          from = to;
        }
      }
    }
  }

  /** A total order on segments (their keys, then identity): independent of arrival order. */
  static final Comparator<WindowSegment> ORDER = Comparator.<WindowSegment>comparingLong(s -> s.order)
      .thenComparing(s -> s.series)
      .thenComparingLong(s -> s.firstStep);

  /** The segments of one file in rank order (a file can draw from two key ranges). */
  static final class AssembleFn extends DoFn<KV<String, Iterable<WindowSegment>>, KV<String, List<WindowSegment>>> {
    @ProcessElement
    public void process(ProcessContext c) {
      List<WindowSegment> parts = new ArrayList<>();
      c.element().getValue().forEach(parts::add);
      parts.sort(ORDER);
      c.output(KV.of(c.element().getKey(), parts));
    }
  }
}
