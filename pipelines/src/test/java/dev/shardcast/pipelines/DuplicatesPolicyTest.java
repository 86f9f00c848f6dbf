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
 * {@code input.duplicates} on a regular grid: copies of a (series, day) are folded into one row by
 * the policy instead of all being quarantined, and the rows reconcile with the merged ones counted.
 */
class DuplicatesPolicyTest {

  @Test
  void meanFoldsCopiesAndEveryRowIsAccountedFor(@TempDir Path dir) throws Exception {
    LocalDate d0 = LocalDate.parse("2021-01-01");
    List<String> lines = new ArrayList<>(List.of("id,day,v"));
    for (int i = 0; i < 60; i++) {
      lines.add("s," + d0.plusDays(i) + "," + i);
    }
    // day 20 three times (the original 20, then 26 and 32: mean 26); day 50 twice (50 and 0: mean 25)
    lines.add("s," + d0.plusDays(20) + ",26");
    lines.add("s," + d0.plusDays(20) + ",32");
    lines.add("s," + d0.plusDays(50) + ",0");
    Path csv = dir.resolve("dups.csv");
    Files.write(csv, lines);
    Path out = dir.resolve("out");
    String yaml = """
        name: dups
        input:
          path: %s
          series_key: [id]
          timestamp: {column: day}
          frequency: 1d
          duplicates: mean
          columns:
            - {name: v, type: double, target: true}
        windowing: {past: 3, future: 1}
        split: {train_end: "2021-02-01", val_end: "2021-02-15"}
        scaler: {type: none}
        shards: {batch_size: 8, output: %s}
        """.formatted(csv, out);
    PrepareJob.run(ConfigLoader.loadYaml(yaml, List.of()), List.of());
    JsonNode m = ItSupport.manifest(out);
    assertEquals(63, ItSupport.count(m, "rows_read"));
    assertEquals(0, ItSupport.count(m, "rows_quarantined"));
    assertEquals(3, ItSupport.count(m, "rows_merged"));
    assertEquals(2, ItSupport.count(m, "duplicates.mean.timestamps"));
    assertEquals(63, ItSupport.count(m, "rows_windowed") + ItSupport.count(m, "rows_unused")
        + ItSupport.count(m, "rows_merged"));
    JsonNode report = ItSupport.JSON.readTree(out.resolve("quality-report.json").toFile());
    assertEquals(3, report.path("rows").path("merged").asLong());
    assertEquals("mean", report.path("rows").path("duplicates").asText());
    assertEquals(63, report.path("rows").path("used").asLong());

    // The window whose past ends on day 20 holds the mean of the three copies.
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> all = new ArrayList<>();
      for (String split : ItSupport.SPLITS) {
        all.addAll(ItSupport.shardFiles(out, split));
      }
      List<List<Object>> rows = duck.rows("SELECT past_v FROM " + ItSupport.parquetOf(all)
          + " WHERE window_start = TIMESTAMP '2021-01-19 00:00:00'");
      assertEquals(1, rows.size());
      double[] past = ItSupport.floats(rows.get(0).get(0));
      assertEquals(List.of(18.0, 19.0, 26.0), List.of(past[0], past[1], past[2]));
      List<List<Object>> late = duck.rows("SELECT future_v FROM " + ItSupport.parquetOf(all)
          + " WHERE forecast_start = TIMESTAMP '2021-02-20 00:00:00'");
      assertEquals(25.0, ItSupport.floats(late.get(0).get(0))[0]);
    }
  }
}
