package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A glob input: prepare matches it once, before the pipeline (only the folders the glob can reach),
 * and reads exactly those files; a file in a subfolder the glob does not reach is not read.
 */
class GlobInputTest {

  @Test
  void aGlobReadsTheFilesItMatchesAndNothingElse(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(data.resolve("old"));
    LocalDate d0 = LocalDate.parse("2021-01-01");
    int rows = 0;
    for (String part : List.of("part-a", "part-b", "old/part-c")) {
      List<String> lines = new ArrayList<>(List.of("id,day,v"));
      for (int i = 0; i < 40; i++) {
        lines.add(part.replace("old/", "") + "," + d0.plusDays(i) + "," + (i % 9));
      }
      Files.write(data.resolve(part + ".csv"), lines);
      rows += part.startsWith("old") ? 0 : 40;
    }
    Path out = dir.resolve("out");
    String yaml = """
        name: glob
        input:
          path: %s/part-*.csv
          series_key: [id]
          timestamp: {column: day}
          frequency: 1d
          columns:
            - {name: v, type: double, target: true}
        windowing: {past: 3, future: 1}
        split: {train_end: "2021-01-20", val_end: "2021-01-30"}
        shards: {batch_size: 8, output: %s}
        """.formatted(data, out);
    PrepareJob.run(ConfigLoader.loadYaml(yaml, List.of()), List.of());
    JsonNode m = ItSupport.manifest(out);
    assertEquals(rows, ItSupport.count(m, "rows_read"));
    assertEquals(2, ItSupport.count(m, "files_read"));
    assertEquals(2, ItSupport.count(m, "series"));
    assertEquals(List.of(data.resolve("part-a.csv").toString(), data.resolve("part-b.csv").toString()),
        List.of(m.path("inputs").get(0).path("path").asText(), m.path("inputs").get(1).path("path").asText()));
  }
}
