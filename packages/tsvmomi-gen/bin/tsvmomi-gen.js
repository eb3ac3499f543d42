#!/usr/bin/env node
// Launcher for the compiled CLI. In a checkout, dist/ exists only after
// `npm run build` (which `npm ci` runs through the root `prepare` script);
// without it, say so in one line instead of Node's module-not-found trace.
import { existsSync } from "node:fs";

const entry = new URL("../dist/generator/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("tsvmomi-gen: not built yet (dist/generator/cli/main.js is missing); run `npm run build` at the repository root\n");
  process.exit(1);
}
let main;
try {
  ({ main } = await import(entry.href));
} catch (err) {
  process.stderr.write(`tsvmomi-gen: cannot load the generator: ${String(err?.message ?? err).split("\n")[0]}\n`);
  process.exit(1);
}
main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`tsvmomi-gen: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
