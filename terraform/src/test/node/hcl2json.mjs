// Parses every .tf file (and terraform.tfvars.example) under each folder given on the command line
// with HashiCorp's HCL parser (@cdktf/hcl2json: the Go hcl library compiled to WASM), and lists the
// references of every expression with the same library's traversal analysis. Java does the checks;
// this script only turns HCL into exact JSON. Output (stdout), one object per folder:
//   { "<folder>": { "files": { "<relative path>": <hcl2json> },
//                   "errors": [ { "file", "message" } ],
//                   "refs": { "<relative path>": [ { "pointer", "expression", "refs": [ "var.x", ... ] } ] } } }
import { parse, getReferencesInExpression } from "@cdktf/hcl2json";
import fs from "node:fs";
import path from "node:path";

function hclFiles(root, dir = root, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Not Terraform: the test's own sources, npm's folder, terraform's cache, Maven's output.
      if (!["node_modules", ".terraform", "src", "target"].includes(entry.name)) hclFiles(root, full, out);
    } else if (entry.name.endsWith(".tf") || entry.name === "terraform.tfvars.example") {
      out.push(path.relative(root, full).split(path.sep).join("/"));
    }
  }
  return out;
}

// Every string holding an interpolation, with its JSON pointer (RFC 6901) in the file's JSON.
function expressions(node, pointer, out) {
  if (typeof node === "string") {
    if (node.includes("${")) out.push({ pointer, expression: node });
  } else if (Array.isArray(node)) {
    node.forEach((v, i) => expressions(v, `${pointer}/${i}`, out));
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      expressions(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
    }
  }
  return out;
}

const result = {};
for (const root of process.argv.slice(2)) {
  const folder = { files: {}, errors: [], refs: {} };
  for (const file of hclFiles(root)) {
    let json;
    try {
      json = await parse(file, fs.readFileSync(path.join(root, file), "utf8"));
    } catch (e) {
      folder.errors.push({ file, message: String(e && e.message ? e.message : e) });
      continue;
    }
    folder.files[file] = json;
    const refs = [];
    for (const x of expressions(json, "", [])) {
      try {
        const found = await getReferencesInExpression(file, x.expression);
        refs.push({ ...x, refs: found.map((r) => r.value) });
      } catch (e) {
        folder.errors.push({ file, message: `${x.pointer}: ${String(e && e.message ? e.message : e)}` });
      }
    }
    folder.refs[file] = refs;
  }
  result[root] = folder;
}
process.stdout.write(JSON.stringify(result));
