package dev.shardcast.training.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import dev.shardcast.transforms.config.JobConfig;

/**
 * The forecasting models (linear: see {@link DLinear}). Both map past [B, inputs, past] to future [B, targets, future].
 *
 * <ul>
 *   <li>mlp: flatten the window, hidden layers (Linear, ReLU, Dropout), a linear head.
 *   <li>lstm: the window as a sequence of {@code past} steps of {@code inputs} features, an LSTM
 *       encoder, its last time step (dropout on it), a linear head.
 * </ul>
 *
 * The head emits targets*future values that are reshaped, so all horizons are predicted at once.
 */
public final class ModelFactory {
  private ModelFactory() {}

  /** The model types a block can be built for (auto chooses among them). */
  public static final java.util.List<JobConfig.ModelType> TYPES =
      java.util.List.of(JobConfig.ModelType.LINEAR, JobConfig.ModelType.MLP, JobConfig.ModelType.LSTM);

  /** The block, not initialized. */
  public static Block build(ModelSpec spec) {
    if (spec.type() == JobConfig.ModelType.ENSEMBLE) {
      return ModelEnsemble.build(spec);
    }
    Block core = spec.calendarChannels() > 0 ? CalendarModels.build(spec) : switch (spec.type()) {
      case MLP -> mlp(spec);
      case LSTM -> lstm(spec);
      case LINEAR -> DLinear.build(spec);
      case AUTO -> throw new IllegalArgumentException("auto is a choice among model types, not a model");
      case ENSEMBLE -> throw new IllegalStateException("built above");
    };
    int[] targets = QuantileOutput.perOutput(spec, spec.targetInputIndex());
    int[] coreInputs = coreChannels(spec);
    Block skip = null;
    int[] skipChannels = null;
    if (spec.hasResidual()) {
      skipChannels = spec.targetChannels();
      skip = Linear.builder().setUnits((long) spec.outputs() * spec.future()).build();
    }
    // The linear model sees the raw window: a linear map of the centred window plus its mean is
    // only the maps whose weights sum to one (no pull towards the training mean); the raw one is all.
    boolean centre = spec.type() != JobConfig.ModelType.LINEAR;
    return targets == null && coreInputs == null && skip == null && spec.calendarChannels() == 0 ? core
        : new WindowNormBlock(core, targets, spec.seasonalIndex(), coreInputs, centre, skip, skipChannels,
            spec.hasWindowScale());
  }

  /**
   * The input channels the core model sees: for linear, the targets' own (DLinear maps each
   * series' past to its future, channel-independent, the ridge baseline's features), where the
   * names are known; otherwise train.model.inputs (null: all).
   */
  public static int[] coreChannels(ModelSpec spec) {
    if (spec.type() == JobConfig.ModelType.LINEAR && spec.targetChannels() != null) {
      return spec.targetChannels();
    }
    return spec.coreInputIndex();
  }

  /**
   * A built and initialized block. The engine RNG is seeded first, so the initial parameters depend
   * only on {@code seed} (and the spec): the same seed gives bit-identical weights.
   */
  public static Block create(ModelSpec spec, NDManager manager, long seed) {
    Block block = build(spec);
    initialize(block, spec, manager, seed);
    return block;
  }

  public static void initialize(Block block, ModelSpec spec, NDManager manager, long seed) {
    Engine.getInstance().setRandomSeed(engineSeed(seed, -1));
    block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
    block.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    block.initialize(manager, DataType.FLOAT32, inputShapes(spec, 1));
  }

  /** Input shapes for {@code batch} windows: the window, then the calendar when the model has one. */
  public static Shape[] inputShapes(ModelSpec spec, long batch) {
    return spec.calendarChannels() == 0 ? new Shape[] {inputShape(spec, batch)}
        : new Shape[] {inputShape(spec, batch), new Shape(batch, spec.calendarChannels(), spec.past() + spec.future())};
  }

  /** Input shape for {@code batch} windows. */
  public static Shape inputShape(ModelSpec spec, long batch) {
    return new Shape(batch, spec.inputs(), spec.past());
  }

  /**
   * An int seed for the engine (DJL takes an int) mixed from the run seed and a counter (the global
   * step; -1 for initialization), so per-step dropout masks depend only on (seed, step).
   */
  public static int engineSeed(long seed, long counter) {
    long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (int) (z & 0x7fffffffL);
  }

  private static Block mlp(ModelSpec spec) {
    SequentialBlock net = new SequentialBlock();
    // [B, inputs, past] -> [B, inputs*past]: row-major, so each input's past is contiguous.
    net.add(Blocks.batchFlattenBlock());
    for (int units : spec.hidden()) {
      net.add(Linear.builder().setUnits(units).build());
      net.add(Activation.reluBlock());
      if (spec.dropout() > 0) {
        net.add(Dropout.builder().optRate((float) spec.dropout()).build());
      }
    }
    addHead(net, spec);
    return net;
  }

  private static Block lstm(ModelSpec spec) {
    SequentialBlock net = new SequentialBlock();
    // The LSTM wants [B, time, features]; the shards hold [B, features, time].
    net.addSingleton(x -> x.transpose(0, 2, 1), "to_time_major");
    net.add(new GradModeRecurrentBlock(
        LSTM.builder()
            .setStateSize(spec.lstmHidden())
            .setNumLayers(spec.lstmLayers())
            // between stacked layers only (PyTorch semantics); ignored with one layer
            .optDropRate(spec.lstmLayers() > 1 ? (float) spec.dropout() : 0f)
            .optBatchFirst(true)
            .optReturnState(false)
            .build()));
    // The encoding is the output at the last time step: [B, past, H] -> [B, H].
    net.addSingleton(ModelFactory::lastStep, "last_step");
    if (spec.dropout() > 0) {
      // so dropout also regularizes a one-layer LSTM, where the inter-layer dropout does nothing
      net.add(Dropout.builder().optRate((float) spec.dropout()).build());
    }
    addHead(net, spec);
    return net;
  }

  private static NDArray lastStep(NDArray x) {
    return x.get(new NDIndex(":, -1, :"));
  }

  static void addHead(SequentialBlock net, ModelSpec spec) {
    int targets = spec.outputs(); // a quantile model's rows: each quantile of each target
    int future = spec.future();
    net.add(Linear.builder().setUnits((long) targets * future).build());
    net.add(
        (NDList in) -> new NDList(in.singletonOrThrow().reshape(-1, targets, future)),
        "to_targets_future");
  }
}
