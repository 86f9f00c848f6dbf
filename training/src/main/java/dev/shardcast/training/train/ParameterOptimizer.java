package dev.shardcast.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.shardcast.transforms.config.JobConfig;
import java.util.List;

/**
 * Optimizers written with plain NDArray ops on the parameter arrays, instead of DJL's built-in
 * ones, because their whole state (moments, velocities, step count) must be saved and restored
 * exactly for a resumed run to follow the uninterrupted one bit for bit; DJL's optimizers keep
 * their state private.
 *
 * <p>Callers run {@link #step} outside any gradient collector (PyTorch grad mode off, so in-place
 * updates of leaf tensors are allowed) and inside an {@link ai.djl.ndarray.NDScope}, which frees
 * the temporaries. State arrays live on {@code manager}, on the parameters' device.
 */
public abstract class ParameterOptimizer implements AutoCloseable {
  protected final List<Parameter> params;
  protected final NDManager manager;
  protected final float learningRate;
  protected final float weightDecay;
  /** Updates done so far. */
  protected long updates;

  protected ParameterOptimizer(
      List<Parameter> params, NDManager manager, double learningRate, double weightDecay) {
    this.params = List.copyOf(params);
    this.manager = manager;
    this.learningRate = (float) learningRate;
    this.weightDecay = (float) weightDecay;
  }

  public static ParameterOptimizer create(
      JobConfig.Optimizer cfg, List<Parameter> params, NDManager manager) {
    double wd = cfg.weightDecay() == null ? 0 : cfg.weightDecay();
    return switch (cfg.type()) {
      case ADAM -> new Adam(params, manager, cfg.learningRate(), wd);
      case SGD ->
          new SgdMomentum(
              params, manager, cfg.learningRate(), cfg.momentum() == null ? 0 : cfg.momentum(), wd);
    };
  }

