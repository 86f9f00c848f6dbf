package dev.shardcast.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.terraform.HclFolders.Expr;
import dev.shardcast.terraform.HclFolders.Parsed;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed folder seen as Terraform sees it: one module per directory of .tf files, each with
 * its declarations. hcl2json's shape: {@code resource -> type -> name -> [body]}, the same for
 * data; {@code variable|output|module|provider -> name -> [body]}; {@code locals -> [{k: v}]};
 * {@code terraform -> [{required_providers: [{name: {source, version}}], ...}]}.
 */
final class Modules {

  /** A declaration: its body, the file it is in and its JSON pointer there. */
  record Block(String file, String pointer, JsonNode body) {}

  static final class Module {
    final String dir; // "" for the root module
    final List<String> files = new ArrayList<>();
    final Map<String, Block> variables = new LinkedHashMap<>();
    final Map<String, Block> outputs = new LinkedHashMap<>();
    final Map<String, Block> moduleCalls = new LinkedHashMap<>();
    final Map<String, Block> resources = new LinkedHashMap<>(); // "type.name"
    final Map<String, Block> data = new LinkedHashMap<>(); // "type.name"
    final Map<String, Block> providers = new LinkedHashMap<>();
    final Set<String> locals = new LinkedHashSet<>();
    final List<Block> terraformBlocks = new ArrayList<>();
    final List<Expr> exprs = new ArrayList<>();
    final List<String> duplicates = new ArrayList<>();

    Module(String dir) {
      this.dir = dir;
    }

    String label() {
      return dir.isEmpty() ? "root module" : dir;
    }

    /** Resources of one type, by name. */
    Map<String, Block> resourcesOfType(String type) {
      Map<String, Block> out = new LinkedHashMap<>();
      resources.forEach((k, v) -> {
        if (k.startsWith(type + ".")) out.put(k.substring(type.length() + 1), v);
      });
      return out;
    }

    /** The references of the expressions at or under a pointer of one file. */
    List<String> refsAt(String file, String pointerPrefix) {
      List<String> out = new ArrayList<>();
      for (Expr e : exprs) {
        if (e.file().equals(file) && (e.pointer().equals(pointerPrefix) || e.pointer().startsWith(pointerPrefix + "/"))) {
          out.addAll(e.refs());
        }
      }
      return out;
    }

    /** The top-level block (resource, data source, module call) an expression sits in. */
    Optional<Block> enclosing(Expr e) {
      String[] p = e.pointer().split("/");
      if (p.length > 3 && p[1].equals("resource")) return Optional.ofNullable(resources.get(p[2] + "." + p[3]));
      if (p.length > 3 && p[1].equals("data")) return Optional.ofNullable(data.get(p[2] + "." + p[3]));
      if (p.length > 2 && p[1].equals("module")) return Optional.ofNullable(moduleCalls.get(p[2]));
      return Optional.empty();
    }
  }

  private Modules() {}

  /** Modules by directory ("" first). terraform.tfvars.example is not a module file and is skipped. */
  static Map<String, Module> of(Parsed parsed) {
    Map<String, Module> modules = new LinkedHashMap<>();
    modules.put("", new Module(""));
    parsed.files().forEach((file, json) -> {
      if (!file.endsWith(".tf")) return;
      int slash = file.lastIndexOf('/');
      String dir = slash < 0 ? "" : file.substring(0, slash);
      Module m = modules.computeIfAbsent(dir, Module::new);
      m.files.add(file);
      twoLevel(m, file, json.get("resource"), "/resource", m.resources);
      twoLevel(m, file, json.get("data"), "/data", m.data);
      oneLevel(m, file, json.get("variable"), "/variable", m.variables);
      oneLevel(m, file, json.get("output"), "/output", m.outputs);
      oneLevel(m, file, json.get("module"), "/module", m.moduleCalls);
      oneLevel(m, file, json.get("provider"), "/provider", m.providers);
      if (json.has("locals")) {
        json.get("locals").forEach(block -> block.fieldNames().forEachRemaining(name -> {
          if (!m.locals.add(name)) m.duplicates.add(file + ": local." + name);
        }));
      }
      if (json.has("terraform")) {
        int i = 0;
        for (JsonNode t : json.get("terraform")) m.terraformBlocks.add(new Block(file, "/terraform/" + i++, t));
      }
    });
    for (Expr e : parsed.exprs()) {
      int slash = e.file().lastIndexOf('/');
      Module m = modules.get(slash < 0 ? "" : e.file().substring(0, slash));
      if (m != null && e.file().endsWith(".tf")) m.exprs.add(e);
    }
    return modules;
  }

  private static void twoLevel(Module m, String file, JsonNode node, String pointer, Map<String, Block> into) {
    if (node == null) return;
    for (Iterator<Map.Entry<String, JsonNode>> types = node.fields(); types.hasNext(); ) {
      Map.Entry<String, JsonNode> type = types.next();
      for (Iterator<Map.Entry<String, JsonNode>> names = type.getValue().fields(); names.hasNext(); ) {
        Map.Entry<String, JsonNode> name = names.next();
        String key = type.getKey() + "." + name.getKey();
        String at = pointer + "/" + type.getKey() + "/" + name.getKey() + "/0";
        if (into.putIfAbsent(key, new Block(file, at, name.getValue().get(0))) != null || name.getValue().size() > 1) {
          m.duplicates.add(file + ": " + pointer.substring(1) + " " + key);
        }
      }
    }
  }

  private static void oneLevel(Module m, String file, JsonNode node, String pointer, Map<String, Block> into) {
    if (node == null) return;
    for (Iterator<Map.Entry<String, JsonNode>> names = node.fields(); names.hasNext(); ) {
      Map.Entry<String, JsonNode> name = names.next();
      String at = pointer + "/" + name.getKey() + "/0";
      // Several provider blocks of one name are fine (aliases); every other duplicate is an error.
      boolean dup = into.putIfAbsent(name.getKey(), new Block(file, at, name.getValue().get(0))) != null
          || name.getValue().size() > 1;
      if (dup && !pointer.equals("/provider")) m.duplicates.add(file + ": " + pointer.substring(1) + " " + name.getKey());
    }
  }

  /** The module a local source ("./modules/x", "../bucket") of module {@code from} points to. */
  static Optional<String> resolveSource(String from, String source) {
    if (!source.startsWith("./") && !source.startsWith("../")) return Optional.empty();
    List<String> parts = new ArrayList<>(from.isEmpty() ? List.of() : List.of(from.split("/")));
    for (String s : source.split("/")) {
      if (s.equals(".") || s.isEmpty()) continue;
      if (s.equals("..")) {
        if (parts.isEmpty()) return Optional.of("../outside");
        parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    return Optional.of(String.join("/", parts));
  }
}
