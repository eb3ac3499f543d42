/**
 * What a consumer of the generated bindings ships: esbuild bundles (ESM,
 * minified, platform node, tree-shaking on) of a few consumers of the committed
 * default release, with minified and gzip sizes, and the schemas table's share.
 *
 *   npm run build && node dist/bench/bundle-size.js [--release-dir generated/<service>-<release>]
 */
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { repoRoot } from "../wsdl/paths.js";
import { DEFAULT_RELEASE } from "../wsdl/manifest.js";

const METHODS = `import { PowerOnVM_Task, PowerOffVM_Task } from "./methods/VirtualMachine.js";
import { CreateFolder } from "./methods/Folder.js";
import { VirtualMachinePowerState } from "./enums.js";`;

const CASES: { name: string; source: string }[] = [
  { name: "3 methods + 1 enum (module imports)", source: `${METHODS}\nexport const used = [PowerOnVM_Task, PowerOffVM_Task, CreateFolder, VirtualMachinePowerState];` },
  {
    name: "3 methods + 1 enum + schemas (module imports)",
    source: `${METHODS}\nimport { schemas } from "./schemas.js";\nexport const used = [PowerOnVM_Task, PowerOffVM_Task, CreateFolder, VirtualMachinePowerState, schemas];`,
  },
  {
    name: "3 methods + 1 enum + schemas (via index.ts)",
    source: `import { VirtualMachine, Folder, schemas, VirtualMachinePowerState } from "./index.js";
export const used = [VirtualMachine.PowerOnVM_Task, VirtualMachine.PowerOffVM_Task, Folder.CreateFolder, VirtualMachinePowerState, schemas];`,
  },
  {
    name: "3 methods (import * as VM from methods module)",
    source: `import * as VM from "./methods/VirtualMachine.js";
import * as F from "./methods/Folder.js";
export const used = [VM.PowerOnVM_Task, VM.PowerOffVM_Task, F.CreateFolder];`,
  },
  { name: "schemas table alone", source: `import { schemas } from "./schemas.js";\nexport const used = schemas;` },
  { name: "all enums", source: `import * as enums from "./enums.js";\nexport const used = enums;` },
  { name: "all fault classes", source: `import * as faults from "./faults.js";\nexport const used = faults;` },
  { name: "import * as everything (index.ts)", source: `import * as everything from "./index.js";\nexport const used = everything;` },
];

interface BundleSize {
  name: string;
  bytes: number;
  gzip: number;
}

async function measureBundles(genDir: string): Promise<BundleSize[]> {
  const out: BundleSize[] = [];
  for (const c of CASES) {
    const result = await build({
      stdin: { contents: c.source, resolveDir: genDir, loader: "ts", sourcefile: "consumer.ts" },
      bundle: true,
      format: "esm",
      platform: "node",
      minify: true,
      treeShaking: true,
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.contents;
    out.push({ name: c.name, bytes: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength });
  }
  return out;
}

async function main() {
  const i = process.argv.indexOf("--release-dir");
  const rel = i >= 0 ? process.argv[i + 1]! : path.join("generated", `${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`);
  const genDir = path.resolve(repoRoot(), rel);
  const sizes = await measureBundles(genDir);
  const kb = (n: number) => (n / 1024).toFixed(1);
  const all = sizes.at(-1)!;
  const schemas = sizes.find((s) => s.name === "schemas table alone")!;
  const which = i >= 0 ? rel : `of the default release (${DEFAULT_RELEASE.service} ${DEFAULT_RELEASE.release})`;
  console.log(`esbuild ${(await import("esbuild")).version}: ESM, minify, platform node, tree-shaking; bindings ${which}`);
  const head = ["consumer", "min KiB", "gzip KiB", "% of everything (min)"];
  const rows = sizes.map((s) => [s.name, kb(s.bytes), kb(s.gzip), ((100 * s.bytes) / all.bytes).toFixed(1)]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => `| ${r.map((c, j) => (j ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  const withSchemas = sizes[1]!;
  console.log(
    `schemas table: ${kb(schemas.bytes)} KiB min / ${kb(schemas.gzip)} KiB gzip, ` +
      `${((100 * (withSchemas.bytes - sizes[0]!.bytes)) / withSchemas.bytes).toFixed(1)}% of the 3-method bundle that includes it`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bundle-size: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
