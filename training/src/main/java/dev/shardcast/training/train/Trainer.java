package dev.shardcast.training.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.shardcast.training.data.Batch;
import dev.shardcast.training.data.BatchSource;
import dev.shardcast.training.device.DeviceSelector;
import dev.shardcast.training.eval.MetricText;
import dev.shardcast.training.model.ModelFactory;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model on a {@link BatchSource}: MSE on scaled values, validation each epoch, early
 * stopping, global-norm gradient clipping, hand-written optimizers, periodic atomic checkpoints
 * and exact resume.
 *
 * <p>Exactness: every source of randomness derives from {@code train.seed} and the global step
 * (init from the seed, each epoch's shard order from (seed, epoch), each step's dropout masks from
 * re-seeding the engine with (seed, step)), and a checkpoint holds all other state, so a run
 * resumed from step k performs the very same float operations as one that never stopped.
 *
 * <p>Output folder: {@code run.jsonl}, {@code checkpoints/checkpoint.ckpt}, {@code best/} and
 * {@code final/} model folders (see {@link SavedModel}). Not thread-safe; one per process at a
 * time (PyTorch allows one gradient collector at a time).
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final JobConfig.Train cfg;
  private final ModelSpec spec;
  private final BatchSource source;
  private final Path outputDir;
  private final TrainOptions opts;
  private final DeviceSelector.Selection selection;
  private final Device device;
  private final NDManager manager;
  private final Block block;
  private final ParameterOptimizer optimizer;
  private final RunLog log;
  private final long seed;
  private final String trajectoryHash;
  private final long createdNanos = System.nanoTime();
  private ParameterStore parameterStore;

  // Progress; mirrored into checkpoints (see Checkpoint.State for meanings).
  private int epoch;
  private int nextShard;
  private long globalStep;
  private double epochLossSum; // summed over observed target points
  private long epochPoints; // observed target points
  private long epochWindows;
  private Double bestLoss;
  private int bestEpoch = -1;
  private int epochsWithoutImprovement;
  private boolean finished;
  private boolean earlyStopped;
  private final List<EpochMetrics> history = new ArrayList<>();
  private String startingPoint; // see keepStartingPoint

  /**
   * Selects the device (throws {@link DeviceSelector.NoGpuException} for gpu without one), builds
   * and initializes the model from {@code train.seed}, opens the run log in append mode.
   */
  public Trainer(
      JobConfig.Train cfg, ModelSpec spec, BatchSource source, Path outputDir, TrainOptions opts)
      throws IOException {
    this.cfg = cfg;
    this.spec = spec;
    this.source = source;
    this.outputDir = outputDir;
    this.opts = opts == null ? TrainOptions.defaults() : opts;
    PinballLoss.check(cfg, spec);
    this.seed = cfg.seed();
    this.selection = DeviceSelector.select(cfg.device());
    this.device = selection.primary();
    this.manager = NDManager.newBaseManager(device);
    try {
      this.block = ModelFactory.create(spec, manager, seed);
      this.optimizer = ParameterOptimizer.create(cfg.optimizer(), trainable(block), manager);
      this.trajectoryHash = TrainHashes.trajectory(cfg, spec);
      Files.createDirectories(outputDir);
      this.log = new RunLog(outputDir.resolve(RunLog.FILE_NAME));
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static List<Parameter> trainable(Block block) {
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        out.add(p);
      }
    }
    return out;
  }

  public Path checkpointFile() {
    return Checkpoint.path(outputDir.resolve("checkpoints"));
  }

  public Path bestModelDir() {
    return outputDir.resolve("best");
  }

  public Path finalModelDir() {
    return outputDir.resolve("final");
  }

  /**
   * The parameters the block has now (e.g. a linear fit, {@code name} says which) are a candidate
   * for the best model: a fresh run scores them on val before the first epoch, and an epoch must
   * beat them (by early_stopping.min_delta) to replace them; {@link TrainResult#bestEpoch()} is -1
   * when none did. Scoring changes no parameter and draws no random number.
   */
  public void keepStartingPoint(String name) {
    this.startingPoint = name;
  }

  /** Runs (or, with resume, continues) training to the end, an early stop, or the stop hook. */
  public TrainResult fit() throws IOException {
    // PyTorch's grad mode is per thread and DJL turns it off only on the thread that loaded the
    // engine; on any other thread the optimizer's in-place update of a leaf parameter fails.
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    String resumedFrom = opts.resume ? restore() : null;
    log.runStart(
        opts.config != null ? opts.config : RunLog.json().valueToTree(cfg),
        opts.gitCommitSet ? opts.gitCommit : dev.shardcast.transforms.config.GitCommit.current(),
        opts.configHash,
        opts.manifestHash,
        device.toString(),
        selection.flavour(),
        seed,
        resumedFrom);
    LOG.info("training {} on {}{}", spec.type(), selection.describe(),
        resumedFrom == null ? "" : ", resumed from " + resumedFrom);
    parameterStore = new ParameterStore(manager, false);
    if (startingPoint != null && globalStep == 0 && epoch == 0 && bestLoss == null) {
      scoreStartingPoint();
    }
    int patience = cfg.earlyStopping().patience();
    double minDelta = cfg.earlyStopping().minDelta();
    while (!finished && epoch < cfg.epochs()) {
      long epochStart = System.nanoTime();
      EpochLoop loop = trainEpoch();
      if (loop.interrupted) {
        return result(true);
      }
      double trainLoss = epochPoints == 0 ? Double.NaN : epochLossSum / epochPoints;
      double valLoss = evaluate(opts.valSplit);
      // Without a val split, early stopping watches the train loss.
      double monitored = Double.isNaN(valLoss) ? trainLoss : valLoss;
      if (bestLoss == null || monitored < bestLoss - minDelta) {
        bestLoss = monitored;
        bestEpoch = epoch;
        epochsWithoutImprovement = 0;
        SavedModel.save(bestModelDir(), block, spec);
      } else {
        epochsWithoutImprovement++;
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      EpochMetrics m =
          new EpochMetrics(epoch, trainLoss, valLoss, epochWindows,
              loop.seconds > 0 ? loop.windows / loop.seconds : Double.NaN,
              loop.seconds > 0 ? loop.waitSeconds / loop.seconds : Double.NaN,
              seconds);
      history.add(m);
      log.epoch(m);
      LOG.info("epoch {}: train {} val {} ({} windows/s, data wait {})", epoch, MetricText.of(trainLoss, "%.6g"),
          MetricText.of(valLoss, "%.6g"), MetricText.of(m.windowsPerS(), "%.0f"), MetricText.of(m.dataWaitFraction(), "%.2f"));
      if (epochsWithoutImprovement >= patience) {
        earlyStopped = true;
        log.earlyStop(epoch, bestLoss, bestEpoch, patience);
        LOG.info("early stop after epoch {}: best {} at epoch {}", epoch, MetricText.of(bestLoss, "%.6g"), bestEpoch);
      }
      epoch++;
      nextShard = 0;
      epochLossSum = 0;
      epochPoints = 0;
      epochWindows = 0;
      finished = earlyStopped || epoch >= cfg.epochs();
      writeCheckpoint();
    }
    SavedModel.save(finalModelDir(), block, spec);
    return result(false);
  }

  private void scoreStartingPoint() throws IOException {
    double val = evaluate(opts.valSplit);
    if (Double.isNaN(val)) {
      return;
    }
    bestLoss = val;
    bestEpoch = -1;
    SavedModel.save(bestModelDir(), block, spec);
    var e = log.event("starting_point");
    e.put("from", startingPoint);
    e.put("val_loss", val);
    log.write(e);
    LOG.info("starting point ({}): val {}", startingPoint, MetricText.of(val, "%.6g"));
  }

  private record EpochLoop(boolean interrupted, long windows, double seconds, double waitSeconds) {}

  /** The rest of the current epoch from {@code nextShard}. */
  private EpochLoop trainEpoch() throws IOException {
    long windows = 0;
    long waitNanos = 0;
    long loopStart = System.nanoTime();
    Iterator<Batch> it = source.epoch(opts.trainSplit, seed, epoch, nextShard);
    try {
      while (true) {
        long w0 = System.nanoTime();
        if (!it.hasNext()) {
          waitNanos += System.nanoTime() - w0;
          break;
        }
        Batch batch = it.next();
        waitNanos += System.nanoTime() - w0;
        try (batch) {
          MaskedLoss loss = step(batch);
          globalStep++;
          epochLossSum += loss.sum();
          epochPoints += loss.points();
          epochWindows += batch.size();
          windows += batch.size();
          nextShard = batch.shardIndex() + 1;
        }
        boolean stop = opts.stopAfterSteps != null && globalStep >= opts.stopAfterSteps;
        boolean periodic = globalStep % cfg.checkpointEvery() == 0;
        if (periodic || (stop && opts.checkpointOnStop)) {
          writeCheckpoint();
        }
        if (stop) {
          LOG.info("stop hook: stopping at step {} (epoch {}, next shard {})", globalStep, epoch,
              nextShard);
          return new EpochLoop(true, windows, seconds(loopStart), waitNanos / 1e9);
        }
      }
    } finally {
      if (it instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("closing the batch iterator failed", e);
        }
      }
    }
    return new EpochLoop(false, windows, seconds(loopStart), waitNanos / 1e9);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** A batch's loss summed over its observed target points, and how many there were. */
  private record MaskedLoss(double sum, long points) {}

  /**
   * One optimizer step on one batch (none when every target point of the batch was filled: there
   * is nothing to learn from); returns the batch's loss.
   */
  private MaskedLoss step(Batch batch) {
    // Dropout masks come from the engine RNG: seeding it from (seed, step) makes them a function
    // of the step alone, whatever happened before (e.g. a resume).
    Engine.getInstance().setRandomSeed(ModelFactory.engineSeed(seed, globalStep));
    float loss;
    long points;
    try (NDScope scope = new NDScope()) {
      NDArray x = onDevice(batch.past());
      NDArray y = onDevice(batch.future());
      NDArray observed = onDevice(batch.futureObserved());
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray pred = block.forward(parameterStore, batch.modelInput(x, this::onDevice), true).singletonOrThrow();
        NDArray[] l = lossOf(pred, y, observed);
        collector.backward(l[0]);
        loss = l[0].getFloat();
        points = (long) l[1].getFloat();
      }
      if (!Float.isFinite(loss)) {
        throw new IllegalStateException("train loss is " + loss + " at step " + globalStep
            + " (epoch " + epoch + ", " + batch.path() + "): training diverged");
      }
      // Outside the collector: grad mode is off, so in-place updates of the weights are allowed.
      if (points > 0) {
        optimizer.step(optimizer.clipFactor(cfg.gradClip() == null ? 0 : cfg.gradClip()));
      }
      optimizer.zeroGradients();
    }
    return new MaskedLoss((double) loss * points, points);
  }

  /**
   * Mean squared (mse) or absolute (mae) error on scaled values, as train.loss says, over the
   * observed target points only (a point the gap policy filled is not a target), and the number of
   * those points: {mean, count}. The mean is 0 when no point was observed. Quantile: PinballLoss.
   */
  private NDArray[] lossOf(NDArray pred, NDArray truth, NDArray observed) {
    if (spec.quantiles() != null) {
      return PinballLoss.of(pred, truth, observed, spec.quantiles());
    }
    NDArray diff = pred.sub(truth).mul(observed);
    NDArray per = cfg.loss() == JobConfig.LossType.MAE ? diff.abs() : diff.square();
    NDArray count = observed.sum();
    return new NDArray[] {per.sum().div(count.maximum(1f)), count};
  }

  private NDArray onDevice(NDArray a) {
    return a.toDevice(device, false).toType(DataType.FLOAT32, false);
  }

  /**
   * Mean loss over the observed target points of {@code split} with the current parameters, no
   * dropout; NaN when the split has no shards (or no observed target point).
   */
  public double evaluate(String split) {
    if (source.shardCount(split) == 0) {
      return Double.NaN;
    }
    ParameterStore ps = parameterStore != null ? parameterStore : new ParameterStore(manager, false);
    double sum = 0;
    long points = 0;
    Iterator<Batch> it = source.epoch(split, seed, 0, 0);
    while (it.hasNext()) {
      try (Batch batch = it.next();
          NDScope scope = new NDScope()) {
        NDArray pred = block.forward(ps, batch.modelInput(onDevice(batch.past()), this::onDevice), false)
            .singletonOrThrow();
        NDArray[] l = lossOf(pred, onDevice(batch.future()), onDevice(batch.futureObserved()));
        long n = (long) l[1].getFloat();
        sum += (double) l[0].getFloat() * n;
        points += n;
      }
    }
    return points == 0 ? Double.NaN : sum / points;
  }

  /** Loads the best epoch's parameters into the block (e.g. before evaluating the test split). */
  public void restoreBest() throws IOException {
    Path params = bestModelDir().resolve(SavedModel.PARAMS_FILE);
    if (Files.isRegularFile(params)) {
      SavedModel.loadParameterBytes(block, manager, Files.readAllBytes(params));
      parameterStore = new ParameterStore(manager, false);
    }
  }

  /** Writes run_end with the caller's test metrics and the wall time since construction. */
  public void finish(Map<String, ?> testMetrics) {
    log.runEnd(testMetrics, (System.nanoTime() - createdNanos) / 1e9);
  }

  private void writeCheckpoint() throws IOException {
    Path file = checkpointFile();
    byte[] params = SavedModel.parameterBytes(block);
    byte[] opt = optimizer.state().encode();
    Checkpoint.State st =
        new Checkpoint.State(epoch, nextShard, globalStep, epochLossSum, epochPoints, epochWindows, bestLoss,
            bestEpoch, epochsWithoutImprovement, finished, earlyStopped, seed, optimizer.type(),
            trajectoryHash, opts.configHash, history);
    new Checkpoint(st, params, opt).write(file);
    log.checkpoint(epoch, nextShard, globalStep, file);
    if (opts.afterCheckpoint != null) {
      opts.afterCheckpoint.written();
    }
  }

  /** Loads the latest checkpoint, if any; returns a description for run_start, or null. */
  private String restore() throws IOException {
    Path file = checkpointFile();
    Optional<Checkpoint> found = Checkpoint.readIfExists(file);
    if (found.isEmpty()) {
      LOG.info("resume requested but there is no checkpoint at {}: starting fresh", file);
      return null;
    }
    Checkpoint ck = found.get();
    Checkpoint.State st = ck.state();
    if (!trajectoryHash.equals(st.trajectoryHash())) {
      throw new IllegalStateException(file + " was written with a different model, optimizer, "
          + "grad_clip or seed; it cannot be resumed with this config (remove it to start over)");
    }
    if (opts.configHash != null && st.configHash() != null && !opts.configHash.equals(st.configHash())) {
      LOG.warn("config hash differs from the checkpoint's ({} vs {}); resuming anyway",
          opts.configHash, st.configHash());
    }
    SavedModel.loadParameterBytes(block, manager, ck.parameters());
    try (NDList state = NDList.decode(manager, ck.optimizer())) {
      optimizer.loadState(state);
    }
    epoch = st.epoch();
    nextShard = st.nextShard();
    globalStep = st.globalStep();
    epochLossSum = st.epochLossSum();
    epochPoints = st.epochPoints();
    epochWindows = st.epochWindows();
    bestLoss = st.bestValLoss();
    bestEpoch = st.bestEpoch();
    epochsWithoutImprovement = st.epochsWithoutImprovement();
    finished = st.finished();
    earlyStopped = st.earlyStopped();
    history.clear();
    history.addAll(st.history());
    return file + "#step=" + globalStep;
  }

  private TrainResult result(boolean interrupted) {
    Path best = Files.isDirectory(bestModelDir()) && bestLoss != null ? bestModelDir() : null;
    Path fin = interrupted ? null : finalModelDir();
    return new TrainResult(best, fin, history, globalStep,
        bestLoss == null ? Double.NaN : bestLoss, bestEpoch, earlyStopped, interrupted,
        checkpointFile(), device.toString());
  }

  public Block block() {
    return block;
  }

  public ModelSpec spec() {
    return spec;
  }

  public NDManager manager() {
    return manager;
  }

  public DeviceSelector.Selection selection() {
    return selection;
  }

  /** Closes the run log and frees the model's native memory; not the batch source. */
  @Override
  public void close() {
    log.close();
    optimizer.close();
    manager.close();
  }
}
