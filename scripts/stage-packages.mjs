#!/usr/bin/env node
// Second half of `npm run build`: `tsc -p tsconfig.build.json` compiles every
// source folder once into dist/; this assembles each publishable package from
// that output, so the packages hold exactly what was compiled and tested:
//
//   dist/runtime/**                 → packages/tsvmomi/dist/
//   dist/generator/**, dist/wsdl/** → packages/tsvmomi-gen/dist/{generator,wsdl}/
//   templates/*.hbs                 → packages/tsvmomi-gen/templates/
//   wsdl/manifest.json              → packages/tsvmomi-gen/wsdl/manifest.json
//   dist/cli/**, dist/runtime/**, dist/generated/<default release>/**, dist/generated/default-lazy.*
//                                   → packages/tsvmomi-cli/dist/ (same layout)
//
// tsc never empties dist/, so the output of a renamed or deleted source lingers
// there; only files whose source still exists are staged.
// Source maps stay in the repo's dist/ (their paths point at the repo's
// sources, which the packages do not ship). Every import in a staged file is
// then checked: a relative one must land inside its package, a bare one must
// be a Node builtin or a declared dependency. A runtime module that reached
// into generator/ or imported fast-xml-parser fails the build here, not in a
// user's install.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_RELEASE } from "../dist/wsdl/manifest.js";
import { fileURLToPath } from "node:url";
import { badImports, walk } from "./lib/package-imports.mjs";

// The release the CLI speaks is the default one (named once, in wsdl/manifest.ts).
const defaultGenerated = `dist/generated/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`;
const root = fileURLToPath(new URL("..", import.meta.url));
const at = (...p) => path.join(root, ...p);

const PACKAGES = [
  {
    dir: "packages/tsvmomi",
    staged: [{ from: "dist/runtime", to: "dist" }],
  },
  {
    dir: "packages/tsvmomi-gen",
    staged: [
      { from: "dist/generator", to: "dist/generator" },
      // make-manifest writes the repo's wsdl/manifest.json from ../shared: a maintainer's tool, not the generator's.
      { from: "dist/wsdl", to: "dist/wsdl", skip: /^make-manifest\./ },
      { from: "templates", to: "templates" },
      { from: "wsdl/manifest.json", to: "wsdl/manifest.json" },
    ],
  },
  {
    // Self-contained for now: the command line with the runtime and the default
    // release's compiled bindings beside it, in the layout its relative imports
    // expect. A later step can depend on the tsvmomi and bindings packages instead.
    dir: "packages/tsvmomi-cli",
    staged: [
      { from: "dist/cli", to: "dist/cli" },
      { from: "dist/runtime", to: "dist/runtime" },
      { from: defaultGenerated, to: defaultGenerated },
      { from: "dist/generated/default-lazy.js", to: "dist/generated/default-lazy.js" },
      { from: "dist/generated/default-lazy.d.ts", to: "dist/generated/default-lazy.d.ts" },
    ],
  },
];

function fail(msg) {
  process.stderr.write(`stage-packages: ${msg}\n`);
  process.exit(1);
}

const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;

function copyCompiled(fromDir, sourceDir, toDir, skip) {
  for (const rel of walk(fromDir)) {
    if (rel.endsWith(".map") || skip?.test(rel)) continue;
    if (!existsSync(path.join(sourceDir, rel.replace(/\.d\.ts$|\.js$/, ".ts")))) continue;
    const dest = path.join(toDir, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    const text = readFileSync(path.join(fromDir, rel), "utf8");
    writeFileSync(dest, text.replace(SOURCE_MAP_COMMENT, "\n"));
  }
}

for (const pkg of PACKAGES) {
  const pkgDir = at(pkg.dir);
  const pkgJson = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  // Build the new content beside the package, then swap each top folder in
  // whole: a failed copy leaves the previous build in place.
  const tmp = at(pkg.dir, ".staging");
  rmSync(tmp, { recursive: true, force: true });
  for (const s of pkg.staged) {
    const from = at(s.from);
    if (!existsSync(from)) fail(`${s.from} is missing (run \`tsc -p tsconfig.build.json\` first)`);
    const to = path.join(tmp, s.to);
    if (statSync(from).isDirectory()) {
      if (s.from.startsWith("dist/")) copyCompiled(from, at(s.from.slice("dist/".length)), to, s.skip);
      else cpSync(from, to, { recursive: true });
    } else {
      mkdirSync(path.dirname(to), { recursive: true });
      if (s.from.startsWith("dist/")) writeFileSync(to, readFileSync(from, "utf8").replace(SOURCE_MAP_COMMENT, "\n"));
      else cpSync(from, to);
    }
  }
  for (const top of new Set(pkg.staged.map((s) => s.to.split("/")[0]))) {
    rmSync(path.join(pkgDir, top), { recursive: true, force: true });
    renameSync(path.join(tmp, top), path.join(pkgDir, top));
  }
  rmSync(tmp, { recursive: true, force: true });
  const problems = badImports(pkgDir, pkgJson);
  if (problems.length) fail(`${pkgJson.name}: ${problems.length} bad import(s):\n  ${problems.slice(0, 20).join("\n  ")}`);
}
