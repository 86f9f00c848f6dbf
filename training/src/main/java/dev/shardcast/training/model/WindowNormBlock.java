package dev.shardcast.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Optionally, the core sees only some input channels (train.model.inputs); optionally, a linear
 * residual path maps the raw (uncentred) past window of the target channels to the forecast, added
 * to the core's (TiDE-style): the whole model then contains every linear forecaster of that window.
 *
 * <p>Per-window level normalization around a forecaster: each window's inputs are centred on their own
 * past mean, and the target's past mean is added back to the forecast. The core model then learns
 * shape (season, momentum) rather than level, so a series whose level moved after the training
 * period (a trend, a regime change) is still forecast from where it is now. Same idea as the
 * instance normalization of RevIN / DLinear-style forecasters, without learned parameters.
 */
public final class WindowNormBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  /** Added to a window's variance (scaled units) before the square root: a flat window stays finite. */
  private static final float VARIANCE_FLOOR = 1e-6f;
  private final Block core;
  private final int[] targetInputIndex;
  private final int[] seasonalIndex; // per future step, the past index one season back; null: level only
  private final int[] coreInputs; // input channels the core sees; null: all
  private final boolean centreCore; // false: the core sees the raw window (the level is still added back)
  private final Block skip; // [B, channels * past] -> [B, targets * future]; null: none
  private final int[] skipChannels; // input channels the skip path sees; null: all
  private final boolean scale; // the centred window also divided by its std, the core's output multiplied back

  /**
   * @param targetInputIndex for each target, its position among the input columns
   * @param seasonalIndex null to add back the target's past mean (level); else, per future step,
   *     the past position whose value is the seasonal-naive forecast, added back instead: the core
   *     then learns a correction to seasonal-naive
   */
  public WindowNormBlock(Block core, int[] targetInputIndex, int[] seasonalIndex, int[] coreInputs) {
    this(core, targetInputIndex, seasonalIndex, coreInputs, true, null, null, false);
  }

  /**
   * @param centreCore whether the core sees the window centred on its mean (else the raw window)
   * @param skip the residual path, or null; its input is the flattened raw window of {@code skipChannels}
   * @param skipChannels input channels of the residual path; null: all
   * @param scale with {@code centreCore}: the centred window is also divided by its own standard
   *     deviation per channel (RevIN-style), and the core's output multiplied by each target's, so
   *     series of any size look alike to the core
   */
  public WindowNormBlock(Block core, int[] targetInputIndex, int[] seasonalIndex, int[] coreInputs,
      boolean centreCore, Block skip, int[] skipChannels, boolean scale) {
    super(VERSION);
    this.core = addChildBlock("core", core);
    this.targetInputIndex = targetInputIndex == null ? null : targetInputIndex.clone();
    this.seasonalIndex = seasonalIndex == null ? null : seasonalIndex.clone();
    this.coreInputs = coreInputs == null ? null : coreInputs.clone();
    this.centreCore = centreCore;
    this.skip = skip == null ? null : addChildBlock("skip", skip);
    this.skipChannels = skipChannels == null ? null : skipChannels.clone();
    this.scale = scale && centreCore;
  }

  Block core() {
    return core;
  }

  /** The residual path, or null. */
  Block skip() {
    return skip;
  }

  /** The channels of {@code x} the core model sees (train.model.inputs). */
  private NDArray select(NDArray x) {
    return channels(x, coreInputs);
  }

  private static NDArray channels(NDArray x, int[] which) {
    if (which == null) {
      return x;
    }
    NDList channels = new NDList();
    for (int i : which) {
      channels.add(x.get(new NDIndex(":, {}:{}, :", i, i + 1)));
    }
    return channels.size() == 1 ? channels.singletonOrThrow() : NDArrays.concat(channels, 1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0); // [B, inputs, past]
    NDArray calendar = inputs.size() > 1 ? inputs.get(1) : null; // [B, 2 * features, past + future], passed as is
    if (targetInputIndex == null) {
      return new NDList(withSkip(ps, x, core.forward(ps, coreInput(select(x), calendar), training, params)
          .singletonOrThrow(), training, params));
    }
    NDArray mean = x.mean(new int[] {2}, true); // [B, inputs, 1]
    NDArray centred = x.sub(mean);
    NDArray std = scale ? centred.square().mean(new int[] {2}, true).add(VARIANCE_FLOOR).sqrt() : null;
    NDArray coreIn = select(centreCore ? (scale ? centred.div(std) : centred) : x);
    NDArray coreOut = core.forward(ps, coreInput(coreIn, calendar), training, params).singletonOrThrow();
    if (scale) {
      NDList stds = new NDList();
      for (int i : targetInputIndex) {
        stds.add(std.get(new NDIndex(":, {}:{}, :", i, i + 1)));
      }
      coreOut = coreOut.mul(stds.size() == 1 ? stds.singletonOrThrow() : NDArrays.concat(stds, 1)); // [B, targets, 1]
    }
    NDArray y = withSkip(ps, x, coreOut, training, params); // [B, targets, future]
    NDList levels = new NDList();
    for (int i : targetInputIndex) {
      if (seasonalIndex == null) {
        levels.add(mean.get(new NDIndex(":, {}:{}, :", i, i + 1)));
      } else {
        NDArray target = x.get(new NDIndex(":, {}:{}, :", i, i + 1)); // [B, 1, past]
        NDList steps = new NDList();
        for (int p : seasonalIndex) {
          steps.add(target.get(new NDIndex(":, :, {}:{}", p, p + 1)));
        }
        levels.add(NDArrays.concat(steps, 2)); // [B, 1, future]
      }
    }
    NDArray level = levels.size() == 1 ? levels.singletonOrThrow() : NDArrays.concat(levels, 1); // [B, targets, 1|future]
    return new NDList(y.add(level));
  }

  private static NDList coreInput(NDArray window, NDArray calendar) {
    return calendar == null ? new NDList(window) : new NDList(window, calendar);
  }

  /** {@code y} plus the residual path's forecast from the raw window {@code x}, if there is one. */
  private NDArray withSkip(ParameterStore ps, NDArray x, NDArray y, boolean training, PairList<String, Object> params) {
    if (skip == null) {
      return y;
    }
    NDArray in = channels(x, skipChannels);
    NDArray flat = in.reshape(in.getShape().get(0), -1);
    NDArray s = skip.forward(ps, new NDList(flat), training, params).singletonOrThrow();
    return y.add(s.reshape(y.getShape()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return core.getOutputShapes(coreShape(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    core.initialize(manager, dataType, coreShape(inputShapes));
    if (skip != null) {
      Shape s = inputShapes[0];
      long channels = skipChannels == null ? s.get(1) : skipChannels.length;
      skip.initialize(manager, dataType, new Shape(s.get(0), channels * s.get(2)));
    }
  }

  private Shape[] coreShape(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    if (coreInputs == null) {
      return inputShapes;
    }
    Shape[] out = inputShapes.clone(); // the calendar's shape, if any, stays
    out[0] = new Shape(s.get(0), coreInputs.length, s.get(2));
    return out;
  }
}
