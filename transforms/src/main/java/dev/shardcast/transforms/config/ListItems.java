package dev.shardcast.transforms.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses an empty list item ({@code columns: [~]}, or a {@code -} with nothing after it) anywhere in
 * the merged config tree. Bound, it is a null element that every check after the loader would have
 * to guard against; the validator read it as a column and failed with a NullPointerException (found
 * by ConfigLoaderFuzzTest).
 */
final class ListItems {
  private ListItems() {}

  static void requireNoEmptyItems(JsonNode node, String key) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String itemKey = key + "[" + i + "]";
        if (node.get(i).isNull()) {
          throw new ConfigException("config key '" + itemKey + "' is an empty list item: give it a value or remove it");
        }
        requireNoEmptyItems(node.get(i), itemKey);
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        requireNoEmptyItems(e.getValue(), key.isEmpty() ? e.getKey() : key + "." + e.getKey());
      }
    }
  }
}
