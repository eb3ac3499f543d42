#!/usr/bin/env node
// Thin launcher: the command line is compiled to dist/ by `npm run build`.
// Without a build it says so in one line instead of an ERR_MODULE_NOT_FOUND stack trace.
import module from "node:module";
import v8 from "node:v8";

// undici parses HTTP with llhttp compiled to WebAssembly; V8's optimising tier
// recompiles it in the background, which costs a one-shot command ~35 MB of
// peak memory and buys nothing over a few requests. The baseline tier is enough.
v8.setFlagsFromString("--liftoff-only");

// Node >= 22.1 caches compiled code between runs: about a third of a one-shot command's start-up.
module.enableCompileCache?.();

let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (err) {
  const missing = err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist");
  process.stderr.write(
    missing ? "tsvmomi: not built yet; run `npm run build` first\n" : `tsvmomi: cannot load the command line: ${err?.message ?? err}\n`,
  );
  process.exit(1);
}
await cli.main(process.argv.slice(2));
