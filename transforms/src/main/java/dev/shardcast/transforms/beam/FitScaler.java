package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.config.JobConfig.ScalerScope;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.core.SampleBlock;
import dev.shardcast.transforms.core.ScalerParams;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the scalers on the seeded bottom-k sample of training rows ({@code scaler.sample_size} rows
 * overall, and per series with scope {@code per_series}). Training rows are those before
 * {@code split.train_end}; validation and test rows never reach the fit. With {@code per_series},
 * every series gets an entry: its own fit, or per column the global scale with the reason it fell
 * back (see {@link ScalerParams#fitSeries}).
 */
public final class FitScaler
    extends PTransform<PCollection<KV<String, SampleBlock>>, PCollectionView<ScalerParams>> {
  private final JobPlan plan;
  private final PCollectionView<java.util.List<String>> seriesKeys;

  /** @param seriesKeys every series of the run (needed with scope per_series, may be null otherwise) */
  public FitScaler(JobPlan plan, PCollectionView<java.util.List<String>> seriesKeys) {
    this.plan = plan;
    this.seriesKeys = seriesKeys;
    if (seriesKeys == null && plan.config().scaler().scope() == ScalerScope.PER_SERIES) {
      throw new IllegalArgumentException("a per-series scaler needs the list of series");
    }
  }

  @Override
  public PCollectionView<ScalerParams> expand(PCollection<KV<String, SampleBlock>> samples) {
    int k = plan.config().scaler().sampleSize();
    int width = plan.valueColumns().size();
    PCollection<KV<String, SampleBlock>> perSeries =
        samples.apply("MergeSeriesSamples", Combine.perKey(new MergeSamples(width, k)));
    PCollection<SampleBlock> global =
        perSeries
            .apply("SeriesSamples", Values.create())
            .apply("MergeGlobalSample", Combine.globally(new MergeSamples(width, k)));
    PCollectionView<Map<String, SampleBlock>> perSeriesView = perSeries.apply("SeriesSamplesView", View.asMap());
    return global
        .apply("FitScales", ParDo.of(new FitFn(plan, perSeriesView, seriesKeys))
            .withSideInputs(seriesKeys == null ? java.util.List.of(perSeriesView) : java.util.List.of(perSeriesView, seriesKeys)))
        .setCoder(SerializableCoder.of(ScalerParams.class))
        .apply("ScalerView", View.asSingleton());
  }

  static final class FitFn extends DoFn<SampleBlock, ScalerParams> {
    private static final Logger LOG = LoggerFactory.getLogger(FitFn.class);
    private final JobPlan plan;
    private final PCollectionView<Map<String, SampleBlock>> perSeries;
    private final PCollectionView<java.util.List<String>> seriesKeys;

    FitFn(JobPlan plan, PCollectionView<Map<String, SampleBlock>> perSeries, PCollectionView<java.util.List<String>> seriesKeys) {
      this.plan = plan;
      this.perSeries = perSeries;
      this.seriesKeys = seriesKeys;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<String, ColumnScale> global = ScalerParams.fitColumns(plan, c.element());
      global.forEach((column, scale) -> {
        if (scale.unscaledReason() != null) {
          LOG.warn("column {} is left unscaled: {}", column, scale.unscaledReason());
        } else {
          LOG.info("scaler for {}: center {} scale {} (fitted on {} training values)", column, scale.center(),
              scale.scale(), scale.sampled());
        }
      });
      Map<String, Map<String, ColumnScale>> bySeries = new TreeMap<>();
      if (plan.config().scaler().scope() == ScalerScope.PER_SERIES) {
        Map<String, SampleBlock> samples = c.sideInput(perSeries);
        for (String series : c.sideInput(seriesKeys)) {
          bySeries.put(series, ScalerParams.fitSeries(plan, global, samples.get(series)));
        }
      }
      ScalerParams params = new ScalerParams(global, bySeries);
      String fallbacks = params.fallbackSummary(5);
      if (fallbacks != null) {
        LOG.warn("per-series scaler: {}", fallbacks);
      }
      c.output(params);
    }
  }

  /** Bottom-k merge of samples; the accumulator is itself a sample. */
  static final class MergeSamples extends Combine.CombineFn<SampleBlock, SampleBlock, SampleBlock> {
    private final int width;
    private final int k;

    MergeSamples(int width, int k) {
      this.width = width;
      this.k = k;
    }

    @Override
    public SampleBlock createAccumulator() {
      return SampleBlock.empty(width);
    }

    @Override
    public SampleBlock addInput(SampleBlock acc, SampleBlock input) {
      return SampleBlock.merge(acc, input, k);
    }

    @Override
    public SampleBlock mergeAccumulators(Iterable<SampleBlock> accs) {
      SampleBlock out = SampleBlock.empty(width);
      for (SampleBlock a : accs) {
        out = SampleBlock.merge(out, a, k);
      }
      return out;
    }

    @Override
    public SampleBlock extractOutput(SampleBlock acc) {
      return acc;
    }

    @Override
    public Coder<SampleBlock> getAccumulatorCoder(CoderRegistry registry, Coder<SampleBlock> inputCoder) {
      return new BlockCoders.SampleBlockCoder();
    }

    @Override
    public Coder<SampleBlock> getDefaultOutputCoder(CoderRegistry registry, Coder<SampleBlock> inputCoder) {
      return new BlockCoders.SampleBlockCoder();
    }
  }
}
