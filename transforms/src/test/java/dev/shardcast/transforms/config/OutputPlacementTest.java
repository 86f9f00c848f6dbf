package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPlacementTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void layout() throws Exception {
    data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("x.csv"), "x\n");
    Files.createSymbolicLink(tmp.resolve("link"), data);
  }

  private static String refused(String output, String input) {
    return assertThrows(ConfigException.class, () -> OutputPlacement.check("shards.output", output, "input.path", input))
        .getMessage();
  }

  private static void allowed(String output, String input) {
    assertDoesNotThrow(() -> OutputPlacement.check("shards.output", output, "input.path", input));
  }

  @Test
  void theInputsOwnFolderIsRefused() {
    assertEquals("config key 'shards.output' (" + data + ") is the folder of config key 'input.path' (" + data
        + "/x.csv): the job would write its shards, manifest and reports among its input files; write them to "
        + "another folder", refused(data.toString(), data + "/x.csv"));
    refused(data + "/", data + "/*.csv");
    refused(tmp + "/data/../data", data + "/x.csv");
  }

  @Test
  void symbolicLinksAreResolved() {
    refused(tmp + "/link", data + "/x.csv");
    refused(data.toString(), tmp + "/link/*.csv");
    assertTrue(refused(tmp + "/link/out", data + "/**/*.parquet").contains("lies inside a folder"));
  }

  @Test
  void aFolderInsideTheFolderAGlobListsIsRefused() {
    assertEquals("config key 'shards.output' (" + data + "/out) lies inside a folder that config key 'input.path' ("
        + data + "/**.parquet) reads: a later run would find this run's output among its inputs; write it to a "
        + "folder outside " + data, refused(data + "/out", data + "/**.parquet"));
    refused(data + "/out/shards", data + "/*/*/x.csv");
    refused(data + "/out", data + "/o*/x.csv");
    refused(data + "/shards", data + "/*.csv");
    refused(data + "/shards", data + "/in*/*.csv");
    refused(data + "/out/shards", data + "/*/x.csv");
  }

  @Test
  void besideANamedFileOrOutsideTheGlobsFolderIsFine() {
    allowed(data + "/shards", data + "/x.csv");
    allowed(tmp + "/out", data + "/**/*.csv");
    allowed(tmp + "/out", data + "/*.csv");
    allowed(tmp.toString(), data + "/x.csv"); // the input's parent folder
  }

  @Test
  void urisCompareByText() {
    refused("s3://b/data/", "s3://b/data/*.parquet");
    refused("s3://b/data/out", "s3://b/data/**.parquet");
    refused("s3://b/data/out", "s3://b/data/*.parquet");
    allowed("s3://b/out", "s3://b/data/*.parquet");
    allowed("s3://b/other", "s3://b/data/**.parquet");
    allowed("s3://c/data", "s3://b/data/*.parquet");
    allowed(data.toString(), "s3://b" + data + "/*.csv"); // a local folder and a bucket never overlap
  }
}
