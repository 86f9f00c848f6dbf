package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.training.registry.PromotionGate;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * {@code sweep --promote-best}: the best trial's train output becomes registry run
 * {@code sweep-<trial-id>} (a copy), then goes through the promotion gate against {@code current}
 * under the registry's lock, exactly as {@code promote --gate} does.
 */
final class SweepPromotion {
  private SweepPromotion() {}

  static String promote(JobConfig job, SweepCommand.Trial best, Path trialDir) throws Exception {
    ModelRegistry registry = ModelRegistry.of(job);
    if (registry == null) {
      throw new ConfigException("--promote-best needs the job's registry: section (at least registry.location)");
    }
    String runId = "sweep-" + best.id();
    if (registry.isS3()) {
      throw new ConfigException("--promote-best copies the trial into a local registry; for an S3 registry upload "
          + trialDir + " to " + registry.runLocation(runId) + " and run: shardcast promote JOB " + runId + " --gate");
    }
    ObjectNode event = RunLog.json().createObjectNode();
    event.put("run_id", runId);
    event.put("gate", true);
    event.put("sweep_trial", best.id());
    event.set("params", RunLog.json().valueToTree(best.params()));
    try (RetrainLock lock = RetrainLock.acquire(RetrainLock.pathFor(registry), "sweep --promote-best",
        Duration.ofMinutes(job.registry().lockMaxAgeMinutesOrDefault()))) {
      if (!registry.hasModel(runId)) {
        copyTree(trialDir, Path.of(registry.runLocation(runId)));
      }
      ModelRegistry.Current before = registry.current();
      event.put("previous", before == null ? null : before.runId());
      PromotionGate.Decision d = PromotionGate.decide(job, registry, runId);
      event.setAll((ObjectNode) RunLog.json().valueToTree(d.toMap()));
      if (d.promote()) {
        registry.setCurrent(runId, "sweep --promote-best: " + d.reason());
      }
      RetrainCommand.logGate(registry, d);
      String summary = RetrainCommand.summary(d, 0).replace("shardcast retrain:", "shardcast sweep --promote-best:")
          .replaceAll(" \\[0 s\\]$", "");
      event.put("summary", summary);
      RetrainCommand.logQuietly(registry, "promote", event);
      return summary;
    } catch (RetrainLock.HeldException held) {
      throw new IllegalStateException("--promote-best: " + held.getMessage() + "; promote later with: shardcast promote "
          + "JOB " + runId + " --gate", held);
    }
  }

  /** The trial's whole output (best/, final/, checkpoints/, run log, metrics) under the run's folder. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
