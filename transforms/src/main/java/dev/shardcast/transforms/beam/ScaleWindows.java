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
}
