package dev.shardcast.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.terraform.Finding.Rule;
import dev.shardcast.terraform.HclFolders.Expr;
import dev.shardcast.terraform.HclFolders.Parsed;
import dev.shardcast.terraform.Modules.Block;
import dev.shardcast.terraform.Modules.Module;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What can be checked of a Terraform configuration without terraform and without AWS: syntax (the
 * real HCL parser), pinned providers, variables declared/described/typed/validated/used, every
 * reference resolving, module calls matching the modules' variables, buckets encrypted and
 * private, IAM without wildcards, cron expressions valid. Attribute names and values the AWS
 * provider's schema would reject are NOT checked here: only `terraform validate` knows the schema.
 */
final class TerraformChecker {
  private static final Pattern EXACT_VERSION = Pattern.compile("^=?\\s*\\d+\\.\\d+\\.\\d+$");
  private static final Set<String> META_ARGS = Set.of("source", "version", "providers", "depends_on", "count", "for_each");

  private TerraformChecker() {}

  static List<Finding> check(Parsed parsed) {
    List<Finding> out = new ArrayList<>();
    parsed.errors().forEach(e -> out.add(new Finding(Rule.SYNTAX, e.file(), e.message())));
    Map<String, Module> modules = Modules.of(parsed);
    for (Module m : modules.values()) {
      m.duplicates.forEach(d -> out.add(new Finding(Rule.REFERENCE, m.label(), "declared twice: " + d)));
      providers(m, modules.get(""), out);
      variables(m, out);
      outputs(m, out);
      references(m, modules, out);
      moduleCalls(m, modules, out);
      SecurityRules.buckets(m, out);
      SecurityRules.iam(m, out);
    }
    Cron.check(parsed, modules.get(""), out);
    return out;
  }

  /** Root: required_version and every provider with a source and an exact version. Children: no
   *  provider configuration, their own source declarations, no other version than the root's. */
  private static void providers(Module m, Module root, List<Finding> out) {
    Map<String, JsonNode> declared = requiredProviders(m);
    // Findings point at the file with the terraform block (versions.tf), else at the module.
    String where = m.terraformBlocks.isEmpty() ? m.label() : m.terraformBlocks.get(0).file() + " terraform";
    if (m == root) {
      boolean hasVersion = m.terraformBlocks.stream().anyMatch(b -> b.body().hasNonNull("required_version"));
      if (!hasVersion) out.add(new Finding(Rule.PROVIDER, where, "no terraform { required_version }"));
      if (declared.isEmpty()) out.add(new Finding(Rule.PROVIDER, where, "no terraform { required_providers }"));
      declared.forEach((name, p) -> {
        String v = p.path("version").asText("");
        if (!EXACT_VERSION.matcher(v).matches()) {
          out.add(new Finding(Rule.PROVIDER, where, "provider " + name + " is not pinned to an exact version: '" + v + "'"));
        }
      });
    } else {
      m.providers.keySet().forEach(p -> out.add(new Finding(Rule.PROVIDER, where,
          "provider \"" + p + "\" configured inside a module (configure providers in the root only)")));
      Map<String, JsonNode> rootPins = requiredProviders(root);
      declared.forEach((name, p) -> {
        if (p.has("version") && !p.get("version").equals(rootPins.getOrDefault(name, p).get("version"))) {
          out.add(new Finding(Rule.PROVIDER, where, "provider " + name + " version differs from the root's pin"));
        }
      });
    }
    declared.forEach((name, p) -> {
      if (!p.path("source").asText("").contains("/")) {
        out.add(new Finding(Rule.PROVIDER, where, "provider " + name + " has no source (namespace/name)"));
      }
    });
    Set<String> used = new HashSet<>();
    m.resources.keySet().forEach(k -> used.add(k.substring(0, k.indexOf('_'))));
    m.data.keySet().forEach(k -> used.add(k.substring(0, k.indexOf('_'))));
    for (String prefix : used) {
      if (!declared.containsKey(prefix)) {
        out.add(new Finding(Rule.PROVIDER, where, "resources of provider " + prefix + " without a required_providers entry"));
      }
    }
  }

