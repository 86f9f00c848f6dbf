package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.ChunkWindower;
import dev.shardcast.transforms.core.QuarantineRecord;
import dev.shardcast.transforms.core.RowChunk;
import dev.shardcast.transforms.core.SampleBlock;
import dev.shardcast.transforms.core.SeriesExtent;
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
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Groups the row chunks of each (series, chunk), and windows each group with {@link ChunkWindower}.
 * Each series' first and last step come in as a side input: windows start on the series' own stride
 * grid, and gap filling never runs past the series' ends.
 */
public final class WindowSeries
    extends PTransform<PCollection<KV<KV<String, Long>, RowChunk>>, PCollectionTuple> {
  public static final TupleTag<KV<Integer, WindowBlock>> WINDOWS = new TupleTag<>() {};
  public static final TupleTag<KV<String, SampleBlock>> TRAIN_SAMPLES = new TupleTag<>() {};
  public static final TupleTag<KV<String, String>> QUARANTINE = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};
  public static final TupleTag<KV<String, SeriesExtent>> EXTENTS = new TupleTag<>() {};

  private final JobPlan plan;

  public WindowSeries(JobPlan plan) {
    this.plan = plan;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<KV<String, Long>, RowChunk>> chunks) {
    PCollection<KV<String, SeriesExtent>> extents =
        chunks
            .apply("ChunkExtents", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.strings(), org.apache.beam.sdk.values.TypeDescriptor.of(SeriesExtent.class)))
                .via(kv -> KV.of(kv.getKey().getKey(), SeriesExtent.of(kv.getValue()))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(SeriesExtent.class)))
            .apply("SeriesExtents", Combine.perKey(new MergeExtents()));
    PCollectionView<Map<String, SeriesExtent>> extentView = extents.apply("ExtentsView", View.asMap());

    PCollectionTuple out =
        chunks
            .apply("GroupChunks", GroupByKey.create())
            .apply("WindowChunks", ParDo.of(new WindowChunkFn(plan, extentView))
                .withSideInputs(extentView)
                .withOutputTags(WINDOWS, TupleTagList.of(TRAIN_SAMPLES).and(QUARANTINE).and(COUNTS)));
    out.get(WINDOWS).setCoder(KvCoder.of(VarIntCoder.of(), new BlockCoders.WindowBlockCoder()));
    out.get(TRAIN_SAMPLES).setCoder(KvCoder.of(StringUtf8Coder.of(), new BlockCoders.SampleBlockCoder()));
    out.get(QUARANTINE).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    out.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    return out.and(EXTENTS, extents);
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

  static final class WindowChunkFn extends DoFn<KV<KV<String, Long>, Iterable<RowChunk>>, KV<Integer, WindowBlock>> {
    private final JobPlan plan;
    private final PCollectionView<Map<String, SeriesExtent>> extents;
    private final ChunkLayout layout;

    WindowChunkFn(JobPlan plan, PCollectionView<Map<String, SeriesExtent>> extents) {
      this.plan = plan;
      this.extents = extents;
      this.layout = ChunkLayout.of(plan);
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      String series = c.element().getKey().getKey();
      long chunk = c.element().getKey().getValue();
      SeriesExtent extent = c.sideInput(extents).get(series);
      List<RowChunk> rows = new ArrayList<>();
      c.element().getValue().forEach(rows::add);
      ChunkWindower.Result r =
          ChunkWindower.process(plan, layout, series, chunk, extent.firstStep(), extent.lastStep(), rows);
      for (int split = 0; split < r.windows.length; split++) {
        if (r.windows[split] != null) {
          out.get(WINDOWS).output(KV.of(split, r.windows[split]));
        }
      }
      if (r.trainSample.size > 0) {
        out.get(TRAIN_SAMPLES).output(KV.of(series, r.trainSample));
      }
      for (ChunkWindower.RowRef d : r.duplicates) {
        QuarantineRecord q = duplicate(plan, d);
        out.get(QUARANTINE).output(KV.of(q.sortKey(), q.toJson()));
      }
      out.get(COUNTS).output(KV.of("rows_windowed", r.rowsWindowed));
      out.get(COUNTS).output(KV.of("rows_unused", r.rowsUnused));
    }
  }

  static QuarantineRecord duplicate(JobPlan plan, ChunkWindower.RowRef ref) {
    RowChunk c = ref.chunk();
    int r = ref.row();
    Map<String, String> row = new LinkedHashMap<>();
    row.put("series_key", c.series);
    row.put("timestamp", java.time.Instant.ofEpochMilli(c.times[r]).toString());
    for (int j = 0; j < c.width; j++) {
      double v = c.value(r, j);
      row.put(plan.valueColumns().get(j), Double.isNaN(v) ? null : Double.toString(v));
    }
    return new QuarantineRecord(c.source, c.lines[r], QuarantineRecord.DUPLICATE_TIMESTAMP,
        plan.config().input().timestamp().column(), row.get("timestamp"),
        "series " + c.series + " has more than one row at this timestamp; all of them are quarantined", row);
  }
}
