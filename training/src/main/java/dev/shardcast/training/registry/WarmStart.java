package dev.shardcast.training.registry;

import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a candidate from the served model's weights. Only a model of the very same spec (type,
 * layer sizes, inputs, window) can lend its parameters; any other keeps its usual start.
 */
public final class WarmStart {
  private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

  private WarmStart() {}

  /** @return whether the trainer's block now holds the weights of the model in {@code modelDir} */
  public static boolean apply(Trainer trainer, ModelSpec spec, Path modelDir) throws IOException {
    byte[] theirs = Files.readAllBytes(modelDir.resolve(SavedModel.SPEC_FILE));
    if (!Arrays.equals(ModelSpec.fromJson(theirs).toJson(), spec.toJson())) {
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
