package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.transforms.testing.TestJobs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbsolutePathsTest {
  private static final Path BASE = Path.of("/work/jobs");

  @Test
  void relativeLocalPathsResolveAgainstTheBase() {
    JobConfig c = AbsolutePaths.resolve(TestJobs.config(
        "quality.columns.id.reference={path: ref/ids.csv, column: id}",
        "quality.columns.x.matches_reference={value: {path: ./ref/x.csv, key: [id], column: x}, severity: warn}",
        "quality.drift.baseline=old/report.json"), BASE);
    assertEquals("/work/jobs/data.csv", c.input().path());
    assertEquals("/work/jobs/out/unit", c.shards().output());
    JsonNode tree = ConfigLoader.toTree(c).path("quality");
    assertEquals("/work/jobs/ref/ids.csv", tree.path("columns").path("id").path("reference").path("path").asText());
    assertEquals("/work/jobs/ref/x.csv", c.quality().columns().get("x").matchesReference().value().path("path").asText());
    assertEquals("/work/jobs/old/report.json", c.quality().drift().baseline());
  }

  @Test
  void everyNamedSourceAndAGlobToo() {
    String yaml = TestJobs.BASE_YAML.replace("  path: data.csv\n",
        "  sources:\n    - {name: a, path: 'a/*.csv'}\n    - {name: b, path: 's3://bucket/b.csv'}\n");
    JobConfig c = AbsolutePaths.resolve(ConfigLoader.loadYaml(yaml, List.of()), BASE);
    assertEquals("/work/jobs/a/*.csv", c.input().sources().get(0).path());
    assertEquals("s3://bucket/b.csv", c.input().sources().get(1).path(), "a URI is no local path");
  }

  @Test
  void absolutePathsAndUrisStayAndNothingElseChanges() {
    JobConfig abs = TestJobs.config("input.path=/data/in.csv", "shards.output=s3://bucket/out");
    assertSame(abs, AbsolutePaths.resolve(abs, BASE), "nothing relative: the same config");
    JobConfig rel = TestJobs.config();
    JobConfig resolved = AbsolutePaths.resolve(rel, BASE);
    // Apart from the two paths, the round trip through YAML keeps the config as the manifest records it.
    assertEquals(ConfigLoader.toTree(TestJobs.config("input.path=/work/jobs/data.csv", "shards.output=/work/jobs/out/unit")),
        ConfigLoader.toTree(resolved));
  }
}
