package dev.shardcast.transforms.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A job's relative local paths made absolute. On a standing cluster the pipeline's workers run in
 * their own working directory (the TaskManager's), so {@code out/txhousing} or a relative reference
 * table would be looked for, and written, there: the submitting side resolves them first, against
 * its own working directory, as the README documents relative paths. URIs (s3://...) are left alone.
 */
public final class AbsolutePaths {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private AbsolutePaths() {}

  /** The config with every path prepare reads or writes absolute; the same object when none was relative. */
  public static JobConfig resolve(JobConfig config, Path base) {
    ObjectNode tree;
    try {
      tree = (ObjectNode) YAML.readTree(ConfigLoader.toYaml(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    boolean changed = fix(tree.path("input"), "path", base);
    for (JsonNode source : tree.path("input").path("sources")) {
      changed |= fix(source, "path", base);
    }
    JsonNode quality = tree.path("quality");
    for (Map.Entry<String, JsonNode> column : quality.path("columns").properties()) {
      for (String check : List.of("reference", "matches_reference")) {
        JsonNode rule = column.getValue().path(check);
        // {path, column}, or {value: {path, column}, severity: ...}
        changed |= fix(rule.has("value") ? rule.get("value") : rule, "path", base);
      }
    }
    changed |= fix(quality, "rules_file", base);
    changed |= fix(quality.path("drift"), "baseline", base);
    changed |= fix(tree.path("shards"), "output", base);
    if (!changed) {
      return config;
    }
    try {
      return ConfigLoader.loadYaml(YAML.writeValueAsString(tree), List.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean fix(JsonNode parent, String field, Path base) {
    if (!(parent instanceof ObjectNode o) || !o.path(field).isTextual()) {
      return false;
    }
    String text = o.get(field).asText();
    if (!InputPaths.isLocal(text) || text.regionMatches(true, 0, "file:", 0, 5) || Path.of(text).isAbsolute()) {
      return false;
    }
    o.put(field, base.resolve(text).normalize().toString());
    return true;
  }
}
