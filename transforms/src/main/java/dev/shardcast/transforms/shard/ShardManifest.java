package dev.shardcast.transforms.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shardcast.transforms.core.ColumnScale;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: the last file prepare writes, and the proof that an output folder is
 * complete. Readers trust nothing in the folder that the manifest does not list.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder(alphabetic = false)
public record ShardManifest(
    int formatVersion,
    String name,
    String configHash,
    JsonNode config,
    String gitCommit,
    String startedAt,
    String finishedAt,
    long seed,
    List<InputFile> inputs,
    Schema schema,
    Map<String, Split> splits,
    Scaler scaler,
    Map<String, Long> counts,
    Quarantine quarantine,
    Quality quality) {

  /**
   * The data-quality report of the run and its verdict (pass or warn; a failed run has no manifest).
   * The rules themselves are in {@code config.quality}, where predict reads them back.
   */
  public record Quality(String report, String verdict) implements java.io.Serializable {}

  public static final String FILE_NAME = "manifest.json";

  public record InputFile(String path, long bytes) implements java.io.Serializable {}

  /**
   * @param layout windows (one row per window) or compact (one row per segment; null in manifests
   *     written before the compact layout existed: windows)
   * @param segmentWindows compact: most windows per stored segment
   * @param shuffleBuffer compact: files the reader pools and shuffles together
   * @param timeFeatures windowing.time_features (null: none): the calendar channels the reader computes
   *     from each window's start and the frequency; the shard files are the same either way
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schema(int batchSize, int past, int future, int lead, int stride, String frequency,
      List<String> inputs, List<String> targets, boolean fillMasks, List<ShardSchema.ColumnInfo> columns,
      String layout, Integer segmentWindows, Integer shuffleBuffer, List<String> timeFeatures) {
    public Schema(int batchSize, int past, int future, int lead, int stride, String frequency, List<String> inputs,
        List<String> targets, boolean fillMasks, List<ShardSchema.ColumnInfo> columns) {
      this(batchSize, past, future, lead, stride, frequency, inputs, targets, fillMasks, columns, "windows", null, null);
    }

    public Schema(int batchSize, int past, int future, int lead, int stride, String frequency, List<String> inputs,
        List<String> targets, boolean fillMasks, List<ShardSchema.ColumnInfo> columns, String layout,
        Integer segmentWindows, Integer shuffleBuffer) {
      this(batchSize, past, future, lead, stride, frequency, inputs, targets, fillMasks, columns, layout,
          segmentWindows, shuffleBuffer, null);
    }

    public boolean compact() {
      return "compact".equals(layout);
    }
  }

  public record Split(long windows, int shardCount, boolean lastShardPartial, long lastShardRows, List<ShardFile> shards) {}

  public record ShardFile(String path, long rows, long bytes, String sha256) implements java.io.Serializable {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Scaler(String type, String scope, int sampleSize, Map<String, ColumnScale> global,
      Map<String, Map<String, ColumnScale>> perSeries) {}

  public record Quarantine(String path, long rows, Map<String, Long> byReason) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ShardManifest fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, ShardManifest.class);
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
