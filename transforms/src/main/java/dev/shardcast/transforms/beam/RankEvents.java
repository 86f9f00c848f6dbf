package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.ChunkWindower;
import dev.shardcast.transforms.core.ConflictResolver;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * For {@code frequency: none}: turns each event's time into its rank in its series, so irregular
 * sequences are windowed over consecutive events by the same chunked code as regular grids. Events
 * arrive in time buckets; each bucket is sorted by (timestamp, source file, line): events that share
 * a timestamp are all kept, in that order (see {@link ConflictResolver#resolveEvents}); bucket sizes
 * give each bucket's first rank, and rows are re-routed to step chunks.
 */
public final class RankEvents
    extends PTransform<PCollection<KV<KV<String, Long>, RowChunk>>, PCollectionTuple> {
  public static final TupleTag<KV<KV<String, Long>, RowChunk>> CHUNKS = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> QUARANTINE = new TupleTag<>() {};
  /** events_sharing_timestamp: events kept although another event of their series has their time. */
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};
  private static final TupleTag<KV<KV<String, Long>, RowChunk>> SORTED = new TupleTag<>() {};
  private static final TupleTag<KV<String, KV<Long, Long>>> BUCKET_SIZES = new TupleTag<>() {};
  private static final TupleTag<RowChunk> SORTED_ROWS = new TupleTag<>() {};
  private static final TupleTag<Long> FIRST_RANK = new TupleTag<>() {};

  private final JobPlan plan;

  public RankEvents(JobPlan plan) {
    this.plan = plan;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<KV<String, Long>, RowChunk>> buckets) {
    KvCoder<KV<String, Long>, RowChunk> chunkCoder =
        KvCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), new BlockCoders.RowChunkCoder());
    PCollectionTuple sorted =
        buckets
            .apply("GroupEventBuckets", GroupByKey.create())
            .apply("SortEvents", ParDo.of(new SortFn(plan))
                .withOutputTags(SORTED, TupleTagList.of(BUCKET_SIZES).and(QUARANTINE).and(COUNTS)));
    sorted.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    sorted.get(SORTED).setCoder(chunkCoder);
    sorted.get(QUARANTINE).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PCollection<KV<KV<String, Long>, Long>> firstRanks =
        sorted.get(BUCKET_SIZES)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), VarLongCoder.of())))
            .apply("GroupBucketSizes", GroupByKey.create())
            .apply("FirstRanks", ParDo.of(new FirstRankFn()))
            .setCoder(KvCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), VarLongCoder.of()));
    // A join rather than a map side input: one entry per bucket is too many to re-read per bundle.
    PCollection<KV<KV<String, Long>, RowChunk>> ranked =
        KeyedPCollectionTuple.of(SORTED_ROWS, sorted.get(SORTED))
            .and(FIRST_RANK, firstRanks)
            .apply("JoinFirstRanks", CoGroupByKey.create())
            .apply("AssignRanks", ParDo.of(new AssignFn(plan)))
            .setCoder(chunkCoder);
    return PCollectionTuple.of(CHUNKS, ranked).and(QUARANTINE, sorted.get(QUARANTINE)).and(COUNTS, sorted.get(COUNTS));
  }

  static final class SortFn extends DoFn<KV<KV<String, Long>, Iterable<RowChunk>>, KV<KV<String, Long>, RowChunk>> {
    private final JobPlan plan;

    SortFn(JobPlan plan) {
      this.plan = plan;
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      String series = c.element().getKey().getKey();
      long bucket = c.element().getKey().getValue();
      List<ChunkWindower.RowRef> rows = new ArrayList<>();
      for (RowChunk rc : c.element().getValue()) {
        for (int r = 0; r < rc.size; r++) {
          rows.add(new ChunkWindower.RowRef(rc, r));
        }
      }
      ConflictResolver.EventOrder order = ConflictResolver.orderEvents(rows, plan);
      for (ChunkWindower.Rejected d : order.rejected()) {
        QuarantineRecord q = d.toRecord(plan);
        out.get(QUARANTINE).output(KV.of(q.sortKey(), q.toJson()));
      }
      RowChunk.Builder kept = null;
      double[] values = new double[plan.valueColumns().size()];
      for (ChunkWindower.RowRef r : order.kept()) {
        if (kept == null) {
          kept = new RowChunk.Builder(series, r.chunk().sourceOf(r.row()), r.chunk().originOf(r.row()), values.length);
        }
        System.arraycopy(r.chunk().values, r.row() * values.length, values, 0, values.length);
        // A bucket mixes files and sources: each row keeps its own, for lineage and per-source counts.
        kept.add(kept.size(), r.chunk().times[r.row()], r.chunk().lines[r.row()], values, r.chunk().sourceOf(r.row()),
            r.chunk().originOf(r.row()));
      }
      long tied = order.tied();
      out.get(COUNTS).output(KV.of("events_sharing_timestamp", tied));
      long size = kept == null ? 0 : kept.size();
      out.get(BUCKET_SIZES).output(KV.of(series, KV.of(bucket, size)));
      if (kept != null) {
        out.get(SORTED).output(KV.of(KV.of(series, bucket), kept.build()));
      }
    }

  }

  /** Each bucket's first rank is the number of events in the series' earlier buckets. */
  static final class FirstRankFn extends DoFn<KV<String, Iterable<KV<Long, Long>>>, KV<KV<String, Long>, Long>> {
    @ProcessElement
    public void process(ProcessContext c) {
      TreeMap<Long, Long> sizes = new TreeMap<>();
      c.element().getValue().forEach(kv -> sizes.merge(kv.getKey(), kv.getValue(), Long::sum));
      long rank = 0;
      for (Map.Entry<Long, Long> e : sizes.entrySet()) {
        c.output(KV.of(KV.of(c.element().getKey(), e.getKey()), rank));
        rank += e.getValue();
      }
    }
  }

  static final class AssignFn extends DoFn<KV<KV<String, Long>, CoGbkResult>, KV<KV<String, Long>, RowChunk>> {
    private final ChunkLayout layout;

    AssignFn(JobPlan plan) {
      this.layout = ChunkLayout.of(plan);
    }

    @ProcessElement
    public void process(ProcessContext c) {
      String series = c.element().getKey().getKey();
      RowChunk rc = c.element().getValue().getOnly(SORTED_ROWS, null);
      if (rc == null) {
        return; // every event of the bucket was a duplicate
      }
      long first = c.element().getValue().getOnly(FIRST_RANK);
      // The bucket's events have consecutive ranks: each chunk that receives some of them receives one
      // run of rows, in rank order, and the chunks go out in ascending order.
      long last = first + rc.size - 1;
      for (long chunk = layout.owner(first) - 1; chunk <= layout.owner(last) + 1; chunk++) {
        int lo = (int) Math.max(0, layout.from(chunk) - first);
        int hi = (int) Math.min(rc.size, layout.until(chunk) - first);
        if (lo < hi) {
          c.output(KV.of(KV.of(series, chunk), rc.slice(lo, hi, first + lo)));
        }
      }
    }
  }
}
