package dev.shardcast.training.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.shardcast.training.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model folder: {@code model.json} (the {@link ModelSpec}) and {@code model.params} (DJL's
 * {@link Block#saveParameters} format). Enough for a predictor to rebuild the block and load the
 * weights, with no job config and no training code state.
 */
public final class SavedModel {
  public static final String SPEC_FILE = "model.json";
  public static final String PARAMS_FILE = "model.params";

  private SavedModel() {}

  /** Writes both files, each atomically; the spec first, so params never exist without it. */
  public static void save(Path dir, Block block, ModelSpec spec) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(dir.resolve(SPEC_FILE), spec.toJson());
    AtomicFiles.write(dir.resolve(PARAMS_FILE), parameterBytes(block));
  }

  /** The block's parameters in DJL's format (also what checkpoints hold). */
  public static byte[] parameterBytes(Block block) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces the block's parameter arrays with those in {@code bytes} (on {@code manager}'s
   * device). {@link Block#loadParameters} creates fresh arrays without gradients, so trainable
   * ones get theirs attached again; any {@link ParameterStore} made earlier still points at the old
   * arrays and must be recreated.
   */
  public static void loadParameterBytes(Block block, NDManager manager, byte[] bytes)
      throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException("parameters do not fit the model: " + e.getMessage(), e);
    }
    block
        .getParameters()
        .values()
        .forEach(
            p -> {
              if (p.requiresGradient()) {
                p.getArray().setRequiresGradient(true);
              }
            });
  }

  /** A rebuilt model: its spec and its block with the saved parameters, ready for inference. */
  public record Loaded(ModelSpec spec, Block block, NDManager manager) {
    /**
     * past [B, inputs, past] -> prediction [B, targets, future] (scaled), no dropout; a quantile
     * model's point forecast (see {@link QuantileOutput}).
     */
    public NDArray predict(NDArray past) {
      requireNoCalendar();
      return predict(new NDList(past));
    }

    /** A model with calendar features needs them (Batch#modelInput): the window alone would fail inside the block. */
    private void requireNoCalendar() {
      if (spec.calendarChannels() > 0) {
        throw new IllegalArgumentException("this model reads calendar features " + spec.timeFeatures()
            + ": give it the window and its calendar (Batch#modelInput)");
      }
    }

    /** The window and, for a model with calendar features, its calendar (see Batch#modelInput). */
    public NDArray predict(NDList inputs) {
      NDArray out = predictRaw(inputs);
      if (spec.quantiles() == null) {
        return out;
      }
      long windows = out.getShape().get(0);
      float[] raw = out.toFloatArray();
      out.close();
      QuantileOutput.sortInPlace(raw, spec.quantileCount(), spec.targets(), spec.future());
      float[] point = QuantileOutput.slice(raw, spec.quantileCount(), QuantileOutput.pointIndex(spec.quantiles()),
          spec.targets(), spec.future());
      return manager.create(point, new ai.djl.ndarray.types.Shape(windows, spec.targets(), spec.future()));
    }

    /** The block's own output: [B, outputs, future] (a quantile model's quantiles unsorted, see ModelSpec#outputs). */
    public NDArray predictRaw(NDArray past) {
      requireNoCalendar();
      return predictRaw(new NDList(past));
    }

    /** As above, with the model's calendar inputs when it has them. */
    public NDArray predictRaw(NDList inputs) {
      ParameterStore ps = new ParameterStore(manager, false);
      return block.forward(ps, inputs, false).singletonOrThrow();
    }
  }

  /** Rebuilds the block from {@code dir}/model.json and loads {@code dir}/model.params. */
  public static Loaded load(Path dir, NDManager manager) throws IOException {
    ModelSpec spec = ModelSpec.fromJson(Files.readAllBytes(dir.resolve(SPEC_FILE)));
    // initialized first (any seed: every value is overwritten) so all shapes are known
    Block block = ModelFactory.create(spec, manager, 0L);
    try (InputStream raw = Files.newInputStream(dir.resolve(PARAMS_FILE));
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(dir + ": parameters do not fit " + SPEC_FILE + ": " + e.getMessage(), e);
    }
    return new Loaded(spec, block, manager);
  }
}
