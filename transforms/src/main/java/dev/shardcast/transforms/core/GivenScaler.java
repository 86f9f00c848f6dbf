package dev.shardcast.transforms.core;

import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.JobPlan;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scaler.from}: the scaler of an earlier run's manifest (a shards folder, or a model's
 * {@code best/}, which holds the manifest it was trained on), used instead of fitting one, so a
 * retrained model sees its inputs in the units the model it starts from was trained in. Checked
 * against the job: same scaler type and scope, a scale for every value column; a series the given
 * scaler has no scales for (new since then) uses its global scales, as a series without training rows does.
 */
public final class GivenScaler {
  private GivenScaler() {}

  /** The scaler of {@code manifestJson} (read from {@code from}) for the job of {@code plan}. */
  public static ScalerParams of(JobPlan plan, String from, byte[] manifestJson) {
    ShardManifest m;
    try {
      m = ShardManifest.fromJson(manifestJson);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("config key 'scaler.from': " + from + " is not a shardcast manifest: " + e.getMessage());
    }
    ShardManifest.Scaler s = m.scaler();
    if (s == null || s.global() == null) {
      throw new ConfigException("config key 'scaler.from': the manifest " + from + " has no scaler");
    }
    String type = plan.config().scaler().type().yaml();
    String scope = plan.config().scaler().scope().yaml();
    if (!type.equals(s.type()) || !scope.equals(s.scope())) {
      throw new ConfigException("config key 'scaler.from': " + from + " has a " + s.type() + " scaler of scope "
          + s.scope() + ", the job asks for " + type + " / " + scope + " (scaler.type, scaler.scope)");
    }
    Map<String, ColumnScale> global = new LinkedHashMap<>();
    for (String column : plan.valueColumns()) {
      ColumnScale c = s.global().get(column);
      if (c == null) {
        throw new ConfigException("config key 'scaler.from': " + from + " has no scale for the column '" + column
            + "' (it has " + s.global().keySet() + "): fit a new scaler (drop scaler.from)");
      }
      global.put(column, c);
    }
    Map<String, Map<String, ColumnScale>> perSeries = new LinkedHashMap<>();
    if (s.perSeries() != null) {
      for (Map.Entry<String, Map<String, ColumnScale>> e : s.perSeries().entrySet()) {
        Map<String, ColumnScale> own = new LinkedHashMap<>();
        for (String column : plan.valueColumns()) {
          own.put(column, e.getValue().getOrDefault(column, global.get(column)));
        }
        perSeries.put(e.getKey(), own);
      }
    }
    return new ScalerParams(global, perSeries);
  }
}
