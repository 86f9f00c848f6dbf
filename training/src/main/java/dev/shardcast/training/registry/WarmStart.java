package dev.shardcast.training.registry;

import dev.shardcast.training.model.ModelEnsemble;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.train.Trainer;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a candidate from the served model's weights. Only a model of the very same spec (type,
 * layer sizes, inputs, window), or an ensemble holding a member of that spec, can lend its parameters;
 * any other keeps its usual start.
 */
public final class WarmStart {
  private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

  private WarmStart() {}

  /** @return whether the trainer's block now holds the weights of the model in {@code modelDir} */
  public static boolean apply(Trainer trainer, ModelSpec spec, Path modelDir) throws IOException {
    byte[] theirs = Files.readAllBytes(modelDir.resolve(SavedModel.SPEC_FILE));
    ModelSpec current = ModelSpec.fromJson(theirs);
    if (current.type() == JobConfig.ModelType.ENSEMBLE && ModelEnsemble.MEMBERS.contains(spec.type())
        && Arrays.equals(current.withType(spec.type()).toJson(), spec.toJson())) {
      // the served model is auto's ensemble: each candidate starts from its own member in it
      SavedModel.loadParameterBytes(trainer.block(), trainer.manager(),
          ModelEnsemble.memberParameters(modelDir, spec.type(), trainer.manager()));
      LOG.info("warm start: {} starts from its member of the current ensemble ({})", spec.type().yaml(), modelDir);
      return true;
    }
    if (!Arrays.equals(current.toJson(), spec.toJson())) {
      LOG.info("warm start: the current model ({}) is not a {} of this spec; {} keeps its usual start",
          ModelSpec.fromJson(theirs).type().yaml(), spec.type().yaml(), spec.type().yaml());
      return false;
    }
    SavedModel.loadParameterBytes(trainer.block(), trainer.manager(),
        Files.readAllBytes(modelDir.resolve(SavedModel.PARAMS_FILE)));
    LOG.info("warm start: {} starts from the current model's weights ({})", spec.type().yaml(), modelDir);
    return true;
  }
}
