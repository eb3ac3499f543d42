#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import { main } from "../dist/generator/cli/main.js";
main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`tsvmomi-gen: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
