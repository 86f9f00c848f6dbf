package dev.shardcast.training.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.IOException;
import java.util.List;

/**
 * Everything needed to rebuild a model block without the job config: architecture (from {@code
 * train.model}) and the tensor sizes (from the shard manifest). Written as {@code model.json} next
 * to the parameters so a predictor needs nothing else.
 *
 * @param inputNames / targetNames column names in tensor order; informative, may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(
    JobConfig.ModelType type,
    List<Integer> hidden,
    double dropout,
    int lstmHidden,
    int lstmLayers,
    int inputs,
    int targets,
    int past,
    int future,
    List<String> inputNames,
    List<String> targetNames) {

  public ModelSpec {
    if (type == null) {
      throw new IllegalArgumentException("model type is required");
    }
    hidden = hidden == null ? List.of() : List.copyOf(hidden);
    if (inputs <= 0 || targets <= 0 || past <= 0 || future <= 0) {
      throw new IllegalArgumentException(
          "inputs, targets, past and future must be > 0, got " + inputs + ", " + targets + ", "
              + past + ", " + future);
    }
  }

  /** From the train config and the manifest of the shards it trains on. */
  public static ModelSpec of(JobConfig.Model model, ShardManifest.Schema schema) {
    return new ModelSpec(
        model.type(),
        model.hidden(),
        model.dropout(),
        model.lstmHidden(),
        model.lstmLayers(),
        schema.inputs().size(),
        schema.targets().size(),
        schema.past(),
        schema.future(),
        schema.inputs(),
        schema.targets());
  }

  /** From the train config and bare sizes (tests, synthetic data). */
  public static ModelSpec of(JobConfig.Model model, int inputs, int targets, int past, int future) {
    return new ModelSpec(
        model.type(),
        model.hidden(),
        model.dropout(),
        model.lstmHidden(),
        model.lstmLayers(),
        inputs,
        targets,
        past,
        future,
        null,
        null);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ModelSpec fromJson(byte[] json) throws IOException {
    return JSON.readValue(json, ModelSpec.class);
  }
}
