package dev.shardcast.training;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.training.eval.RidgeBaseline;
import dev.shardcast.training.eval.WindowErrors;
import dev.shardcast.training.model.ModelEnsemble;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.training.report.ForecastSamples;
import dev.shardcast.training.train.TrainResult;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auto's fourth candidate: the mean of the trained linear, mlp and lstm ({@link ModelEnsemble}), saved as
 * one model folder ({@code candidates/ensemble/best}) and scored on test and val like the others.
 */
final class EnsembleCandidate {
  private static final Logger LOG = LoggerFactory.getLogger(EnsembleCandidate.class);
  static final String NAME = "ensemble";

  private EnsembleCandidate() {}

  /**
   * @param members the trained candidates, in {@link ModelEnsemble#MEMBERS} order
   * @param dir the ensemble's folder; its model goes to {@code dir/best}
   */
  static ModelChoice.Candidate build(JobConfig.Train train, ShardManifest manifest, ShardReader reader, Path dir,
      List<ModelChoice.Candidate> members, RidgeBaseline ridge, ForecastSamples samples) throws IOException {
    // assemble checks each folder holds the member of its place
    List<Path> dirs = members.stream().map(m -> m.result().modelDir()).toList();
    ModelSpec spec = ModelSpec.of(train.model().withType(JobConfig.ModelType.ENSEMBLE), manifest.schema(), train.season())
        .withQuantiles(train.quantiles());
    Path best = dir.resolve("best");
    Map<String, Object> metrics = new LinkedHashMap<>();
    WindowErrors valErrors;
    // scored on the device the members trained on (the selection of train.device)
    ai.djl.Device device = dev.shardcast.training.device.DeviceSelector.select(train.device()).primary();
    try (NDManager manager = NDManager.newBaseManager(device)) {
      Block block = ModelEnsemble.assemble(spec, dirs, manager);
      SavedModel.save(best, block, spec);
      SavedModel.Loaded model = new SavedModel.Loaded(spec, block, manager);
      metrics.put("model", NAME);
      metrics.put("members", ModelEnsemble.MEMBERS.stream().map(JobConfig.ModelType::yaml).toList());
      valErrors = TrainJob.score(model, reader, manifest, train.season(), ridge, samples, metrics);
    }
    metrics.put("best_epoch", null);
    metrics.put("best_val_loss", null);
    String deviceName = members.get(0).result().device();
    metrics.put("device", deviceName);
    long steps = members.stream().mapToLong(m -> m.result().globalSteps()).sum();
    TrainResult result = new TrainResult(best, null, List.of(), steps, Double.NaN, -1, false, false, null, deviceName);
    ModelChoice.Candidate c = new ModelChoice.Candidate(NAME, JobConfig.ModelType.ENSEMBLE, result, metrics, valErrors);
    LOG.info("ensemble (the mean of {}): val MAE {}", metrics.get("members"), c.valMae());
    return c;
  }
}
