package dev.shardcast.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parses Terraform folders with HashiCorp's own HCL parser ({@code @cdktf/hcl2json}, run by node:
 * src/test/node/hcl2json.mjs), which keeps every expression exactly as written ({@code
 * "${var.prefix}-shards"}) and lists its references with hcl's traversal analysis. Several folders
 * go through one node process: loading the WASM parser is most of the cost.
 */
final class HclFolders {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One folder's files (relative path to hcl2json's JSON), parse errors and expressions. */
  record Parsed(Path root, Map<String, JsonNode> files, List<ParseError> errors, List<Expr> exprs) {}

  record ParseError(String file, String message) {}

  /** A string holding {@code ${...}}, where it sits (JSON pointer in its file) and what it references. */
  record Expr(String file, String pointer, String expression, List<String> refs) {}

  private HclFolders() {}

  /** The module folder (where package.json and node_modules are): the test's working directory. */
  static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    if (Files.exists(here.resolve("src/test/node/hcl2json.mjs"))) return here;
    Path nested = here.resolve("terraform");
    if (Files.exists(nested.resolve("src/test/node/hcl2json.mjs"))) return nested;
    throw new IllegalStateException("run from the terraform module (no src/test/node/hcl2json.mjs under " + here + ")");
  }

  static Map<Path, Parsed> parse(List<Path> roots) {
    Path module = moduleDir();
    if (!Files.isDirectory(module.resolve("node_modules/@cdktf/hcl2json"))) {
      throw new IllegalStateException("@cdktf/hcl2json is not installed: run `npm ci` in " + module
          + " (mvn test does it in generate-test-resources)");
    }
    List<String> cmd = new ArrayList<>(List.of("node", module.resolve("src/test/node/hcl2json.mjs").toString()));
    roots.forEach(r -> cmd.add(r.toAbsolutePath().toString()));
    try {
      Path err = Files.createTempFile("hcl2json", ".err");
      Process p = new ProcessBuilder(cmd).directory(module.toFile())
          .redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("node hcl2json.mjs failed: " + Files.readString(err));
      }
      Files.deleteIfExists(err);
      JsonNode all = JSON.readTree(new String(out, StandardCharsets.UTF_8));
      Map<Path, Parsed> result = new LinkedHashMap<>();
      for (Path root : roots) result.put(root, toParsed(root, all.get(root.toAbsolutePath().toString())));
      return result;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node (needed for the HCL parser): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Parsed parse(Path root) {
    return parse(List.of(root)).get(root);
  }

  private static Parsed toParsed(Path root, JsonNode folder) {
    Map<String, JsonNode> files = new LinkedHashMap<>();
    folder.get("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue()));
    List<ParseError> errors = new ArrayList<>();
    folder.get("errors").forEach(e -> errors.add(new ParseError(e.get("file").asText(), e.get("message").asText())));
    List<Expr> exprs = new ArrayList<>();
    folder.get("refs").fields().forEachRemaining(f -> f.getValue().forEach(x -> {
      List<String> refs = new ArrayList<>();
      x.get("refs").forEach(r -> refs.add(r.asText()));
      exprs.add(new Expr(f.getKey(), x.get("pointer").asText(), x.get("expression").asText(), refs));
    }));
    return new Parsed(root, files, errors, exprs);
  }
}
