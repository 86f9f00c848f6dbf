package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPathsTest {
  @TempDir static Path tmp;

  @BeforeAll
  static void files() throws Exception {
    for (String f : List.of("a.csv", "b.csv", "c.txt", "sub/d.csv", "sub/deeper/e.csv", "folder.csv/inside.csv")) {
      Files.createDirectories(tmp.resolve(f).getParent());
      Files.writeString(tmp.resolve(f), "x\n");
    }
  }

  private static String fail(String key, String spec) {
    return assertThrows(ConfigException.class, () -> InputPaths.match(key, spec)).getMessage();
  }

  private static List<String> names(List<String> files) {
    return files.stream().map(f -> tmp.relativize(Path.of(f)).toString()).toList();
  }

  @Test
  void aMissingFileUnderTheRootFailsAtOnce() {
    // Beam's LocalFileSystem walks the whole disk from / before saying "no files matched" here.
    String spec = "/nope-" + UUID.randomUUID() + ".csv";
    String message = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> fail("input.path", spec));
    assertEquals("config key 'input.path': file not found: " + spec, message);
  }

  @Test
  void aGlobUnderTheRootListsOnlyTheRoot() {
    String spec = "/nope-*-" + UUID.randomUUID() + ".csv";
    String message = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> fail("input.path", spec));
    assertEquals("config key 'input.path': no file matches " + spec, message);
  }

  @Test
  void aGlobInAMissingFolderNamesTheFolder() {
    String spec = tmp + "/missing/*.csv";
    assertEquals("config key 'input.sources[1].path': no file matches " + spec + " (no folder " + tmp.resolve("missing") + ")",
        fail("input.sources[1].path", spec));
  }

  @Test
  void aGlobWithoutAMatchFails() {
    String spec = tmp + "/*.parquet";
    assertEquals("config key 'input.path': no file matches " + spec, fail("input.path", spec));
  }

  @Test
  void aMissingFileInAMissingFolderSaysSo() {
    String spec = tmp + "/nope/x.csv";
    assertEquals("config key 'input.path': file not found: " + spec + " (no folder " + tmp.resolve("nope") + ")",
        fail("input.path", spec));
  }

  @Test
  void globsMatchFilesOnlyAtTheirDepthUnlessDoubleStar() throws Exception {
    assertEquals(List.of("a.csv", "b.csv"), names(InputPaths.match("k", tmp + "/*.csv")));
    assertEquals(List.of("a.csv", "b.csv"), names(InputPaths.match("k", tmp + "/{a,b}.csv")));
    assertEquals(List.of("a.csv", "c.txt"), names(InputPaths.match("k", tmp + "/[ac].*")));
    assertEquals(List.of("folder.csv/inside.csv", "sub/d.csv"), names(InputPaths.match("k", tmp + "/*/*.csv")));
    assertEquals(List.of("folder.csv/inside.csv", "sub/d.csv", "sub/deeper/e.csv"),
        names(InputPaths.match("k", tmp + "/**/*.csv")));
    assertEquals(List.of("sub/deeper/e.csv"), names(InputPaths.match("k", tmp + "/s?b/*/e.csv")));
    assertEquals(List.of("a.csv"), names(InputPaths.match("k", "file://" + tmp + "/a.csv")));
    assertEquals(List.of("b.csv"), names(InputPaths.match("k", "file:" + tmp + "/b.*")));
  }

  @Test
  void aRelativePathIsRelativeToTheWorkingFolder() throws Exception {
    Path here = Path.of("").toAbsolutePath();
    Path file = Files.createTempFile(here, "input-paths-", ".csv");
    try {
      assertEquals(List.of(file.toString()), InputPaths.match("input.path", file.getFileName().toString()));
      assertEquals(List.of(file.toString()), InputPaths.match("input.path", "./" + file.getFileName()));
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aFolderIsNotAnInput() {
    assertEquals("config key 'input.path': " + tmp + "/sub is a folder; name a file, or the files in it with a glob "
        + "such as " + tmp + "/sub/*.csv", fail("input.path", tmp + "/sub"));
  }

  @Test
  void requireFileWantsExactlyOne() throws Exception {
    assertEquals(tmp.resolve("a.csv").toString(), InputPaths.requireFile("quality.drift.baseline", tmp + "/a.csv"));
    String message = assertThrows(ConfigException.class,
        () -> InputPaths.requireFile("quality.columns.id.reference.path", tmp + "/*.csv")).getMessage();
    assertEquals("config key 'quality.columns.id.reference.path': " + tmp + "/*.csv matches 2 files, it must name one",
        message);
  }

  @Test
  void otherSchemesGoThroughBeam() {
    assertTrue(InputPaths.isLocal("data/x.csv"));
    assertTrue(InputPaths.isLocal("/data/x.csv"));
    assertTrue(InputPaths.isLocal("file:///data/x.csv"));
    assertTrue(InputPaths.isLocal("C:/data/x.csv"));
    assertFalse(InputPaths.isLocal("s3://bucket/x.csv"));
    assertFalse(InputPaths.isLocal("gs://bucket/*.csv"));
    // No S3 module on this class path: Beam knows no such scheme, which is a config error too.
    String message = fail("input.path", "s3://bucket/x.csv");
    assertTrue(message.startsWith("config key 'input.path': cannot read s3://bucket/x.csv: "), message);
  }
}
