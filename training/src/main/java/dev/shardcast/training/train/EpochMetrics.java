package dev.shardcast.training.train;

/**
 * One finished epoch. Losses are MSE on scaled values, means over windows. {@code windowsPerS}
 * and {@code dataWaitFraction} cover the training steps run in this process (after a resume, the
 * rest of the epoch only); {@code seconds} is the wall time of that part, validation included.
 *
 * @param dataWaitFraction time blocked in the batch iterator's hasNext/next over total step time
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double valLoss,
    long windows,
    double windowsPerS,
    double dataWaitFraction,
    double seconds) {}