  /**
   * One update from the gradients currently on the parameters, scaled by {@code gradScale} (the
   * clipping factor, 1 when not clipping). Weight decay is added to the gradient as L2.
   */
  public final void step(float gradScale) {
    updates++;
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getArray();
      NDArray g = w.getGradient();
      if (gradScale != 1f) {
        g = g.mul(gradScale);
      }
      if (weightDecay != 0f) {
        g = g.add(w.mul(weightDecay));
      }
      update(i, w, g);
    }
  }

  /** Applies the update to {@code weight} in place from gradient {@code grad}. */
  protected abstract void update(int index, NDArray weight, NDArray grad);

  public long updates() {
    return updates;
  }

  public abstract String type();

  /** Per-parameter state buffers, each an array with one entry per parameter (Adam: m, v). */
  protected abstract List<NDArray[]> buffers();

  private NDArray count;

  /**
   * The full state, in a fixed order, for a checkpoint (arrays are owned by the optimizer): every
   * buffer's arrays, buffer by buffer, then the update count as int64 [1].
   */
  public NDList state() {
    NDList out = new NDList();
    for (NDArray[] b : buffers()) {
      out.addAll(List.of(b));
    }
    if (count != null) {
      count.close();
    }
    count = manager.create(new long[] {updates});
    out.add(count);
    return out;
  }

  /** Restores {@link #state()} output (decoded from a checkpoint); copies the values in. */
  public void loadState(NDList state) {
    List<NDArray[]> buffers = buffers();
    int n = params.size();
    int expected = buffers.size() * n + 1;
    if (state.size() != expected) {
      throw new IllegalArgumentException(
          type() + " state has " + state.size() + " arrays, expected " + expected);
    }
    int at = 0;
    for (NDArray[] b : buffers) {
      for (int i = 0; i < n; i++) {
        copyInto(state.get(at++), b[i]);
      }
    }
    updates = state.get(at).toLongArray()[0];
  }

  /** Sets every gradient to zero (PyTorch accumulates them across backward calls). */
  public void zeroGradients() {
    for (Parameter p : params) {
      NDArray g = p.getArray().getGradient();
      g.subi(g);
    }
  }

  /**
   * Global L2 norm of all gradients (one device sync). Returns the factor to scale them by so the
   * norm is at most {@code maxNorm}: 1 when under it or when clipping is off ({@code maxNorm <=
   * 0}).
   */
  public float clipFactor(double maxNorm) {
    if (maxNorm <= 0) {
      return 1f;
    }
    NDArray sumSq = null;
    for (Parameter p : params) {
      NDArray s = p.getArray().getGradient().square().sum();
      sumSq = sumSq == null ? s : sumSq.add(s);
    }
    double norm = sumSq == null ? 0 : Math.sqrt(sumSq.getFloat());
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException(
          "gradient norm is " + norm + ": training diverged (lower train.optimizer.learning_rate?)");
    }
    // same rule as torch.nn.utils.clip_grad_norm_
    return norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
  }

  /** Copies {@code src} values into the existing {@code dst} (same shape), keeping identity. */
  protected static void copyInto(NDArray src, NDArray dst) {
    if (!src.getShape().equals(dst.getShape())) {
      throw new IllegalArgumentException(
          "optimizer state shape " + src.getShape() + " does not fit " + dst.getShape());
    }
    dst.set(src.toDevice(dst.getDevice(), false).toType(dst.getDataType(), false).toByteBuffer());
  }

  protected NDArray zerosLike(NDArray w) {
    return manager.zeros(w.getShape(), w.getDataType(), w.getDevice());
  }

  @Override
  public void close() {
    for (NDArray a : state()) {
      a.close();
    }
  }

  /** Adam (Kingma and Ba) with bias correction; betas 0.9/0.999, eps 1e-8 (the usual values). */
  static final class Adam extends ParameterOptimizer {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float EPS = 1e-8f;
    private final NDArray[] m;
    private final NDArray[] v;

    Adam(List<Parameter> params, NDManager manager, double lr, double wd) {
      super(params, manager, lr, wd);
      m = new NDArray[this.params.size()];
      v = new NDArray[this.params.size()];
      for (int i = 0; i < m.length; i++) {
        NDArray w = this.params.get(i).getArray();
        m[i] = zerosLike(w);
        v[i] = zerosLike(w);
      }
    }

    @Override
    protected void update(int i, NDArray w, NDArray g) {
      m[i].muli(B1).addi(g.mul(1f - B1));
      v[i].muli(B2).addi(g.square().muli(1f - B2));
      // bias corrections in double, then the step size folded into one scalar
      double bc1 = 1 - Math.pow(B1, updates);
      double bc2 = 1 - Math.pow(B2, updates);
      NDArray denom = v[i].div((float) bc2).sqrt().addi(EPS);
      w.subi(m[i].div(denom).muli((float) (learningRate / bc1)));
    }

    @Override
    public String type() {
      return "adam";
    }

    @Override
    protected List<NDArray[]> buffers() {
      return List.of(m, v);
    }
  }

  /** SGD with (PyTorch-style) momentum: buf = momentum * buf + g; w -= lr * buf. */
  static final class SgdMomentum extends ParameterOptimizer {
    private final float momentum;
    private final NDArray[] velocity;

    SgdMomentum(List<Parameter> params, NDManager manager, double lr, double momentum, double wd) {
      super(params, manager, lr, wd);
      this.momentum = (float) momentum;
      velocity = new NDArray[this.params.size()];
      for (int i = 0; i < velocity.length; i++) {
        velocity[i] = zerosLike(this.params.get(i).getArray());
      }
    }

    @Override
    protected void update(int i, NDArray w, NDArray g) {
      if (momentum == 0f) {
        w.subi(g.mul(learningRate));
        return;
      }
      // the first update starts from buf = g, which is what momentum * 0 + g gives
      velocity[i].muli(momentum).addi(g);
      w.subi(velocity[i].mul(learningRate));
    }

    @Override
    public String type() {
      return "sgd";
    }

    @Override
    protected List<NDArray[]> buffers() {
      return java.util.Collections.singletonList(velocity);
    }
  }
}
