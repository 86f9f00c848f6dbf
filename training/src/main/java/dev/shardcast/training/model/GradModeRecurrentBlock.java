package dev.shardcast.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Runs a recurrent block (the LSTM) with PyTorch's grad mode on, also when the caller evaluates or
 * predicts with grad mode off, and hands back outputs detached from the graph.
 *
 * <p>Why: with grad mode off, PyTorch 2.5.1 on CPU runs {@code lstm} through oneDNN's inference
 * kernel, and on AVX-512 CPUs (seen on an AMD EPYC with avx512f/bw/vl/bf16) that kernel returns
 * outputs that differ from the reference by up to 0.2 on values of about 0.6, while with grad mode
 * on (PyTorch's own kernels) training, finite differences and AVX2 machines all agree. Validation
 * loss, test metrics and forecasts were silently wrong there; an LSTM "did not learn" although its
 * training gradients were right. {@code GradModeRecurrentBlockTest} checks the two modes agree.
 * The cost is a small autograd graph per evaluation forward, freed with the detached outputs.
 */
public final class GradModeRecurrentBlock extends AbstractBlock {
  private static final byte VERSION = 1;
  private final Block recurrent;

  public GradModeRecurrentBlock(Block recurrent) {
    super(VERSION);
    this.recurrent = addChildBlock("recurrent", recurrent);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (JniUtils.isGradMode()) {
      return recurrent.forward(ps, inputs, training, params);
    }
    JniUtils.setGradMode(true);
    try {
      NDList out = recurrent.forward(ps, inputs, training, params);
      NDList detached = new NDList(out.size());
      for (NDArray a : out) {
        detached.add(a.stopGradient());
        a.close();
      }
      return detached;
    } finally {
      JniUtils.setGradMode(false);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return recurrent.getOutputShapes(inputShapes);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    recurrent.initialize(manager, dataType, inputShapes);
  }
}
