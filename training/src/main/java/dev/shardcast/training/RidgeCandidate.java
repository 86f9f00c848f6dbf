package dev.shardcast.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.eval.TestEvaluator;
import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.model.LinearInit;
import dev.shardcast.training.model.ModelFactory;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * auto's simplest candidate: the ridge fit itself, as a linear model folder whose weights are the
 * ridge's (what the linear candidate and the residual paths start from), not trained. Where no trained
 * candidate clearly beats it on val, it is the model kept ({@link ModelChoice}).
 */
final class RidgeCandidate {
  static final String NAME = "ridge";

  private RidgeCandidate() {}

  /** The candidate, its model folder written in {@code dir}; null where the linear model cannot hold the ridge fit. */
  static ModelChoice.Candidate build(JobConfig.Train train, ShardManifest manifest, ShardReader reader, Path dir,
      RidgeBaseline ridge) throws IOException {
    ModelSpec spec = ModelSpec.of(train.model().withType(JobConfig.ModelType.LINEAR), manifest.schema(), train.season());
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = ModelFactory.create(spec, manager, train.seed());
      if (!LinearInit.fromRidge(block, spec, ridge)) {
        return null;
      }
      SavedModel.save(dir, block, spec);
      SavedModel.Loaded model = SavedModel.load(dir, manager);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("model", JobConfig.ModelType.LINEAR.yaml());
      metrics.put("test", TestEvaluator.evaluate(model, reader, manifest, "test", train.season(), ridge));
      metrics.put("val", TestEvaluator.evaluate(model, reader, manifest, "val", train.season(), ridge));
      metrics.put("ridge", ridge.describe());
      metrics.put("best_epoch", -1);
      metrics.put("best_val_loss", null);
      metrics.put("device", manager.getDevice().toString());
      TrainResult none = new TrainResult(dir, dir, List.of(), 0, Double.NaN, -1, false, false, null,
          manager.getDevice().toString());
      return new ModelChoice.Candidate(NAME, JobConfig.ModelType.LINEAR, none, metrics,
          WindowErrors.of(model, reader, manifest, "val"));
    }
  }
}
