package dev.shardcast.transforms.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * One quality rule's setting. In YAML either the bare value ({@code max: 1000}) or an object with the
 * value and its options: {@code max: {value: 1000, severity: warn, max_fail_fraction: 0.01}}. Rules
 * whose value is itself an object (a reference) take the options beside their own keys:
 * {@code reference: {path: cities.csv, column: city, severity: warn}}.
 *
 * <p>The value is kept as a JSON tree (Serializable as text) because its type depends on the rule.
 */
public final class Check implements Serializable {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private final String valueJson;
  private final Severity severity;
  private final Double maxFailFraction;

  public Check(JsonNode value, Severity severity, Double maxFailFraction) {
    this.valueJson = value == null ? "null" : value.toString();
    this.severity = severity;
    this.maxFailFraction = maxFailFraction;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Check of(JsonNode node) {
    if (node == null || !node.isObject()) {
      return new Check(node, null, null);
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    Severity severity = null;
    JsonNode s = copy.remove("severity");
    if (s != null) {
      try {
        severity = Severity.valueOf(s.asText().toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("severity must be error or warn, got '" + s.asText() + "'");
      }
    }
    JsonNode f = copy.remove("max_fail_fraction");
    Double fraction = f == null ? null : f.asDouble();
    JsonNode value = copy.size() == 1 && copy.has("value") ? copy.get("value") : copy;
    return new Check(value, severity, fraction);
  }

  public JsonNode value() {
    try {
      return JSON.readTree(valueJson);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** null: the column's default severity applies. */
  public Severity severity() {
    return severity;
  }

  public Severity severityOr(Severity fallback) {
    return severity == null ? fallback : severity;
  }

  /** null: no threshold on this rule's failures. */
  public Double maxFailFraction() {
    return maxFailFraction;
  }

  @JsonValue
  public JsonNode toTree() {
    JsonNode value = value();
    if (severity == null && maxFailFraction == null) {
      return value;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (value.isObject()) {
      out.setAll((ObjectNode) value);
    } else {
      out.set("value", value);
    }
    if (severity != null) {
      out.put("severity", severity.yaml());
    }
    if (maxFailFraction != null) {
      out.put("max_fail_fraction", maxFailFraction);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Check c && c.toTree().equals(toTree());
  }

  @Override
  public int hashCode() {
    return toTree().hashCode();
  }

  @Override
  public String toString() {
    return toTree().toString();
  }
}
