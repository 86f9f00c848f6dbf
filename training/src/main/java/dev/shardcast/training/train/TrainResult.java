package dev.shardcast.training.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Trainer#fit()} did.
 *
 * @param bestModelDir model folder (model.json + model.params) of the epoch with the best
 *     monitored loss; the one to predict with. Null if no epoch finished.
 * @param finalModelDir model folder of the last parameters; null when {@code interrupted}
 * @param epochs metrics of every finished epoch, including those before a resume
 * @param globalSteps training steps done in total
 * @param interrupted stopped by the test hook ({@link Trainer.Options#stopAfterSteps}) like a kill
 * @param checkpoint the latest checkpoint file
 */
public record TrainResult(
    Path bestModelDir,
    Path finalModelDir,
    List<EpochMetrics> epochs,
    long globalSteps,
    double bestValLoss,
    int bestEpoch,
    boolean earlyStopped,
    boolean interrupted,
    Path checkpoint,
    String device) {

  public TrainResult {
    epochs = List.copyOf(epochs);
  }

  /** The folder a predictor should load: best, or final when there is no best. */
  public Path modelDir() {
    return bestModelDir != null ? bestModelDir : finalModelDir;
  }
}
