#!/usr/bin/env node
// Launcher for the compiled command line. In a checkout, dist/ is staged into
// this package by `npm run build`; without it, say so in one line instead of
// Node's module-not-found trace.
import { existsSync } from "node:fs";
import module from "node:module";
import v8 from "node:v8";

// undici parses HTTP with llhttp compiled to WebAssembly; V8's optimising tier
// recompiles it in the background, which costs a one-shot command ~35 MB of
// peak memory and buys nothing over a few requests. The baseline tier is enough.
v8.setFlagsFromString("--liftoff-only");
// Node >= 22.1 caches compiled code between runs.
module.enableCompileCache?.();

const entry = new URL("../dist/xc/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("tsvmomi: not built yet (dist/cli/main.js is missing); run `npm run build` at the repository root\n");
  process.exit(1);
}
let cli;
try {
  cli = await import(entry.href);
} catch (err) {
  process.stderr.write(`tsvmomi: cannot load the command line: ${String(err?.message ?? err).split("\n")[0]}\n`);
  process.exit(1);
}
await cli.main(process.argv.slice(2));
