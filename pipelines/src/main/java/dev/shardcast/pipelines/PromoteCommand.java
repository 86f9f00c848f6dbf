package dev.shardcast.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.registry.ModelRegistry;
import dev.shardcast.training.registry.PromotionGate;
import dev.shardcast.training.train.RunLog;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardcast promote job.yaml <run-id>}: points the registry's {@code current} at a run (roll
 * back or forward by hand); with {@code --gate}, only if that run passes the promotion gate against
 * {@code current} on the job's shards (the scheduled AWS run trains with {@code train} and gates
 * with this).
 */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = {"Make a run of the model registry the current model (roll back or forward); with --gate, only if "
        + "it scores within the tolerance of current on the job's test shards.",
        "Exit codes: 0 done (promoted, or refused by --gate), 5 a retrain/promote holds the lock, 1 failure "
            + "(e.g. no such run), 2 bad config."})
public final class PromoteCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Parameters(index = "1", paramLabel = "RUN_ID", description = "a run under <registry.location>/models/")
  String runId;

  @Option(names = "--gate", description = "promote only if the run passes the gate against current (the job's shards "
      + "must be prepared; its test split is what both are scored on)")
  boolean gate;

  @Override
  public Integer call() throws Exception {
    JobConfig config = job.load();
    ModelRegistry registry = ModelRegistry.of(config);
    if (registry == null) {
      throw new ConfigException("promote needs the job's registry: section (at least registry.location)");
    }
    ModelRegistry.checkRunId(runId);
    ObjectNode event = RunLog.json().createObjectNode();
    event.put("run_id", runId);
    event.put("gate", gate);
    String summary;
    try (RetrainLock lock = RetrainLock.acquire(RetrainLock.pathFor(registry), "promote",
        Duration.ofMinutes(config.registry().lockMaxAgeMinutesOrDefault()))) {
      ModelRegistry.Current before = registry.current();
      event.put("previous", before == null ? null : before.runId());
      if (gate) {
        PromotionGate.Decision d = PromotionGate.decide(config, registry, runId);
        event.setAll((ObjectNode) RunLog.json().valueToTree(d.toMap()));
        if (d.promote()) {
          registry.setCurrent(runId, "promote --gate: " + d.reason());
        }
        RetrainCommand.logGate(registry, d);
        summary = RetrainCommand.summary(d, 0).replace("shardcast retrain:", "shardcast promote --gate:")
            .replaceAll(" \\[0 s\\]$", "");
      } else {
        registry.setCurrent(runId, "promote by hand");
        event.put("decision", "promoted");
        summary = "shardcast promote: current is now " + runId
            + (before == null ? "" : " (was " + before.runId() + ")") + " -> " + registry.modelLocation(runId);
      }
    } catch (RetrainLock.HeldException held) {
      event.put("decision", "locked");
      event.put("summary", "shardcast promote: " + held.getMessage());
      RetrainCommand.logQuietly(registry, "promote", event);
      System.err.println("error: " + held.getMessage());
      return RetrainCommand.EXIT_LOCKED;
    } catch (Exception e) {
      Throwable root = ShardcastCli.rootCause(e);
      event.put("decision", "failed");
      event.put("error", root.getMessage() == null ? root.toString() : root.getMessage());
      RetrainCommand.logQuietly(registry, "promote", event);
      throw e;
    }
    event.put("summary", summary);
    RetrainCommand.logQuietly(registry, "promote", event);
    System.out.println(summary);
    return 0;
  }
}
