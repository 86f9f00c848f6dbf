package dev.shardcast.training.eval;

import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.shard.ShardManifest;
import java.util.Map;

/** The scaler a prepare job fitted, from its manifest: per series when fitted so, else global. */
public final class ScaleLookup {
  private final Map<String, ColumnScale> global;
  private final Map<String, Map<String, ColumnScale>> perSeries;

  public ScaleLookup(ShardManifest manifest) {
    this(manifest.scaler().global(), manifest.scaler().perSeries());
  }

  public ScaleLookup(Map<String, ColumnScale> global, Map<String, Map<String, ColumnScale>> perSeries) {
    this.global = global;
    this.perSeries = perSeries == null ? Map.of() : perSeries;
  }

  public ColumnScale of(String series, String column) {
    Map<String, ColumnScale> scales = perSeries.getOrDefault(series, global);
    ColumnScale s = scales.get(column);
    if (s == null) {
      throw new IllegalArgumentException("the manifest has no scaler for column " + column);
    }
    return s;
  }
}
