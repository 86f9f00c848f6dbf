package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.config.QualityConfig.ColumnRules;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dplyr's storms (NOAA best track, 11,859 rows): the expected facts were counted independently with
 * Python's csv module, not with this code.
 */
class RuleInferenceStormsTest {
  private static InferredRules rules;

  @BeforeAll
  static void infer() throws IOException {
    rules = storms(0);
  }

  private static InferredRules storms(long maxRows) throws IOException {
    try (Reader in = new InputStreamReader(
        RuleInferenceStormsTest.class.getResourceAsStream("/data/storms.csv"), StandardCharsets.UTF_8)) {
      return new RuleInference(20, maxRows).infer("storms.csv", in);
    }
  }

  private static String type(String column) {
    return rules.quality().columns().get(column).type().value().asText();
  }

  @Test
  void typesInHeaderOrder() {
    Map<String, String> types = new LinkedHashMap<>();
    rules.quality().columns().keySet().forEach(c -> types.put(c, type(c)));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("storm_id", "string");
    expected.put("ts", "timestamp");
    expected.put("lat", "double");
    expected.put("long", "double");
    expected.put("status", "string");
    expected.put("category", "long");
    expected.put("wind", "long");
    expected.put("pressure", "long");
    expected.put("tropicalstorm_force_diameter", "long");
    expected.put("hurricane_force_diameter", "long");
    assertEquals(expected, types);
    assertEquals(11859, rules.rows());
    assertEquals(0, rules.skippedRows());
  }

  @Test
  void onlyTheDiameterColumnsHaveNulls() {
    // 6,509 empty cells in each diameter column (measured only since 2004), none elsewhere.
    assertEquals(List.of("tropicalstorm_force_diameter", "hurricane_force_diameter"), rules.nullColumns());
    assertEquals(false, rules.quality().columns().get("wind").nullable().value().asBoolean());
  }

  @Test
  void observedRanges() {
    Map<String, ColumnRules> c = rules.quality().columns();
    assertEquals("1975-06-27T00:00", c.get("ts").min().value().asText());
    assertEquals("2020-11-18T12:00", c.get("ts").max().value().asText());
    assertEquals(Map.of("ts", java.util.Set.of("yyyy-MM-dd'T'HH:mm")), rules.timestampFormats());
    assertEquals(7.2, c.get("lat").min().value().asDouble());
    assertEquals(51.9, c.get("lat").max().value().asDouble());
    assertEquals(-109.3, c.get("long").min().value().asDouble());
    assertEquals(-6.0, c.get("long").max().value().asDouble());
    assertEquals(-1, c.get("category").min().value().asLong());
    assertEquals(5, c.get("category").max().value().asLong());
    assertEquals(10, c.get("wind").min().value().asLong());
    assertEquals(160, c.get("wind").max().value().asLong());
    assertEquals(882, c.get("pressure").min().value().asLong());
    assertEquals(1022, c.get("pressure").max().value().asLong());
    assertEquals(870, c.get("tropicalstorm_force_diameter").max().value().asLong());
    assertEquals(300, c.get("hurricane_force_diameter").max().value().asLong());
  }

  @Test
  void statusIsCategoricalStormIdIsNot() {
    Map<String, ColumnRules> c = rules.quality().columns();
    assertEquals("[\"hurricane\",\"tropical depression\",\"tropical storm\"]", c.get("status").allowed().toString());
    assertEquals(19, c.get("status").maxLength().value().asInt());
    assertNull(c.get("storm_id").allowed(), "512 storms");
    assertEquals(14, c.get("storm_id").maxLength().value().asInt());
    assertNull(c.get("category").allowed(), "a number column gets a range, not a value set");
  }

  @Test
  void firstHundredRows() throws IOException {
    InferredRules first = storms(100);
    Map<String, ColumnRules> c = first.quality().columns();
    assertEquals(100, first.rows());
    assertTrue(first.truncated());
    assertEquals("1976-08-09T12:00", c.get("ts").max().value().asText());
    assertEquals(105, c.get("wind").max().value().asLong());
    // Before 2004 the diameters are always empty: nullable, and no value to type them by.
    assertEquals(List.of("tropicalstorm_force_diameter", "hurricane_force_diameter"), first.emptyColumns());
    assertEquals("[\"Amy-1975\",\"Belle-1976\",\"Caroline-1975\",\"Doris-1975\"]", c.get("storm_id").allowed().toString());
  }

  @Test
  void yamlLoadsAsTheQualitySectionOfAJob() {
    String job = String.join("\n",
        "name: storms",
        "input:",
        "  path: storms.csv",
        "  series_key: [storm_id]",
        "  timestamp: {column: ts, format: iso}",
        "  columns: [{name: wind, type: double, target: true}]",
        "windowing: {past: 4, future: 2}",
        "split: {train_end: '2010-01-01', val_end: '2015-01-01'}",
        "shards: {batch_size: 8, output: out/storms}",
        rules.toYaml());
    JobConfig config = ConfigLoader.loadYaml(job, List.of());
    Map<String, ColumnRules> loaded = config.quality().columns();
    assertEquals(List.copyOf(rules.quality().columns().keySet()), List.copyOf(loaded.keySet()));
    // Whole rules compare equal (Check compares its JSON tree): nothing is lost or retyped on the way.
    assertEquals(rules.quality().columns(), loaded);
    loaded.forEach((name, r) -> assertEquals(type(name), r.type().value().asText(), name));
  }
}
