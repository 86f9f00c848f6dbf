package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shardcast.transforms.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareChecksTest {
  @TempDir static Path tmp;
  static Path csv;

  @BeforeAll
  static void data() throws Exception {
    csv = Files.createDirectories(tmp.resolve("data")).resolve("d.csv");
    Files.writeString(csv, "id,ts,x,y,z\n");
  }

  private static String fail(String... overrides) {
    JobConfig c = TestJobs.config(overrides);
    return assertThrows(ConfigException.class, () -> PrepareChecks.check(c)).getMessage();
  }

  @Test
  void inputsAreListedPerKey() throws Exception {
    JobConfig c = TestJobs.config("input.path=" + tmp + "/data/*.csv", "shards.output=" + tmp + "/out");
    assertEquals(Map.of("input.path", List.of(csv.toString())), PrepareChecks.check(c));
  }

  @Test
  void everyPathIsChecked() {
    String out = "shards.output=" + tmp + "/out";
    assertEquals("config key 'input.path': file not found: " + tmp + "/nope.csv", fail("input.path=" + tmp + "/nope.csv", out));
    assertEquals("config key 'input.sources[1].path': no file matches " + tmp + "/b/*.csv (no folder " + tmp + "/b)",
        fail("input.path=null", out, "input.sources=[{name: a, path: " + csv + "}, {name: b, path: " + tmp + "/b/*.csv}]"));
    assertEquals("config key 'quality.columns.id.reference.path': file not found: /nope/ids.csv (no folder /nope)",
        fail("input.path=" + csv, out, "quality.columns.id.reference={path: /nope/ids.csv, column: id}"));
    assertEquals("config key 'quality.columns.x.matches_reference.path': file not found: " + tmp + "/ref.csv",
        fail("input.path=" + csv, out, "quality.columns.x.matches_reference={path: " + tmp + "/ref.csv, key: [id, ts]}"));
    assertEquals("config key 'quality.drift.baseline': file not found: " + tmp + "/report.json",
        fail("input.path=" + csv, out, "quality.drift.baseline=" + tmp + "/report.json"));
  }

  @Test
  void theOutputMustNotBeTheInputsFolder() {
    String message = fail("input.path=" + csv, "shards.output=" + tmp + "/data");
    assertEquals("config key 'shards.output' (" + tmp + "/data) is the folder of config key 'input.path' (" + csv
        + "): the job would write its shards, manifest and reports among its input files; write them to another folder",
        message);
  }
}
