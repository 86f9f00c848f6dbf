package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.SeriesExtent;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.shard.BatchLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
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
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Shuffles each split's windows globally with the seed and cuts them into batches of exactly
 * {@code batch_size} (the split's last batch may be smaller). Output: one element per batch, keyed
 * {@code split/batch}, windows in rank order. See {@link BatchLayout}.
 *
 * <p>Before it forms the first batch it checks that the split cut-offs fall inside the data (known
 * only once the data is read), so a job with impossible cut-offs writes no shard.
 */
public final class ShuffleIntoBatches
    extends PTransform<PCollection<KV<Integer, WindowBlock>>, PCollection<KV<String, WindowBlock>>> {
  private static final TupleTag<KV<String, WindowBlock>> RANGES = new TupleTag<>() {};
  private static final TupleTag<KV<String, Long>> RANGE_SIZES = new TupleTag<>() {};

  private final JobPlan plan;
  private final PCollectionView<Iterable<SeriesExtent>> dataRange;

  public ShuffleIntoBatches(JobPlan plan, PCollectionView<Iterable<SeriesExtent>> dataRange) {
    this.plan = plan;
    this.dataRange = dataRange;
  }

  static String rangeKey(int split, int range) {
    return split + "/" + range;
  }

  @Override
  public PCollection<KV<String, WindowBlock>> expand(PCollection<KV<Integer, WindowBlock>> windows) {
    KvCoder<String, WindowBlock> blockCoder = KvCoder.of(StringUtf8Coder.of(), new BlockCoders.WindowBlockCoder());
    PCollectionView<Map<Integer, Long>> splitSizes =
        windows
            .apply("SplitSizes", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.longs()))
                .via(kv -> KV.of(kv.getKey(), (long) kv.getValue().size)))
            .apply("SumSplitSizes", Sum.longsPerKey())
            .apply("SplitSizesView", View.asMap());
    PCollectionTuple ranged =
        windows.apply("PartitionByKeyRange", ParDo.of(new PartitionFn(plan.seed(), splitSizes))
            .withSideInputs(splitSizes)
            .withOutputTags(RANGES, TupleTagList.of(RANGE_SIZES)));
    ranged.get(RANGES).setCoder(blockCoder);
    PCollectionView<Map<String, Long>> rangeSizes =
        ranged.get(RANGE_SIZES)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("SumRangeSizes", Sum.longsPerKey())
            .apply("RangeSizesView", View.asMap());
    return ranged.get(RANGES)
        .apply("GroupRanges", GroupByKey.create())
        .apply("RankWindows", ParDo.of(new RankFn(plan, rangeSizes, dataRange)).withSideInputs(rangeSizes, dataRange))
        .setCoder(blockCoder)
        .apply("GroupBatches", GroupByKey.create())
        .apply("AssembleBatches", ParDo.of(new AssembleFn()))
        .setCoder(blockCoder);
  }

  /** Gives every window its shuffle key and sends it to its key range. */
  static final class PartitionFn extends DoFn<KV<Integer, WindowBlock>, KV<String, WindowBlock>> {
    private final long seed;
    private final PCollectionView<Map<Integer, Long>> splitSizes;

    PartitionFn(long seed, PCollectionView<Map<Integer, Long>> splitSizes) {
      this.seed = seed;
      this.splitSizes = splitSizes;
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      int split = c.element().getKey();
      WindowBlock b = c.element().getValue();
      int ranges = BatchLayout.rangeCount(c.sideInput(splitSizes).get(split));
      Map<Integer, List<Integer>> byRange = new HashMap<>();
      long[] keys = new long[b.size];
      for (int w = 0; w < b.size; w++) {
        keys[w] = BatchLayout.shuffleKey(seed, split, b.series[w], b.startStep[w]);
        byRange.computeIfAbsent(BatchLayout.rangeOf(keys[w], ranges), r -> new ArrayList<>()).add(w);
      }
      b = b.withOrder(keys);
      for (Map.Entry<Integer, List<Integer>> e : byRange.entrySet()) {
        String key = rangeKey(split, e.getKey());
        int[] idx = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        out.get(RANGES).output(KV.of(key, idx.length == b.size ? b : b.select(idx)));
        out.get(RANGE_SIZES).output(KV.of(key, (long) idx.length));
      }
    }
  }

  /** Sorts a key range and turns shuffle keys into ranks in the split; emits per-batch pieces. */
  static final class RankFn extends DoFn<KV<String, Iterable<WindowBlock>>, KV<String, WindowBlock>> {
    private final JobPlan plan;
    private final int batchSize;
    private final PCollectionView<Map<String, Long>> rangeSizes;
    private final PCollectionView<Iterable<SeriesExtent>> dataRange;

    RankFn(JobPlan plan, PCollectionView<Map<String, Long>> rangeSizes, PCollectionView<Iterable<SeriesExtent>> dataRange) {
      this.plan = plan;
      this.batchSize = plan.config().shards().batchSize();
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
        offset += sizes.getOrDefault(rangeKey(split, r), 0L);
      }
      List<WindowBlock> parts = new ArrayList<>();
      c.element().getValue().forEach(parts::add);
      WindowBlock sorted = WindowBlock.concat(parts).sortedByOrder();
      int from = 0;
      while (from < sorted.size) {
        long batch = (offset + from) / batchSize;
        int to = (int) Math.min(sorted.size, (batch + 1) * batchSize - offset);
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = from + i;
        }
        WindowBlock piece = sorted.select(idx);
        for (int i = 0; i < idx.length; i++) {
          piece.order[i] = offset + from + i;
        }
        c.output(KV.of(split + "/" + batch, piece));
        from = to;
      }
    }
  }

  /** Joins the pieces of one batch (a batch can straddle two key ranges) in rank order. */
  static final class AssembleFn extends DoFn<KV<String, Iterable<WindowBlock>>, KV<String, WindowBlock>> {
    @ProcessElement
    public void process(ProcessContext c) {
      List<WindowBlock> parts = new ArrayList<>();
      c.element().getValue().forEach(parts::add);
      c.output(KV.of(c.element().getKey(), WindowBlock.concat(parts).sortedByOrder()));
    }
  }
}
