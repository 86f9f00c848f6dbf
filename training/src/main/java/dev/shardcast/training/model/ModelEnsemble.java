package dev.shardcast.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ensemble}: the mean of the forecasts of linear, mlp and lstm, each trained on its own with the
 * same settings. One block (a {@link ParallelBlock} of the three, its output their mean, for a
 * quantile model each level's mean), so it is saved, loaded, served and promoted as one model folder
 * like any other. Its members are not trained together: {@link #assemble} copies the parameters of the
 * separately trained members into it.
 *
 * <p>Why a combination: with one short val period, which single model does best on the next period is
 * mostly noise (docs/forecast-quality.md); the mean of several is never worse than their average error
 * (MAE is convex) and usually better than most of them, the "forecast combination puzzle" (Clemen
 * 1989; the M4 competition, Makridakis et al. 2020).
 */
public final class ModelEnsemble {
  /** The members, in the order of the block's children. */
  public static final List<JobConfig.ModelType> MEMBERS = ModelFactory.TYPES;

  private ModelEnsemble() {}

  /** The ensemble's block, not initialized: one child per member, built from the member's spec. */
  static Block build(ModelSpec spec) {
    List<Block> children = new ArrayList<>();
    for (JobConfig.ModelType t : MEMBERS) {
      children.add(ModelFactory.build(spec.withType(t)));
    }
    return new ParallelBlock(ModelEnsemble::mean, children);
  }

  /** The members' outputs, added in member order (a fixed order: the same sum bit for bit), over their count. */
  private static NDList mean(List<NDList> outputs) {
    NDArray sum = outputs.get(0).singletonOrThrow();
    for (int i = 1; i < outputs.size(); i++) {
      sum = sum.add(outputs.get(i).singletonOrThrow());
    }
    return new NDList(sum.div(outputs.size()));
  }

  /**
   * An ensemble block of {@code spec} holding the parameters of the trained members in {@code
   * memberDirs} (model folders, in {@link #MEMBERS} order), each of which must be a model of
   * {@code spec.withType(member)}.
   */
  public static Block assemble(ModelSpec spec, List<Path> memberDirs, NDManager manager) throws IOException {
    if (spec.type() != JobConfig.ModelType.ENSEMBLE || memberDirs.size() != MEMBERS.size()) {
      throw new IllegalArgumentException("an ensemble is built from " + MEMBERS.size() + " members, got "
          + memberDirs.size() + " for a " + spec.type().yaml());
    }
    Block block = ModelFactory.create(spec, manager, 0L); // every value is overwritten below
    for (int i = 0; i < MEMBERS.size(); i++) {
      Path dir = memberDirs.get(i);
      ModelSpec expected = spec.withType(MEMBERS.get(i));
      ModelSpec theirs = ModelSpec.fromJson(Files.readAllBytes(dir.resolve(SavedModel.SPEC_FILE)));
      if (!java.util.Arrays.equals(theirs.toJson(), expected.toJson())) {
        throw new IllegalArgumentException(dir + " is not a " + MEMBERS.get(i).yaml() + " of this ensemble's spec");
      }
      SavedModel.loadParameterBytes(member(block, i), manager, Files.readAllBytes(dir.resolve(SavedModel.PARAMS_FILE)));
    }
    return block;
  }

  /** The parameters of member {@code type} of the ensemble model in {@code dir}, in DJL's format. */
  public static byte[] memberParameters(Path dir, JobConfig.ModelType type, NDManager manager) throws IOException {
    int i = MEMBERS.indexOf(type);
    if (i < 0) {
      throw new IllegalArgumentException(type.yaml() + " is no member of an ensemble");
    }
    return SavedModel.parameterBytes(member(SavedModel.load(dir, manager).block(), i));
  }

  private static Block member(Block ensemble, int i) {
    return ensemble.getChildren().get(i).getValue();
  }
}
