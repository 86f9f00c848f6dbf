package dev.shardcast.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scaler.scope: per_series} through the pipeline: a normal series gets its own fit, a
 * constant one and one that starts after {@code train_end} get the global scale with the reason in
 * the manifest, and their windows are scaled with it. Expected values are computed here from the
 * generated rows.
 */
class PerSeriesScalerTest {

  @Test
  void seriesThatCannotBeFittedFallBackToTheGlobalScale(@TempDir Path dir) throws Exception {
    LocalDate d0 = LocalDate.parse("2020-01-01");
    LocalDate trainEnd = LocalDate.parse("2020-02-15");
    List<String> lines = new ArrayList<>(List.of("id,day,value"));
    List<Double> globalTrain = new ArrayList<>();
    List<Double> rampTrain = new ArrayList<>();
    for (int i = 0; i < 91; i++) {
      LocalDate d = d0.plusDays(i);
      double ramp = 3.0 * i + 7;
      lines.add("ramp," + d + "," + ramp);
      lines.add("flat," + d + ",5");
      if (d.isBefore(trainEnd)) {
        rampTrain.add(ramp);
        globalTrain.add(ramp);
        globalTrain.add(5.0);
      }
      if (!d.isBefore(LocalDate.parse("2020-02-20"))) {
        lines.add("late," + d + "," + (1000 + 10 * (i % 7)));
      }
    }
    Path csv = dir.resolve("three.csv");
    Files.write(csv, lines);
    String yaml = """
        name: per-series
        input:
          path: %s
          series_key: [id]
          timestamp: {column: day, format: iso}
          frequency: 1d
          columns:
            - {name: value, type: double, target: true}
        windowing: {past: 3, future: 2}
        split: {train_end: "2020-02-15", val_end: "2020-03-10"}
        scaler: {type: standard, scope: per_series, sample_size: 100000}
        shards: {batch_size: 16, output: %s}
        """.formatted(csv, dir.resolve("out"));
    JobConfig config = ConfigLoader.loadYaml(yaml, List.of());
    PrepareJob.run(config, List.of());
    JsonNode scaler = ItSupport.manifest(dir.resolve("out")).path("scaler");

    double[] g = meanStd(globalTrain);
    JsonNode global = scaler.path("global").path("value");
    assertEquals(g[0], global.path("center").asDouble(), 1e-9);
    assertEquals(g[1], global.path("scale").asDouble(), 1e-9);

    double[] r = meanStd(rampTrain);
    JsonNode ramp = scaler.path("per_series").path("ramp").path("value");
    assertEquals(r[0], ramp.path("center").asDouble(), 1e-9);
    assertEquals(r[1], ramp.path("scale").asDouble(), 1e-9);
    assertNull(ramp.get("fallback"));

    JsonNode flat = scaler.path("per_series").path("flat").path("value");
    assertEquals(g[0], flat.path("center").asDouble(), 1e-9, "not identity: the global scale");
    assertEquals(g[1], flat.path("scale").asDouble(), 1e-9);
    assertEquals("global scaler: zero spread in this series' training sample", flat.path("fallback").asText());

    JsonNode late = scaler.path("per_series").path("late").path("value");
    assertEquals(g[0], late.path("center").asDouble(), 1e-9);
    assertEquals("global scaler: no training rows in this series", late.path("fallback").asText());

    // The late series' windows (val and test) hold its raw values scaled with the global scale.
    try (ItSupport.Duck duck = new ItSupport.Duck()) {
      List<Path> files = new ArrayList<>(ItSupport.shardFiles(dir.resolve("out"), "val"));
      files.addAll(ItSupport.shardFiles(dir.resolve("out"), "test"));
      List<List<Object>> rows = duck.rows("SELECT epoch_ms(window_start), past_value FROM "
          + ItSupport.parquetOf(files) + " WHERE series_key = 'late'");
      assertTrue(rows.size() > 5, "late has windows: " + rows.size());
      for (List<Object> row : rows) {
        int i = (int) (LocalDate.ofEpochDay(((Number) row.get(0)).longValue() / 86_400_000L).toEpochDay() - d0.toEpochDay());
        double[] past = ItSupport.floats(row.get(1));
        for (int t = 0; t < 3; t++) {
          double raw = 1000 + 10 * ((i + t) % 7);
          assertEquals((float) ((raw - g[0]) / g[1]), (float) past[t], 1e-6, "late, day " + (i + t));
        }
      }
    }
  }

  /** Mean and population standard deviation (the standard scaler's fit). */
  private static double[] meanStd(List<Double> xs) {
    double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
    return new double[] {mean, Math.sqrt(ss / xs.size())};
  }
}
