package dev.shardcast.training.registry;

import ai.djl.ndarray.NDManager;
import dev.shardcast.training.TrainJob;
import dev.shardcast.training.data.ShardReader;
import dev.shardcast.training.data.ShardStore;
import dev.shardcast.training.device.DeviceSelector;
import dev.shardcast.training.eval.ScaleLookup;
import dev.shardcast.training.eval.TestEvaluator;
import dev.shardcast.training.model.SavedModel;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.RegistryConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.store.S3Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores a candidate run and the {@code current} one on the same windows, the test split of the
 * job's shards (the newest data), each model through its own scaler and both in original units, and
 * decides: the candidate replaces {@code current} if its score is at most
 * {@code current * (1 + tolerance)}.
 */
public final class PromotionGate {
  private PromotionGate() {}

  /**
   * @param candidate the candidate's score (null: none)
   * @param current current's score on the same windows (null: none, or no current)
   * @param windows the test windows both were scored on
   */
  public record Decision(boolean promote, String reason, String metric, Double candidate, Double current,
      long windows, String candidateRun, String currentRun, double tolerance) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("decision", promote ? "promoted" : "refused");
      m.put("reason", reason);
      m.put("metric", metric);
      m.put("candidate_run", candidateRun);
      m.put("candidate_score", candidate);
      m.put("current_run", currentRun);
      m.put("current_score", current);
      m.put("tolerance", tolerance);
      m.put("test_windows", windows);
      return m;
    }
  }

  /** Scores the candidate run (in {@code registry}) and {@code current} on the job's test shards. */
  public static Decision decide(JobConfig job, ModelRegistry registry, String candidateRun) throws IOException {
    RegistryConfig cfg = job.registry();
    RegistryConfig.Metric metric = cfg.metricOrDefault();
    double tol = cfg.toleranceOrDefault();
    ModelRegistry.Current current = registry.current();
    String currentRun = current == null ? null : current.runId();
    if (candidateRun.equals(currentRun)) {
      return new Decision(false, "the candidate is already current", metric.yaml(), null, null, 0, candidateRun,
          currentRun, tol);
    }
    DeviceSelector.beforeEngineLoads(job.train().device());
    try (ShardStore store = ShardStore.of(job.shards().output(), S3Clients.settings(job));
        NDManager manager = NDManager.newBaseManager();
        ShardReader reader = new ShardReader(store, job.train().prefetch(), manager)) {
      ShardManifest shards = reader.manifest();
      int season = job.train().season();
      Score cand = score(registry.fetchModel(candidateRun), reader, shards, season, metric, manager);
      if (cand.value == null) {
        return new Decision(false, "the candidate has no " + metric.yaml() + " on the test split (" + cand.windows
            + " windows" + (cand.problem == null ? "" : "; " + cand.problem) + ")", metric.yaml(), null, null,
            cand.windows, candidateRun, currentRun, tol);
      }
      if (current == null) {
        return new Decision(true, "no current model yet: the first candidate is promoted", metric.yaml(), cand.value,
            null, cand.windows, candidateRun, null, tol);
      }
      Score cur = score(registry.fetchModel(currentRun), reader, shards, season, metric, manager);
      if (cur.problem != null) {
        return new Decision(false, "the current model cannot be scored on these shards (" + cur.problem
            + "); promote by hand if the change is intended: shardcast promote JOB " + candidateRun, metric.yaml(),
            cand.value, null, cand.windows, candidateRun, currentRun, tol);
      }
      if (cur.value == null) {
        return new Decision(true, "the current model has no finite " + metric.yaml() + " on these windows",
            metric.yaml(), cand.value, null, cand.windows, candidateRun, currentRun, tol);
      }
      double limit = cur.value * (1 + tol);
      boolean promote = cand.value <= limit;
      String why = String.format(java.util.Locale.ROOT, "candidate %s %.6g %s current %.6g x (1 + tolerance %s) = %.6g",
          metric.yaml(), cand.value, promote ? "<=" : ">", cur.value, tol, limit);
      return new Decision(promote, why, metric.yaml(), cand.value, cur.value, cand.windows, candidateRun, currentRun,
          tol);
    }
  }

  private record Score(Double value, long windows, String problem) {}

  private static List<String> orEmpty(List<String> features) {
    return features == null ? List.of() : features;
  }

  @SuppressWarnings("unchecked")
  private static Score score(Path modelDir, ShardReader reader, ShardManifest shards, int season,
      RegistryConfig.Metric metric, NDManager parent) throws IOException {
    ShardManifest own = ShardManifest.fromJson(Files.readAllBytes(modelDir.resolve(TrainJob.MANIFEST_COPY)));
    ShardManifest.Schema a = own.schema();
    ShardManifest.Schema b = shards.schema();
    if (!a.inputs().equals(b.inputs()) || !a.targets().equals(b.targets()) || a.past() != b.past()
        || a.future() != b.future() || a.lead() != b.lead()) {
      return new Score(null, 0, "its inputs " + a.inputs() + " -> " + a.targets() + ", past " + a.past() + ", future "
          + a.future() + ", lead " + a.lead() + " differ from the shards' " + b.inputs() + " -> " + b.targets()
          + ", past " + b.past() + ", future " + b.future() + ", lead " + b.lead());
    }
    // The reader gives batches the calendar the shards' manifest names; a model reads the one it was trained with.
    if (!Objects.equals(orEmpty(a.timeFeatures()), orEmpty(b.timeFeatures()))) {
      return new Score(null, 0, "it reads the calendar features " + a.timeFeatures() + ", the shards have "
          + b.timeFeatures() + " (windowing.time_features)");
    }
    try (NDManager m = parent.newSubManager()) {
      SavedModel.Loaded model = SavedModel.load(modelDir, m);
      var source = Objects.equals(own.scaler(), shards.scaler()) ? reader
          : new RescaledSource(reader, new ScaleLookup(shards), new ScaleLookup(own), b.inputs(), b.targets());
      Map<String, Object> test = TestEvaluator.evaluate(model, source, own, "test", season);
      Map<String, Object> all = (Map<String, Object>) test.get("all");
      Object v = all.get(metric.key());
      long windows = ((Number) test.get("windows")).longValue();
      return new Score(v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null, windows, null);
    }
  }
}
