package dev.shardcast.transforms.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a job YAML: defaults, then the file, then {@code key.path=value} overrides; binds it strictly
 * (unknown keys and wrong types are errors) and validates it with {@link ConfigValidator}.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = newMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private ConfigLoader() {}

  public static JobConfig load(Path file, List<String> overrides) {
    JsonNode user;
    try {
      user = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new ConfigException("job file not found: " + file);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "job file " + file + " is not valid YAML: " + e.getOriginalMessage());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException("job file " + file + " is not UTF-8 text (a malformed byte sequence)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fromTree(user, overrides);
  }

  public static JobConfig loadYaml(String yaml, List<String> overrides) {
    try {
      return fromTree(YAML.readTree(yaml), overrides);
    } catch (JsonProcessingException e) {
      throw new ConfigException("job config is not valid YAML: " + e.getOriginalMessage());
    }
  }

  static JobConfig fromTree(JsonNode user, List<String> overrides) {
    if (user == null || !user.isObject()) {
      throw new ConfigException("job file must be a YAML mapping of keys (name, input, windowing, ...)");
    }
    ObjectNode merged = layers((ObjectNode) user, overrides, null);
    // Read from the merged tree, so --set quality.rules_file=... names one too.
    JsonNode rulesFile = merged.path("quality").path("rules_file");
    if (rulesFile.isTextual()) {
      // A shared rules file sits under the job's own quality: keys (and the overrides), which win where both set one.
      merged = layers((ObjectNode) user, overrides, rulesFile(rulesFile.asText(), merged.path("s3")));
    }
    ListItems.requireNoEmptyItems(merged, "");
    JobConfig config = bind(merged);
    ConfigValidator.validate(config);
    return withDefaultTimeFeatures(config);
  }

  /**
   * windowing.time_features absent: {@link TimeFeature#defaults}, written into the config so the
   * printed config, its hash, the manifest and every later load (train, predict) name the same list.
   * None applies: the key stays absent (the config and its hash as before the default existed).
   */
  private static JobConfig withDefaultTimeFeatures(JobConfig config) {
    JobConfig.Windowing w = config.windowing();
    if (w.timeFeatures() != null) {
      return config;
    }
    Frequency frequency = Frequency.parse(config.input().frequency(), "input.frequency");
    List<TimeFeature> features = TimeFeature.defaults(frequency, w.past());
    if (features.isEmpty()) {
      return config;
    }
    LOG.info("windowing.time_features not set: {} by default (the past window of {} x {} is shorter than "
        + "their cycles; [] turns them off)", features.stream().map(TimeFeature::yaml).toList(), w.past(), frequency);
    return config.withWindowing(w.withTimeFeatures(List.copyOf(features)));
  }

  /** Defaults, then the rules file's quality: section (if any), then the job file, then the overrides. */
  private static ObjectNode layers(ObjectNode user, List<String> overrides, ObjectNode rules) {
    ObjectNode merged = defaults();
    if (rules != null) {
      ObjectNode layer = YAML.createObjectNode();
      layer.set("quality", rules);
      merge(merged, layer);
    }
    merge(merged, user.deepCopy()); // a copy: the overrides change nodes merge() puts in place
    for (String override : overrides) {
      applyOverride(merged, override);
    }
    return merged;
  }

  /** Resolved config as YAML, printed at start and saved beside the output. */
  public static String toYaml(JobConfig config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The resolved config as shown to people and tools: printed at start, saved beside the output as
   * job.resolved.yaml. Secrets are masked ({@link Redaction}); {@link #toYaml} keeps them, for code
   * that reads the config back.
   */
  public static String toDisplayYaml(JobConfig config) {
    try {
      return YAML.writeValueAsString(Redaction.tree(YAML.valueToTree(config)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Canonical JSON form: stable key order, so its hash identifies the config. Secrets are masked
   * ({@link Redaction}): this is the config the manifest and the run log store, and the one
   * {@link #hash} hashes, so a rotated signature or password does not make the same job a new one;
   * a config without secrets hashes exactly as before.
   */
  public static JsonNode toTree(JobConfig config) {
    return Redaction.tree(CANONICAL_JSON.valueToTree(config));
  }

  public static String hash(JobConfig config) {
    try {
      byte[] json = CANONICAL_JSON.writeValueAsBytes(toTree(config));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The quality: section as stored in a manifest's config tree (predict re-applies it). */
  public static QualityConfig qualityFromTree(JsonNode tree) {
    try {
      return YAML.treeToValue(tree, QualityConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException("the manifest's quality rules cannot be read: " + e.getOriginalMessage());
    }
  }

  /** A rules file holds a quality: section, or just its contents. */
  private static ObjectNode rulesFile(String path, JsonNode s3) {
    JsonNode tree;
    try {
      // InputPaths, not Files.readString alone: a folder or a glob gets a message naming the key.
      String text = dev.shardcast.transforms.store.S3Location.isS3(path) ? s3Text(path, s3)
          : Files.readString(Path.of(InputPaths.requireFile("quality.rules_file", path)), StandardCharsets.UTF_8);
      tree = YAML.readTree(text);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config key 'quality.rules_file': file not found: " + path);
    } catch (JsonProcessingException e) {
      throw new ConfigException("quality rules file " + path + " is not valid YAML: " + e.getOriginalMessage());
    } catch (java.nio.charset.CharacterCodingException e) {
      // was an UncheckedIOException, exit 1 (found by RuleSetFuzzTest)
      throw new ConfigException("quality rules file " + path + " is not UTF-8 text (a malformed byte sequence)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (tree != null && tree.has("quality") && tree.size() == 1) {
      tree = tree.get("quality");
    }
    if (!(tree instanceof ObjectNode)) {
      throw new ConfigException("quality rules file " + path + " must be a YAML mapping (columns:, thresholds:, ...)");
    }
    return (ObjectNode) tree;
  }

  /** A rules file in S3, read with the job's own s3 settings (the config is not bound yet). */
  private static String s3Text(String path, JsonNode s3) throws IOException {
    JsonNode retry = s3.path("retry");
    JobConfig.S3 settings = new JobConfig.S3(text(s3, "region"), text(s3, "endpoint"), s3.path("path_style").asBoolean(false),
        new JobConfig.Retry(integer(retry, "max_attempts"), integer(retry, "base_delay_ms"), integer(retry, "max_delay_ms")));
    try (var client = dev.shardcast.transforms.store.S3Clients.create(settings)) {
      return new String(dev.shardcast.transforms.store.S3Objects.get(client,
          dev.shardcast.transforms.store.S3Location.parse(path)), StandardCharsets.UTF_8);
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      throw new NoSuchFileException(path);
    } catch (software.amazon.awssdk.core.exception.SdkException | IllegalArgumentException e) {
      throw new ConfigException("config key 'quality.rules_file': cannot read " + path + ": " + e.getMessage());
    }
  }

  /**
   * A retry setting before the config is validated: a positive integer, else the default here (a
   * wrong one is refused once the whole config is bound).
   */
  private static Integer integer(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isInt() && v.intValue() > 0 && v.intValue() <= 300_000 ? Integer.valueOf(v.intValue()) : null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
  }

  private static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode base, ObjectNode over) {
    over.fields()
        .forEachRemaining(
            e -> {
              JsonNode existing = base.get(e.getKey());
              if (existing instanceof ObjectNode && e.getValue() instanceof ObjectNode) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue());
              } else {
                base.set(e.getKey(), e.getValue());
              }
            });
  }

  /** {@code windowing.past=24}: the value is read as a YAML scalar or flow list ([a, b]). */
  static void applyOverride(ObjectNode root, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException("override '" + Redaction.text(override) + "' must look like key.path=value");
    }
    String[] path = override.substring(0, eq).trim().split("\\.", -1);
    if (Arrays.asList(path).contains("")) {
      // "." or "a..b" split to no key or an empty one (an index error, found by fuzzing)
      throw new ConfigException("override of key '" + override.substring(0, eq).trim()
          + "' must name a key path such as windowing.past (no empty parts)");
    }
    JsonNode value;
    try {
      value = YAML.readTree(override.substring(eq + 1));
    } catch (JsonProcessingException e) {
      // The value is not repeated: a secret pasted into --set would end up in the terminal's history of errors.
      throw new ConfigException("override of key '" + override.substring(0, eq).trim() + "' has a value that is not valid YAML");
    }
    ObjectNode node = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode child = node.get(path[i]);
      if (child == null || child.isNull()) {
        child = node.putObject(path[i]);
      }
      if (!(child instanceof ObjectNode)) {
        throw new ConfigException(
            "override of key '" + override.substring(0, eq).trim() + "': key '" + String.join(".", Arrays.copyOf(path, i + 1))
                + "' is not a section");
      }
      node = (ObjectNode) child;
    }
    // "key=" reads as a missing node, which binding cannot take (an internal error, found by fuzzing): null, as "key=~".
    node.set(path[path.length - 1], value == null || value.isMissingNode() ? YAML.nullNode() : value);
  }

  private static JobConfig bind(ObjectNode tree) {
    try {
      return YAML.treeToValue(tree, JobConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String allowed =
          e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw new ConfigException(
          "unknown config key '" + path(e) + "'; allowed here: " + allowed);
    } catch (InvalidFormatException e) {
      Class<?> target = e.getTargetType();
      if (target.isEnum()) {
        String allowed =
            Arrays.stream(target.getEnumConstants())
                .map(c -> c.toString().toLowerCase())
                .collect(Collectors.joining(", "));
        throw new ConfigException(
            "config key '" + path(e) + "' must be one of [" + allowed + "], got '" + e.getValue() + "'");
      }
      throw new ConfigException(
          "config key '" + path(e) + "' must be " + typeName(target) + ", got '" + e.getValue() + "'");
    } catch (MismatchedInputException e) {
      throw new ConfigException(
          "config key '" + path(e) + "' must be " + typeName(e.getTargetType()) + ": "
              + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonMappingException e) {
      // Other value errors with a known key, e.g. a number out of range (past: 99999999999).
      String key = path(e);
      if (key.isEmpty()) {
        throw new ConfigException("job config cannot be read: " + e.getOriginalMessage());
      }
      throw new ConfigException("config key '" + key + "' has a bad value: " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new ConfigException("job config cannot be read: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static final Map<Class<?>, String> TYPE_NAMES =
      Map.of(
          Integer.class, "an integer",
          Long.class, "an integer",
          String.class, "a string",
          Boolean.class, "true or false",
          List.class, "a list");

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    return TYPE_NAMES.getOrDefault(type, "a " + type.getSimpleName() + " section");
  }

  private static ObjectMapper newMapper() {
    ObjectMapper mapper =
        new ObjectMapper(
            new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper.enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    mapper.enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);
    for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Boolean, LogicalType.Float)) {
      mapper.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    return mapper;
  }
}
