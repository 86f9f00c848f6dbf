package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ChunkLayout;
import dev.shardcast.transforms.core.RowChunk;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Smoke mode ({@code input.sample_series: N}): keeps the first N series in key order and counts the
 * rows of the others as {@code rows_not_sampled}, so a whole job can be checked end to end in
 * seconds before a long run.
 */
public final class SampleSeries
    extends PTransform<PCollection<KV<KV<String, Long>, RowChunk>>, PCollectionTuple> {
  public static final TupleTag<KV<KV<String, Long>, RowChunk>> CHUNKS = new TupleTag<>() {};
  public static final TupleTag<KV<String, Long>> COUNTS = new TupleTag<>() {};

  private final JobPlan plan;

  public SampleSeries(JobPlan plan) {
    this.plan = plan;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<KV<String, Long>, RowChunk>> chunks) {
    PCollectionView<List<String>> keep =
        chunks
            .apply("SeriesKeys", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey().getKey()))
            .apply("DistinctSeries", Distinct.create())
            .apply("FirstSeries", Top.smallest(plan.config().input().sampleSeries()))
            .apply("SampleView", View.asSingleton());
    PCollectionTuple out =
        chunks.apply("KeepSampled", ParDo.of(new KeepFn(plan, keep))
            .withSideInputs(keep)
            .withOutputTags(CHUNKS, TupleTagList.of(COUNTS)));
    out.get(CHUNKS).setCoder(chunks.getCoder());
    out.get(COUNTS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    return out;
  }

  static final class KeepFn extends DoFn<KV<KV<String, Long>, RowChunk>, KV<KV<String, Long>, RowChunk>> {
    private final PCollectionView<List<String>> keep;
    private final ChunkLayout layout;
    private final boolean regular;
    private transient Set<String> kept;

    KeepFn(JobPlan plan, PCollectionView<List<String>> keep) {
      this.keep = keep;
      this.layout = ChunkLayout.of(plan);
      this.regular = plan.frequency().isRegular();
    }

    @StartBundle
    public void startBundle() {
      kept = null;
    }

    @ProcessElement
    public void process(ProcessContext c, MultiOutputReceiver out) {
      if (kept == null) {
        kept = new HashSet<>(c.sideInput(keep));
      }
      KV<KV<String, Long>, RowChunk> e = c.element();
      if (kept.contains(e.getKey().getKey())) {
        out.get(CHUNKS).output(e);
        return;
      }
      // A row travels to every chunk that needs it; count it once, in the chunk that owns it.
      RowChunk rows = e.getValue();
      long owned = 0;
      java.util.Map<String, Long> byOrigin = new java.util.TreeMap<>();
      for (int i = 0; i < rows.size; i++) {
        if (!regular || layout.owner(rows.steps[i]) == e.getKey().getValue()) {
          owned++;
          byOrigin.merge(rows.originOf(i), 1L, Long::sum);
        }
      }
      out.get(COUNTS).output(KV.of("rows_not_sampled", owned));
      byOrigin.forEach((origin, n) -> out.get(COUNTS).output(KV.of("source." + origin + ".rows_not_sampled", n)));
    }
  }
}
