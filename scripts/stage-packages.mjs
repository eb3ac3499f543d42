#!/usr/bin/env node
// Second half of `npm run build`: `tsc -p tsconfig.build.json` compiles every
// source folder once into dist/; this assembles each publishable package from
// that output, so the packages hold exactly what was compiled and tested:
//
//   dist/runtime/**                 → packages/tsvmomi/dist/
//   dist/generator/**, dist/wsdl/** → packages/tsvmomi-gen/dist/{generator,wsdl}/
//   templates/*.hbs                 → packages/tsvmomi-gen/templates/
//   wsdl/manifest.json              → packages/tsvmomi-gen/wsdl/manifest.json
//
// Source maps stay in the repo's dist/ (their paths point at the repo's
// sources, which the packages do not ship). Every import in a staged file is
// then checked: a relative one must land inside its package, a bare one must
// be a Node builtin or a declared dependency. A runtime module that reached
// into generator/ or imported fast-xml-parser fails the build here, not in a
// user's install.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

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
];

function fail(msg) {
  process.stderr.write(`stage-packages: ${msg}\n`);
  process.exit(1);
}

/** Files under `dir`, relative, sorted (deterministic output). */
function walk(dir, rel = "") {
  const out = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=\S+\s*$/;

function copyCompiled(fromDir, toDir, skip) {
  for (const rel of walk(fromDir)) {
    if (rel.endsWith(".map") || skip?.test(rel)) continue;
    const dest = path.join(toDir, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    const text = readFileSync(path.join(fromDir, rel), "utf8");
    writeFileSync(dest, text.replace(SOURCE_MAP_COMMENT, "\n"));
  }
}

const BUILTINS = new Set(builtinModules);

function checkImports(pkgDir, pkgJson) {
  const allowed = new Set([...Object.keys(pkgJson.dependencies ?? {}), ...Object.keys(pkgJson.peerDependencies ?? {})]);
  const problems = [];
  for (const rel of walk(pkgDir).filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    const text = readFileSync(path.join(pkgDir, rel), "utf8");
    // TypeScript's own scanner: skips comments and strings (the emitter holds import lines in template strings).
    const { importedFiles, referencedFiles } = ts.preProcessFile(text, true, true);
    for (const spec of [...importedFiles, ...referencedFiles].map((f) => f.fileName)) {
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(path.join(pkgDir, rel)), spec);
        const inside = target.startsWith(pkgDir + path.sep);
        const candidates = rel.endsWith(".d.ts") ? [target, target.replace(/\.js$/, ".d.ts")] : [target];
        if (!inside || !candidates.some((c) => existsSync(c))) problems.push(`${rel}: "${spec}" is not a file inside the package`);
        continue;
      }
      if (spec.startsWith("node:") || BUILTINS.has(spec)) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (!allowed.has(name)) problems.push(`${rel}: imports "${spec}", which ${pkgJson.name}'s package.json does not declare`);
    }
  }
  if (problems.length) fail(`${pkgJson.name}: ${problems.length} bad import(s):\n  ${problems.slice(0, 20).join("\n  ")}`);
}

for (const pkg of PACKAGES) {
  const pkgDir = at(pkg.dir);
  const pkgJson = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  // Build the new content beside the package, then swap it in: an interrupted
  // build never leaves a package half old, half new.
  const tmp = at(pkg.dir, ".staging");
  rmSync(tmp, { recursive: true, force: true });
  for (const s of pkg.staged) {
    const from = at(s.from);
    if (!existsSync(from)) fail(`${s.from} is missing (run \`tsc -p tsconfig.build.json\` first)`);
    const to = path.join(tmp, s.to);
    if (statSync(from).isDirectory()) {
      if (s.from.startsWith("dist/")) copyCompiled(from, to, s.skip);
      else cpSync(from, to, { recursive: true });
    } else {
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to);
    }
  }
  for (const top of new Set(pkg.staged.map((s) => s.to.split("/")[0]))) {
    rmSync(path.join(pkgDir, top), { recursive: true, force: true });
    renameSync(path.join(tmp, top), path.join(pkgDir, top));
  }
  rmSync(tmp, { recursive: true, force: true });
  checkImports(pkgDir, pkgJson);
}
