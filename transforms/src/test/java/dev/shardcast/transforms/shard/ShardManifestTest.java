package dev.shardcast.transforms.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.core.ColumnScale;
import dev.shardcast.transforms.testing.TestJobs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardManifestTest {

  @Test
  void manifestJsonRoundTrips() throws Exception {
    var config = TestJobs.config();
    ShardSchema schema = ShardSchema.of(TestJobs.plan());
    ShardManifest m = new ShardManifest(ShardSchema.FORMAT_VERSION, "unit", ConfigLoader.hash(config),
        ConfigLoader.toTree(config), "abc123", "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", 42,
        List.of(new ShardManifest.InputFile("data.csv", 1234)),
        new ShardManifest.Schema(256, 3, 2, 0, 1, "1d", List.of("x", "y"), List.of("x", "z"), false,
            schema.describe()),
        Map.of("train", new ShardManifest.Split(300, 2, true, 44,
            List.of(new ShardManifest.ShardFile("train/batch-000000.parquet", 256, 999, "ff"),
                new ShardManifest.ShardFile("train/batch-000001.parquet", 44, 500, "ee")))),
        new ShardManifest.Scaler("standard", "global", 100000,
            Map.of("x", new ColumnScale(1, 2, 3, null), "y", ColumnScale.identity(0, "no values")),
            Map.of("s1", Map.of("x", new ColumnScale(5, 6, 7, null)))),
        Map.of("rows_read", 10L), new ShardManifest.Quarantine("quarantine.jsonl", 1, Map.of("bad_number", 1L)), new ShardManifest.Quality("quality-report.json", "pass"));
    byte[] json = m.toJson();
    ShardManifest back = ShardManifest.fromJson(json);
    // The config tree reads back with other numeric node types (IntNode vs LongNode), so compare the rest
    // field by field and the whole by its JSON.
    assertEquals(new String(json, StandardCharsets.UTF_8), new String(back.toJson(), StandardCharsets.UTF_8));
    assertEquals(m.schema(), back.schema());
    assertEquals(m.splits(), back.splits());
    assertEquals(m.scaler(), back.scaler());
    assertEquals(m.quarantine(), back.quarantine());
    assertEquals(m.inputs(), back.inputs());
    assertEquals(m.configHash(), back.configHash());
    String text = new String(json, StandardCharsets.UTF_8);
    assertTrue(text.contains("\"format_version\" : 1"), text);
    assertTrue(text.contains("\"last_shard_partial\" : true"), text);
    assertTrue(text.contains("\"unscaled_reason\" : \"no values\""), text);
    assertEquals(config.windowing().past(), back.config().get("windowing").get("past").asInt());
  }

  @Test
  void batchLayoutArithmetic() {
    assertEquals(0, BatchLayout.batchCount(0, 256));
    assertEquals(1, BatchLayout.batchCount(1, 256));
    assertEquals(1, BatchLayout.batchCount(256, 256));
    assertEquals(2, BatchLayout.batchCount(257, 256));
    assertEquals(1, BatchLayout.rangeCount(0));
    assertEquals(1, BatchLayout.rangeCount(BatchLayout.WINDOWS_PER_RANGE));
    assertEquals(2, BatchLayout.rangeCount(BatchLayout.WINDOWS_PER_RANGE + 1));
    int[] counts = new int[4];
    for (int i = 0; i < 4000; i++) {
      int r = BatchLayout.rangeOf(BatchLayout.shuffleKey(42, 0, "s", i), 4);
      assertTrue(r >= 0 && r < 4);
      counts[r]++;
    }
    for (int c : counts) {
      assertTrue(c > 850 && c < 1150, "ranges should be roughly even: " + java.util.Arrays.toString(counts));
    }
    assertTrue(BatchLayout.shuffleKey(42, 0, "s", 1) != BatchLayout.shuffleKey(42, 1, "s", 1));
  }
}