  static Map<String, JsonNode> requiredProviders(Module m) {
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (Block t : m.terraformBlocks) {
      for (JsonNode rp : t.body().path("required_providers")) rp.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** Described, typed; in the root also validated (the modules get validated values); used. */
  private static void variables(Module m, List<Finding> out) {
    Set<String> used = new HashSet<>();
    for (Expr e : m.exprs) {
      if (e.pointer().startsWith("/variable/")) continue; // a validation naming its own variable is no use
      for (String r : e.refs()) if (r.startsWith("var.")) used.add(r.split("\\.")[1]);
    }
    m.variables.forEach((name, b) -> {
      String where = b.file() + " variable " + name;
      if (b.body().path("description").asText("").isBlank()) out.add(new Finding(Rule.VARIABLE, where, "no description"));
      if (!b.body().has("type")) out.add(new Finding(Rule.VARIABLE, where, "no type"));
      if (!used.contains(name)) out.add(new Finding(Rule.VARIABLE, where, "declared but never used"));
      if (m.dir.isEmpty()) {
        JsonNode validations = b.body().path("validation");
        if (validations.isEmpty()) out.add(new Finding(Rule.VARIABLE, where, "no validation block"));
        for (int i = 0; i < validations.size(); i++) {
          List<String> refs = m.refsAt(b.file(), b.pointer() + "/validation/" + i + "/condition");
          if (!refs.stream().anyMatch(r -> r.equals("var." + name) || r.startsWith("var." + name + "."))) {
            out.add(new Finding(Rule.VARIABLE, where, "validation condition does not test var." + name));
          }
          if (validations.get(i).path("error_message").asText("").isBlank()) {
            out.add(new Finding(Rule.VARIABLE, where, "validation without error_message"));
          }
        }
      }
    });
  }

  private static void outputs(Module m, List<Finding> out) {
    m.outputs.forEach((name, b) -> {
      if (b.body().path("description").asText("").isBlank()) {
        out.add(new Finding(Rule.OUTPUT, b.file() + " output " + name, "no description"));
      }
      if (!b.body().has("value")) out.add(new Finding(Rule.OUTPUT, b.file() + " output " + name, "no value"));
    });
  }

  /** Every traversal in every expression names something declared where Terraform would look. */
  private static void references(Module m, Map<String, Module> modules, List<Finding> out) {
    for (Expr e : m.exprs) {
      if (e.pointer().matches("/variable/[^/]+/0/type")) continue; // type constraints are not references
      String where = e.file() + " " + e.pointer();
      for (String ref : e.refs()) {
        String[] p = ref.split("\\.");
        Optional<String> problem = switch (p[0]) {
          case "var" -> m.variables.containsKey(p[1]) ? Optional.empty() : Optional.of("undeclared variable var." + p[1]);
          case "local" -> m.locals.contains(p[1]) ? Optional.empty() : Optional.of("undeclared local." + p[1]);
          case "module" -> moduleRef(m, modules, p);
          case "data" -> p.length >= 3 && m.data.containsKey(p[1] + "." + p[2])
              ? Optional.empty() : Optional.of("undeclared data source " + ref);
          case "each" -> m.enclosing(e).filter(b -> b.body().has("for_each")).isPresent()
              ? Optional.empty() : Optional.of(ref + " outside a block with for_each");
          case "count" -> m.enclosing(e).filter(b -> b.body().has("count")).isPresent()
              ? Optional.empty() : Optional.of(ref + " outside a block with count");
          case "path", "terraform", "self" -> Optional.empty();
          default -> {
            if (e.pointer().contains("/dynamic/" + p[0] + "/")) yield Optional.empty(); // a dynamic block's iterator
            if (p.length < 2) yield Optional.of("unknown name '" + p[0] + "'");
            yield m.resources.containsKey(p[0] + "." + p[1]) ? Optional.empty()
                : Optional.of("undeclared resource " + p[0] + "." + p[1]);
          }
        };
        problem.ifPresent(msg -> out.add(new Finding(Rule.REFERENCE, where, msg + " (in " + m.label() + ")")));
      }
    }
  }

  private static Optional<String> moduleRef(Module m, Map<String, Module> modules, String[] p) {
    Block call = m.moduleCalls.get(p[1]);
    if (call == null) return Optional.of("undeclared module." + p[1]);
    if (p.length < 3) return Optional.empty();
    Optional<String> target = Modules.resolveSource(m.dir, call.body().path("source").asText(""));
    if (target.isEmpty() || !modules.containsKey(target.get())) return Optional.empty(); // reported by moduleCalls
    return modules.get(target.get()).outputs.containsKey(p[2]) ? Optional.empty()
        : Optional.of("module." + p[1] + " (" + target.get() + ") has no output " + p[2]);
  }

  /** Arguments of a local module call are its variables; its variables without default are set. */
  private static void moduleCalls(Module m, Map<String, Module> modules, List<Finding> out) {
    m.moduleCalls.forEach((name, b) -> {
      String where = b.file() + " module " + name;
      Optional<String> target = Modules.resolveSource(m.dir, b.body().path("source").asText(""));
      if (target.isEmpty()) {
        out.add(new Finding(Rule.MODULE, where, "source is not a local folder: cannot be checked offline"));
        return;
      }
      Module callee = modules.get(target.get());
      if (callee == null) {
        out.add(new Finding(Rule.MODULE, where, "source " + target.get() + " has no .tf files"));
        return;
      }
      Set<String> args = new HashSet<>();
      b.body().fieldNames().forEachRemaining(args::add);
      args.removeAll(META_ARGS);
      for (String a : args) {
        if (!callee.variables.containsKey(a)) out.add(new Finding(Rule.MODULE, where, "unsupported argument " + a + " (no such variable in " + callee.dir + ")"));
      }
      callee.variables.forEach((v, vb) -> {
        if (!vb.body().has("default") && !args.contains(v)) {
          out.add(new Finding(Rule.MODULE, where, "missing required argument " + v + " (variable without default in " + callee.dir + ")"));
        }
      });
    });
  }
}
