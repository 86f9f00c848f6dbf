package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.ChunkWindower;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.core.SampleBlock;
import dev.shardcast.transforms.core.SeriesExtent;
import dev.shardcast.transforms.core.SpanTail;
import dev.shardcast.transforms.core.WindowBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import dev.shardcast.transforms.quality.DatasetProfile;
import dev.shardcast.transforms.quality.ScaleCheck;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Groups the row chunks of each (series, chunk), and windows each group with {@link ChunkWindower}.
 * Each chunk is joined with its series' first and last step: windows start on the series' own stride
 * grid, and gap filling never runs past the series' ends.
 */
public final class WindowSeries
    extends PTransform<PCollection<KV<KV<String, Long>, RowChunk>>, PCollectionTuple> {
  public static final TupleTag<KV<Integer, WindowBlock>> WINDOWS = new TupleTag<>() {};
  /** With {@code shards.layout: compact}, the windows as segments (and nothing in {@link #WINDOWS}). */
  public static final TupleTag<KV<Integer, dev.shardcast.transforms.core.WindowSegment>> SEGMENTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, SampleBlock>> TRAIN_SAMPLES = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> QUARANTINE = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, SeriesExtent>> EXTENTS = new TupleTag<>() {};
  /** Profiles of the value columns over the rows the run uses (one per bundle). */
  public static final TupleTag<DatasetProfile> USED_PROFILES = new TupleTag<>() {};
  /** With {@code incremental.enabled}: each chunk's part of its series' tail (see {@link SpanTail}). */
  public static final TupleTag<KV<String, SpanTail>> TAILS = new TupleTag<>() {};
  private static final TupleTag<SeriesExtent> SERIES_EXTENT = new TupleTag<>() {};
  private static final TupleTag<Long> CHUNK_ID = new TupleTag<>() {};
  private static final TupleTag<RowChunk> ROWS = new TupleTag<>() {};
  private static final TupleTag<SeriesExtent> CHUNK_EXTENT = new TupleTag<>() {};

  private final JobPlan plan;
  private final PCollectionView<ScaleCheck> scale;
  private final PCollection<KV<String, SeriesExtent>> earlier;

  public WindowSeries(JobPlan plan) {
    this(plan, null);
  }

  public WindowSeries(JobPlan plan, PCollectionView<ScaleCheck> scale) {
    this(plan, scale, null);
  }

  /** @param scale the Uniform scale check fitted on the readers' profile; null when the job has none */
  /**
   * @param earlier in an incremental span, the series' extents of the earlier spans (their first step
   *     anchors the stride grid; their last step is where context ends); null otherwise
   */
  public WindowSeries(JobPlan plan, PCollectionView<ScaleCheck> scale, PCollection<KV<String, SeriesExtent>> earlier) {
    this.plan = plan;
    this.scale = scale;
    this.earlier = earlier;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<KV<String, Long>, RowChunk>> chunks) {
    PCollection<KV<String, SeriesExtent>> chunkExtents =
        chunks
            .apply("ChunkExtents", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), org.apache.beam.sdk.values.TypeDescriptor.of(SeriesExtent.class)))
                .via(kv -> KV.of(kv.getKey().getKey(), SeriesExtent.of(kv.getValue()))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SeriesExtent.class)));
    if (earlier != null) {
      chunkExtents = org.apache.beam.sdk.values.PCollectionList.of(chunkExtents).and(earlier)
          .apply("WithEarlierSpans", org.apache.beam.sdk.transforms.Flatten.pCollections());
    }
    PCollection<KV<String, SeriesExtent>> extents = chunkExtents.apply("SeriesExtents", Combine.perKey(new MergeExtents()));
    // Each chunk needs its series' extent. A join, not a map side input: side inputs as large as
    // the number of series are re-read per bundle on some runners (the Direct runner among them).
    PCollection<KV<String, Long>> chunkIds =
        chunks
            .apply("ChunkIds", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(kv -> KV.of(kv.getKey().getKey(), kv.getKey().getValue())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .apply("DistinctChunkIds", Distinct.create());
    PCollection<KV<KV<String, Long>, SeriesExtent>> extentPerChunk =
        KeyedPCollectionTuple.of(SERIES_EXTENT, extents)
            .and(CHUNK_ID, chunkIds)
            .apply("JoinExtentsToChunks", CoGroupByKey.create())
            .apply("ExtentPerChunk", ParDo.of(new FanOutExtentFn()))
            .setCoder(KvCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), SerializableCoder.of(SeriesExtent.class)));

    PCollectionTuple out =
        KeyedPCollectionTuple.of(ROWS, chunks)
            .and(CHUNK_EXTENT, extentPerChunk)
            .apply("GroupChunks", CoGroupByKey.create())
            .apply("WindowChunks", ParDo.of(new WindowChunkFn(plan, scale))
                .withOutputTags(WINDOWS, outputs())
                .withSideInputs(scale == null ? List.of() : List.of(scale)));
    out.get(WINDOWS).setCoder(KvCoder.of(VarIntCoder.of(), new BlockCoders.WindowBlockCoder()));
    out.get(SEGMENTS).setCoder(KvCoder.of(VarIntCoder.of(), new BlockCoders.WindowSegmentCoder()));
    out.get(TRAIN_SAMPLES).setCoder(KvCoder.of(StringUtf8Coder.of(), new BlockCoders.SampleBlockCoder()));
    out.get(QUARANTINE).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    out.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    out.get(USED_PROFILES).setCoder(DatasetProfileCoder.of());
    if (plan.incremental()) {
      out.get(TAILS).setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SpanTail.class)));
    }
    return out.and(EXTENTS, extents);
  }

  /**
   * The tails only when the job is incremental: on Flink every output nobody reads still becomes a
   * discarding sink (more tasks and network buffers; a restart after a lost TaskManager ran short of them).
   */
  private TupleTagList outputs() {
    TupleTagList tags = TupleTagList.of(TRAIN_SAMPLES).and(QUARANTINE).and(COUNTS).and(USED_PROFILES).and(SEGMENTS);
    return plan.incremental() ? tags.and(TAILS) : tags;
  }

  /** Per-series counts for the summary: series seen, and series too short for a single window. */
  public static PCollection<KV<String, Long>> seriesCounts(PCollection<KV<String, SeriesExtent>> extents, JobPlan plan) {
    int span = plan.window().span();
    return extents
        .apply("CountSeries", org.apache.beam.sdk.transforms.FlatMapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(kv -> List.of(KV.of("series", 1L), KV.of("short_series", kv.getValue().points() < span ? 1L : 0L))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  public static final class MergeExtents extends Combine.BinaryCombineFn<SeriesExtent> {
    @Override
    public SeriesExtent apply(SeriesExtent left, SeriesExtent right) {
      return left.merge(right);
    }
  }

  static final class FanOutExtentFn extends DoFn<KV<String, CoGbkResult>, KV<KV<String, Long>, SeriesExtent>> {
    @ProcessElement
    public void process(ProcessContext c) {
      SeriesExtent extent = c.element().getValue().getOnly(SERIES_EXTENT);
      for (Long chunk : c.element().getValue().getAll(CHUNK_ID)) {
        c.output(KV.of(KV.of(c.element().getKey(), chunk), extent));
      }
    }
  }

  static final class WindowChunkFn extends DoFn<KV<KV<String, Long>, CoGbkResult>, KV<Integer, WindowBlock>> {
    private static final Logger LOG = LoggerFactory.getLogger(WindowChunkFn.class);
    private static final AtomicLong DONE = new AtomicLong();
    private final JobPlan plan;
    private final ChunkLayout layout;
    private final PCollectionView<ScaleCheck> scaleView;
    private final org.apache.beam.sdk.metrics.Counter windowsMade = ProgressCounters.counter(ProgressCounters.WINDOWS);

    private transient DatasetProfile used;
    /** used's value columns, in valueColumns order (looked up once, not per row). */
    private transient dev.shardcast.transforms.quality.ColumnProfile[] usedColumns;

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      if (used != null) {
        c.output(USED_PROFILES, used, org.apache.beam.sdk.transforms.windowing.BoundedWindow.TIMESTAMP_MIN_VALUE,
            org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE);
        used = null;
      }
    }

    WindowChunkFn(JobPlan plan, PCollectionView<ScaleCheck> scaleView) {
      this.plan = plan;
      this.scaleView = scaleView;
      this.layout = ChunkLayout.of(plan);
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      String series = c.element().getKey().getKey();
      long chunk = c.element().getKey().getValue();
      SeriesExtent extent = c.element().getValue().getOnly(CHUNK_EXTENT);
      List<RowChunk> rows = new ArrayList<>();
      c.element().getValue().getAll(ROWS).forEach(rows::add);
      ScaleCheck scale = scaleView == null ? null : c.sideInput(scaleView);
      if (used == null) {
        used = new DatasetProfile();
        usedColumns = null;
      }
      ChunkWindower.Result r = ChunkWindower.process(plan, layout, series, chunk, extent, rows, scale, (rc, row) -> {
            if (usedColumns == null) { // on the first used row, as adding a value makes a column
              usedColumns = plan.valueColumns().stream().map(used::numericColumn)
                  .toArray(dev.shardcast.transforms.quality.ColumnProfile[]::new);
            }
            for (int j = 0; j < usedColumns.length; j++) {
              usedColumns[j].addNumber(rc.value(row, j));
            }
          });
      for (int split = 0; split < r.windows.length; split++) {
        if (r.windows[split] != null) {
          out.get(WINDOWS).output(KV.of(split, r.windows[split]));
          windowsMade.inc(r.windows[split].size);
        }
        if (r.segments[split] != null) {
          for (dev.shardcast.transforms.core.WindowSegment seg : r.segments[split]) {
            out.get(SEGMENTS).output(KV.of(split, seg));
            windowsMade.inc(seg.windows());
          }
        }
      }
      if (!r.tail.isEmpty()) {
        out.get(TAILS).output(KV.of(series, SpanTail.of(series, extent, r.tail)));
      }
      if (r.trainSample.size > 0) {
        out.get(TRAIN_SAMPLES).output(KV.of(series, r.trainSample));
      }
      for (ChunkWindower.Rejected d : r.rejected) {
        QuarantineRecord q = rejected(plan, d);
        out.get(QUARANTINE).output(KV.of(q.sortKey(), q.toJson()));
      }
      r.usedByOrigin.forEach((origin, n) -> out.get(COUNTS).output(KV.of("source." + origin + ".rows_used", n)));
      for (int i = 0; i < r.scaleChecked.length; i++) {
        String id = scale.rule(i).id();
        out.get(COUNTS).output(KV.of("rule." + id + ".checked", r.scaleChecked[i]));
        out.get(COUNTS).output(KV.of("rule." + id + ".failed", r.scaleFailed[i]));
      }
      out.get(COUNTS).output(KV.of("rows_windowed", r.rowsWindowed));
      out.get(COUNTS).output(KV.of("rows_unused", r.rowsUnused));
      out.get(COUNTS).output(KV.of("windows_straddling", r.windowsStraddling));
      if (r.rowsMerged > 0) {
        out.get(COUNTS).output(KV.of("rows_merged", r.rowsMerged));
        out.get(COUNTS).output(KV.of("duplicates." + plan.config().input().duplicates().yaml() + ".timestamps", r.stepsMerged));
      }
      long done = DONE.incrementAndGet();
      if (done % 1000 == 0) {
        LOG.info("windowed {} series chunks so far", done);
      }
    }
  }

  static QuarantineRecord rejected(JobPlan plan, ChunkWindower.Rejected rej) {
    return rej.toRecord(plan);
  }
}
