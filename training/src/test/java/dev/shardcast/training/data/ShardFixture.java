package dev.shardcast.training.data;

import dev.shardcast.transforms.core.SeededHash;
import dev.shardcast.transforms.core.WindowBlock;
import dev.shardcast.transforms.shard.ShardManifest;
import dev.shardcast.transforms.shard.ShardSchema;
import dev.shardcast.transforms.shard.ShardWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small shard folder written with the real {@link ShardWriter} and a hand-made manifest, so the
 * tests know every value exactly. Values are float32 bit patterns from a seeded hash (any finite
 * float, negative, tiny and huge ones included), so an exact comparison catches any conversion.
 */
final class ShardFixture {
  static final List<String> INPUTS = List.of("sales", "volume", "price");
  static final List<String> TARGETS = List.of("sales");
  static final int PAST = 4;
  static final int FUTURE = 2;
  static final int BATCH = 5;
  static final long DAY = 86_400_000L;
  static final long T0 = 1_262_304_000_000L; // 2010-01-01T00:00Z

  final Path dir;
  final ShardManifest manifest;
  /** Per split, the blocks in manifest order (block i = shard i). */
  final Map<String, List<WindowBlock>> blocks;

  private ShardFixture(Path dir, ShardManifest manifest, Map<String, List<WindowBlock>> blocks) {
    this.dir = dir;
    this.manifest = manifest;
    this.blocks = blocks;
  }

  /** train: 23 windows (5 shards, the last one of 3 rows); val: 7 windows (2 shards). */
  static ShardFixture write(Path dir) throws IOException {
    ShardSchema schema = new ShardSchema(INPUTS, TARGETS, PAST, FUTURE, true);
    Map<String, Integer> windows = new LinkedHashMap<>();
    windows.put("train", 23);
    windows.put("val", 7);
    Map<String, ShardManifest.Split> splits = new LinkedHashMap<>();
    Map<String, List<WindowBlock>> blocks = new LinkedHashMap<>();
    for (var e : windows.entrySet()) {
      String split = e.getKey();
      int total = e.getValue();
      List<ShardManifest.ShardFile> files = new ArrayList<>();
      List<WindowBlock> splitBlocks = new ArrayList<>();
      for (int b = 0; b * BATCH < total; b++) {
        int rows = Math.min(BATCH, total - b * BATCH);
        WindowBlock block = block(split, b * BATCH, rows);
        byte[] bytes = ShardWriter.encode(schema, block);
        String path = ShardSchema.shardPath(split, b);
        Files.createDirectories(dir.resolve(path).getParent());
        Files.write(dir.resolve(path), bytes);
        files.add(new ShardManifest.ShardFile(path, rows, bytes.length, ShardDecoder.sha256(bytes)));
        splitBlocks.add(block);
      }
      int last = total % BATCH;
      splits.put(split, new ShardManifest.Split(total, files.size(), last != 0, last == 0 ? BATCH : last, files));
      blocks.put(split, splitBlocks);
    }
    ShardManifest.Schema ms = new ShardManifest.Schema(BATCH, PAST, FUTURE, 0, 1, "1d", INPUTS, TARGETS, true,
        schema.describe());
    ShardManifest manifest = new ShardManifest(ShardSchema.FORMAT_VERSION, "fixture", "0".repeat(64), null, null,
        "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 42L, List.of(), ms, splits, null, Map.of(), null, null);
    Files.write(dir.resolve(ShardManifest.FILE_NAME), manifest.toJson());
    return new ShardFixture(dir, manifest, blocks);
  }

  private static WindowBlock block(String split, int first, int rows) {
    WindowBlock b = WindowBlock.empty(rows, INPUTS.size(), PAST, TARGETS.size(), FUTURE, true);
    for (int w = 0; w < rows; w++) {
      int id = first + w;
      // Several series, one with a non-ASCII key and a '/' as written for multi-column keys.
      b.series[w] = switch (id % 3) {
        case 0 -> "Abilene";
        case 1 -> "Ciudad Juárez/TX";
        default -> "El Paso";
      };
      b.windowStart[w] = T0 + id * 7 * DAY + (split.equals("val") ? 400 * DAY : 0);
      b.forecastStart[w] = b.windowStart[w] + PAST * DAY;
      b.order[w] = id;
    }
    fill(b.past, split + "/past", first);
    fill(b.future, split + "/future", first);
    for (int i = 0; i < b.pastFilled.length; i++) {
      b.pastFilled[i] = (byte) ((first + i) % 5 == 0 ? 1 : 0);
    }
    for (int i = 0; i < b.futureFilled.length; i++) {
      b.futureFilled[i] = (byte) ((first + i) % 3 == 0 ? 1 : 0);
    }
    return b;
  }

  private static void fill(float[] values, String key, int first) {
    for (int i = 0; i < values.length; i++) {
      float v = Float.intBitsToFloat((int) SeededHash.of(7, key, (long) first * 1000 + i));
      values[i] = Float.isFinite(v) ? v : i - 0.5f;
    }
  }
}
