package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ScalerParams;
import dev.shardcast.transforms.core.WindowBlock;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/** Applies the scales fitted on the training sample to the windows of every split. */
public final class ScaleWindows
    extends PTransform<PCollection<KV<Integer, WindowBlock>>, PCollection<KV<Integer, WindowBlock>>> {
  private final JobPlan plan;
  private final PCollectionView<ScalerParams> scaler;

  public ScaleWindows(JobPlan plan, PCollectionView<ScalerParams> scaler) {
    this.plan = plan;
    this.scaler = scaler;
  }

  @Override
  public PCollection<KV<Integer, WindowBlock>> expand(PCollection<KV<Integer, WindowBlock>> windows) {
    return windows
        .apply("ApplyScales", ParDo.of(new ScaleFn(plan, scaler)).withSideInputs(scaler))
        .setCoder(KvCoder.of(VarIntCoder.of(), new BlockCoders.WindowBlockCoder()));
  }

  static final class ScaleFn extends DoFn<KV<Integer, WindowBlock>, KV<Integer, WindowBlock>> {
    private final JobPlan plan;
    private final PCollectionView<ScalerParams> scaler;

    ScaleFn(JobPlan plan, PCollectionView<ScalerParams> scaler) {
      this.plan = plan;
      this.scaler = scaler;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(KV.of(c.element().getKey(), c.sideInput(scaler).apply(plan, c.element().getValue())));
    }
  }

  /** The compact layout's twin: every stored point of a segment by its column's scale (series scale when per series). */
  public static PTransform<PCollection<KV<Integer, dev.shardcast.transforms.core.WindowSegment>>,
      PCollection<KV<Integer, dev.shardcast.transforms.core.WindowSegment>>> segments(JobPlan plan,
      PCollectionView<ScalerParams> scaler) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<Integer, dev.shardcast.transforms.core.WindowSegment>> expand(
          PCollection<KV<Integer, dev.shardcast.transforms.core.WindowSegment>> segments) {
        return segments
            .apply("ApplySegmentScales", ParDo.of(new ScaleSegmentFn(plan, scaler)).withSideInputs(scaler))
            .setCoder(KvCoder.of(VarIntCoder.of(), new BlockCoders.WindowSegmentCoder()));
      }
    };
  }

  static final class ScaleSegmentFn
      extends DoFn<KV<Integer, dev.shardcast.transforms.core.WindowSegment>, KV<Integer, dev.shardcast.transforms.core.WindowSegment>> {
    private final JobPlan plan;
    private final PCollectionView<ScalerParams> scaler;
    private transient java.util.List<String> columns;

    ScaleSegmentFn(JobPlan plan, PCollectionView<ScalerParams> scaler) {
      this.plan = plan;
      this.scaler = scaler;
    }

    @Setup
    public void setup() {
      columns = dev.shardcast.transforms.shard.ShardSchema.of(plan).segmentColumns();
    }

    @ProcessElement
    public void process(ProcessContext c) {
      dev.shardcast.transforms.core.WindowSegment s = c.element().getValue();
      c.output(KV.of(c.element().getKey(), s.scaled(c.sideInput(scaler).forSeries(s.series), columns)));
    }
  }
}
