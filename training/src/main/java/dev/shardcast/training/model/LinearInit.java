package dev.shardcast.training.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.transforms.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a model from the linear fit: the linear model's weights, and the mlp's or lstm's residual
 * path (its deep part's output layer zeroed), are set so that the initial forecast is the {@link
 * RidgeBaseline}'s, exactly up to float rounding; training then improves on it. The window's level
 * the {@link WindowNormBlock} adds back (its mean, or the seasonal-naive value) is taken off the
 * ridge weights. A model without a linear path (an lstm with residual off) keeps its random start.
 * With calendar features the linear model's calendar map starts at zero, and the mlp's or lstm's
 * zeroed output layer hides them, so the first forecast is still the ridge's.
 */
public final class LinearInit {
  private static final Logger LOG = LoggerFactory.getLogger(LinearInit.class);

  private LinearInit() {}

  /** @return whether the block was set; false (and nothing changed) where the model has no linear path to set */
  public static boolean fromRidge(Block block, ModelSpec spec, RidgeBaseline ridge) {
    Block coreBlock = block instanceof WindowNormBlock n ? n.core() : block;
    Block skipBlock = block instanceof WindowNormBlock n ? n.skip() : null;
    int[] targetInputs = spec.targetChannels(); // each target's channel among all inputs
    if (targetInputs == null) {
      return false;
    }
    if (spec.type() == JobConfig.ModelType.LINEAR) {
      // the core sees the selected channels; each target must be one of them
      int[] core = ModelFactory.coreChannels(spec);
      int channels = core == null ? spec.inputs() : core.length;
      int[] pos = new int[targetInputs.length];
      for (int t = 0; t < pos.length; t++) {
        pos[t] = core == null ? targetInputs[t] : indexOf(core, targetInputs[t]);
        if (pos[t] < 0) {
          LOG.info("linear model: target {} is not among train.model.inputs, random start", t);
          return false;
        }
      }
      List<Linear> linears = linears(coreBlock);
      float[][] wb = weights(spec, ridge, channels, pos);
      set(linears.get(0), wb[0], wb[1]);
      set(linears.get(1), wb[0], new float[wb[1].length]);
      for (Linear calendar : linears.subList(2, linears.size())) {
        zero(calendar); // the calendar map (CalendarModels): no effect until training gives it one
      }
      return true;
    }
    if (skipBlock instanceof Linear skip) {
      int[] pos = new int[targetInputs.length];
      for (int t = 0; t < pos.length; t++) {
        pos[t] = t; // the residual path sees the target channels, in target order
      }
      float[][] wb = weights(spec, ridge, targetInputs.length, pos);
      set(skip, wb[0], wb[1]);
      List<Linear> deep = linears(coreBlock);
      Linear head = deep.get(deep.size() - 1);
      zero(head);
      return true;
    }
    return false;
  }

  /**
   * Weights [outputs * future, channels * past] and bias of the map equal to the ridge forecast
   * minus the level the window block adds back; {@code pos[t]}: target t's channel in the input.
   */
  static float[][] weights(ModelSpec spec, RidgeBaseline ridge, int channels, int[] pos) {
    int past = spec.past();
    int future = spec.future();
    int in = channels * past;
    float[] w = new float[spec.outputs() * future * in];
    float[] b = new float[spec.outputs() * future];
    boolean level = spec.targetInputIndex() != null;
    int[] seasonal = spec.seasonalIndex();
    // A quantile model: every quantile of a target starts from its ridge forecast (the median at ridge).
    for (int k = 0; k < spec.outputs(); k++) {
      int t = k % spec.targets();
      for (int h = 0; h < future; h++) {
        int o = k * future + h;
        double[] r = ridge.weights(t, h);
        for (int i = 0; i < past; i++) {
          double v = r[i];
          if (level) {
            v -= seasonal == null ? 1.0 / past : (seasonal[h] == i ? 1 : 0);
          }
          w[o * in + pos[t] * past + i] = (float) v;
        }
        b[o] = (float) r[past];
      }
    }
    return new float[][] {w, b};
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** The Linear blocks under {@code block}, depth first in insertion order. */
  static List<Linear> linears(Block block) {
    List<Linear> out = new ArrayList<>();
    collect(block, out);
    return out;
  }

  private static void collect(Block block, List<Linear> out) {
    if (block instanceof Linear l) {
      out.add(l);
      return;
    }
    for (Block child : block.getChildren().values()) {
      collect(child, out);
    }
  }

  private static void set(Linear l, float[] weight, float[] bias) {
    for (var p : l.getParameters()) {
      Parameter param = p.getValue();
      float[] v = param.getType() == Parameter.Type.BIAS ? bias : weight;
      if (param.getArray().size() != v.length) {
        throw new IllegalStateException("linear init: " + p.getKey() + " has " + param.getArray().size()
            + " values, expected " + v.length);
      }
      param.getArray().set(v);
    }
  }

  private static void zero(Linear l) {
    for (var p : l.getParameters()) {
      p.getValue().getArray().set(new float[(int) p.getValue().getArray().size()]);
    }
  }
}
