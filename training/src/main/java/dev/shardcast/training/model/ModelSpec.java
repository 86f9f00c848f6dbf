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
 * @param residual mlp, lstm: a linear path from the past target window added to the output (null: none,
 *     as in model folders written before it existed)
 * @param timeFeatures windowing.time_features (null: none): the model also reads these calendar
 *     channels of every past and future point ({@link dev.shardcast.training.data.CalendarFeatures})
 * @param frequency the grid they are computed on (with timeFeatures only)
 * @param quantiles the levels a quantile model (train.loss: quantile) forecasts, in order; null: a
 *     point forecaster. The block then emits {@link #outputs()} rows (see {@link QuantileOutput})
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
    List<String> targetNames,
    JobConfig.Baseline baseline,
    Integer season,
    Integer lead,
    List<String> modelInputs,
    Boolean residual,
    Boolean windowScale,
    List<Double> quantiles,
    List<String> timeFeatures,
    String frequency) {

  @com.fasterxml.jackson.annotation.JsonCreator
  public ModelSpec {
    quantiles = quantiles == null ? null : List.copyOf(quantiles);
    timeFeatures = timeFeatures == null || timeFeatures.isEmpty() ? null : List.copyOf(timeFeatures);
    frequency = timeFeatures == null ? null : frequency;
    if (type == null) {
      throw new IllegalArgumentException("model type is required");
    }
    if (type == JobConfig.ModelType.AUTO) {
      throw new IllegalArgumentException("model type auto is a choice among linear, mlp and lstm, not a model");
    }
    residual = type != JobConfig.ModelType.LINEAR && Boolean.TRUE.equals(residual) ? Boolean.TRUE : null;
    windowScale = type != JobConfig.ModelType.LINEAR && Boolean.TRUE.equals(windowScale) ? Boolean.TRUE : null;
    hidden = hidden == null ? List.of() : List.copyOf(hidden);
    if (inputs <= 0 || targets <= 0 || past <= 0 || future <= 0) {
      throw new IllegalArgumentException(
          "inputs, targets, past and future must be > 0, got " + inputs + ", " + targets + ", "
              + past + ", " + future);
    }
  }

  /** From the train config and the manifest of the shards it trains on. */
  public static ModelSpec of(JobConfig.Model model, ShardManifest.Schema schema) {
    return of(model, schema, 0);
  }

  /** As above, with the season length the seasonal baseline looks back. */
  public static ModelSpec of(JobConfig.Model model, ShardManifest.Schema schema, int season) {
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
        schema.targets(),
        schema.inputs().containsAll(schema.targets()) ? model.baseline() : null,
        season,
        schema.lead(),
        selectedInputs(model, schema),
        model.residual(),
        model.windowScale(),
        null,
        schema.timeFeatures(),
        schema.frequency());
  }

  private static List<String> selectedInputs(JobConfig.Model model, ShardManifest.Schema schema) {
    if (model.inputs() == null) {
      return null;
    }
    for (String c : model.inputs()) {
      if (!schema.inputs().contains(c)) {
        throw new IllegalArgumentException("train.model.inputs names " + c + ", which is not an input column of the shards "
            + schema.inputs());
      }
    }
    return List.copyOf(model.inputs());
  }

  /** Positions among the shard inputs of the columns the core model sees; null: all. */
  public int[] coreInputIndex() {
    return modelInputs == null || inputNames == null ? null : modelInputs.stream().mapToInt(inputNames::indexOf).toArray();
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
        null,
        null,
        null,
        null,
        null,
        model.residual(),
        model.windowScale(),
        null,
        null,
        null);
  }

  /** A point forecaster (no quantiles). */
  public ModelSpec(JobConfig.ModelType type, List<Integer> hidden, double dropout, int lstmHidden, int lstmLayers,
      int inputs, int targets, int past, int future, List<String> inputNames, List<String> targetNames,
      JobConfig.Baseline baseline, Integer season, Integer lead, List<String> modelInputs, Boolean residual,
      Boolean windowScale) {
    this(type, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames, targetNames, baseline,
        season, lead, modelInputs, residual, windowScale, null, null, null);
  }

  /** Without calendar features. */
  public ModelSpec(JobConfig.ModelType type, List<Integer> hidden, double dropout, int lstmHidden, int lstmLayers,
      int inputs, int targets, int past, int future, List<String> inputNames, List<String> targetNames,
      JobConfig.Baseline baseline, Integer season, Integer lead, List<String> modelInputs, Boolean residual,
      Boolean windowScale, List<Double> quantiles) {
    this(type, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames, targetNames, baseline,
        season, lead, modelInputs, residual, windowScale, quantiles, null, null);
  }

  /** The same settings for another model type (an ensemble's members). */
  public ModelSpec withType(JobConfig.ModelType t) {
    return new ModelSpec(t, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames,
        targetNames, baseline, season, lead, modelInputs, residual, windowScale, quantiles, timeFeatures, frequency);
  }

  /** The same model forecasting these quantile levels (train.quantiles; null: a point forecast). */
  public ModelSpec withQuantiles(List<Double> levels) {
    return new ModelSpec(type, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames,
        targetNames, baseline, season, lead, modelInputs, residual, windowScale, levels, timeFeatures, frequency);
  }

  /** The same spec with calendar features (names as in windowing.time_features) on the {@code frequency} grid. */
  public ModelSpec withCalendar(List<String> features, String frequency) {
    return new ModelSpec(type, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames,
        targetNames, baseline, season, lead, modelInputs, residual, windowScale, quantiles, features, frequency);
  }

  /** The calendar features the model reads, or null. */
  public dev.shardcast.training.data.CalendarFeatures calendar() {
    return dev.shardcast.training.data.CalendarFeatures.of(timeFeatures, frequency, past, future);
  }

  /** Calendar channels per point: 2 per feature (sin, cos), 0 without. */
  public int calendarChannels() {
    return timeFeatures == null ? 0 : 2 * timeFeatures.size();
  }

  /** How many quantiles the model forecasts; 1 for a point forecaster. */
  public int quantileCount() {
    return quantiles == null ? 1 : quantiles.size();
  }

  /**
   * Rows of the block's output [B, outputs, future]: targets for a point forecaster; quantile q of
   * target t at row q * targets + t for a quantile one (see QuantileOutput).
   */
  public int outputs() {
    return targets * quantileCount();
  }

  /** Compatibility: without window scaling. */
  public ModelSpec(JobConfig.ModelType type, List<Integer> hidden, double dropout, int lstmHidden, int lstmLayers,
      int inputs, int targets, int past, int future, List<String> inputNames, List<String> targetNames,
      JobConfig.Baseline baseline, Integer season, Integer lead, List<String> modelInputs, Boolean residual) {
    this(type, hidden, dropout, lstmHidden, lstmLayers, inputs, targets, past, future, inputNames, targetNames, baseline,
        season, lead, modelInputs, residual, null);
  }

  /** Whether the centred window is also scaled by its own standard deviation (see WindowNormBlock). */
  public boolean hasWindowScale() {
    return Boolean.TRUE.equals(windowScale);
  }

  /** Whether the mlp or lstm has the linear residual path. */
  public boolean hasResidual() {
    return Boolean.TRUE.equals(residual);
  }

  /**
   * Positions among the inputs of the target channels (the residual path's input), whatever the
   * baseline; null when the names are unknown or a target is not an input: then every channel.
   */
  public int[] targetChannels() {
    if (inputNames == null || targetNames == null || !inputNames.containsAll(targetNames)) {
      return null;
    }
    return targetNames.stream().mapToInt(inputNames::indexOf).toArray();
  }

  /** For each target, its position among the inputs; null when there is no baseline. */
  public int[] targetInputIndex() {
    if (baseline == null || baseline == JobConfig.Baseline.NONE || inputNames == null || targetNames == null) {
      return null;
    }
    return targetNames.stream().mapToInt(inputNames::indexOf).toArray();
  }

  /** Per future step, the past position one (or more) seasons back; null unless the baseline is seasonal. */
  public int[] seasonalIndex() {
    if (baseline != JobConfig.Baseline.SEASONAL || season == null || season <= 0 || season > past) {
      return null;
    }
    int[] idx = new int[future];
    for (int h = 0; h < future; h++) {
      idx[h] = dev.shardcast.training.eval.ForecastMetrics.seasonalIndex(past, lead == null ? 0 : lead, season, h);
    }
    return idx;
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
