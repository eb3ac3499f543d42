#!/usr/bin/env node
// Second half of `npm run build`: `tsc -p tsconfig.build.json` compiles every
// source folder once into dist/; this assembles each publishable package from
// that output, so the packages hold exactly what was compiled and tested:
//
//   dist/runtime/**/*.d.ts          → packages/tsvmomi/dist/, with dist/index.js
//                                     one ESM file bundled from dist/runtime/*.js
//   dist/generator/**, dist/wsdl/** → packages/tsvmomi-gen/dist/{generator,wsdl}/
//   templates/*.hbs                 → packages/tsvmomi-gen/templates/
//   wsdl/manifest.json              → packages/tsvmomi-gen/wsdl/manifest.json
//   dist/cli/** with what it imports (object/, the runtime, undici)
//                                   → packages/tsvmomi-cli/dist/cli.cjs, one CommonJS file,
//                                     with the default release's methods/*.cjs beside it
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
import { build } from "esbuild";
import { badImports, walk } from "./lib/package-imports.mjs";
import { undiciStartupPlugin } from "./lib/undici-bundle.mjs";
import { buildCliBundle } from "./lib/cli-bundle.mjs";

// The release the CLI speaks is the default one (named once, in wsdl/manifest.ts).
const defaultGenerated = `dist/generated/${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release}`;
const root = fileURLToPath(new URL("..", import.meta.url));
const at = (...p) => path.join(root, ...p);
const undiciPkg = JSON.parse(readFileSync(path.join(root, "node_modules", "undici", "package.json"), "utf8"));

const PACKAGES = [
  {
    // One module instead of ~60: Node 20 has no compile cache, and resolving,
    // reading and compiling each module file is a measured part of a one-shot
    // program's start-up (docs/BENCHMARKS.md, CLI start-up). The declarations
    // keep their per-module layout; only "." is exported, so no one imports
    // the files the bundle replaces.
    dir: "packages/tsvmomi",
    staged: [{ from: "dist/runtime", to: "dist", skip: /\.js$/ }],
    bundle: { entry: "dist/runtime/index.js", out: "dist/index.js" },
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
    // The command line: one CommonJS bundle, dist/cli.cjs, with the runtime inlined (scripts/lib/cli-bundle.mjs
    // says why), plus the default release's method modules as CommonJS files beside it.
    dir: "packages/tsvmomi-cli",
    staged: [],
    cliBundle: { methodsRel: `${defaultGenerated.slice("dist/".length)}/methods` },
  },
];

function fail(msg) {
  process.stderr.write(`stage-packages: ${msg}\n`);
  process.exit(1);
}

/**
 * esbuild escapes non-ASCII in code but keeps the comments it preserves as they are; one such character makes
 * V8 hold and scan the whole bundle as two-byte text, which costs start-up time (and the CLI's launcher reads
 * its bundle as latin1).
 */
function requireAscii(name, dir, rel) {
  const lines = readFileSync(path.join(dir, rel), "utf8").split("\n");
  const wide = lines.findIndex((line) => /[^\p{ASCII}]/u.test(line));
  if (wide >= 0) fail(`${name}: ${rel} line ${wide + 1} has a non-ASCII character (write it as ASCII in the source comment): ${lines[wide].trim().slice(0, 120)}`);
}

/** undici's licence beside a bundle that inlines it. */
function writeNotices(dir, bundleName) {
  const licence = readFileSync(at("node_modules/undici/LICENSE"), "utf8").trim();
  writeFileSync(path.join(dir, "THIRD-PARTY-NOTICES.md"), `# Third-party code in ${bundleName}\n\n## undici ${undiciPkg.version}\n\n${undiciPkg.homepage ?? ""}\n\n\`\`\`\n${licence}\n\`\`\`\n`);
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
  if (pkg.bundle) {
    const undici = undiciStartupPlugin();
    const { errors, warnings } = await build({
      entryPoints: [at(pkg.bundle.entry)],
      outfile: path.join(tmp, pkg.bundle.out),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // undici's files are inlined too (scripts/lib/undici-bundle.mjs says what changes and why); they are
      // CommonJS, so the bundle gets a `require` for the Node builtins they load.
      plugins: [undici.plugin],
      legalComments: "none",
      logLevel: "silent",
      banner: {
        js: [
          `// ${pkgJson.name} ${pkgJson.version}: the runtime's modules and the undici files it uses, bundled into one file by scripts/stage-packages.mjs.`,
          `// undici ${undiciPkg.version} is MIT licensed; see THIRD-PARTY-NOTICES.md beside this file.`,
          `import { createRequire as __tsvmomiCreateRequire } from "node:module";`,
          `const require = __tsvmomiCreateRequire(import.meta.url);`,
        ].join("\n"),
      },
    }).catch((err) => ({ errors: err.errors ?? [{ text: err.message }], warnings: err.warnings ?? [] }));
    if (errors.length || warnings.length) fail(`${pkgJson.name}: bundling ${pkg.bundle.entry}: ${[...errors, ...warnings].map((m) => m.text).join("; ")}`);
    try {
      undici.check();
    } catch (err) {
      fail(`${pkgJson.name}: ${err.message}`);
    }
    requireAscii(pkgJson.name, tmp, pkg.bundle.out);
    writeNotices(path.join(tmp, path.dirname(pkg.bundle.out)), path.basename(pkg.bundle.out));
  }
  if (pkg.cliBundle) {
    const banner = `// ${pkgJson.name} ${pkgJson.version}: the command line, the runtime and the undici files it uses in one CommonJS file (scripts/lib/cli-bundle.mjs). undici ${undiciPkg.version} is MIT licensed; see THIRD-PARTY-NOTICES.md beside this file.`;
    let warnings;
    try {
      warnings = await buildCliBundle({ distDir: at("dist"), outDir: path.join(tmp, "dist"), methodsRel: pkg.cliBundle.methodsRel, banner });
    } catch (err) {
      fail(`${pkgJson.name}: bundling dist/cli/main.js: ${(err.errors ?? []).map((m) => m.text).join("; ") || err.message}`);
    }
    if (warnings.length) fail(`${pkgJson.name}: bundling dist/cli/main.js: ${warnings.map((m) => m.text).join("; ")}`);
    requireAscii(pkgJson.name, tmp, "dist/cli.cjs");
    writeNotices(path.join(tmp, "dist"), "cli.cjs");
  }
  for (const top of new Set([...pkg.staged.map((s) => s.to.split("/")[0]), ...(pkg.cliBundle ? ["dist"] : [])])) {
    rmSync(path.join(pkgDir, top), { recursive: true, force: true });
    renameSync(path.join(tmp, top), path.join(pkgDir, top));
  }
  rmSync(tmp, { recursive: true, force: true });
  const problems = badImports(pkgDir, pkgJson);
  if (problems.length) fail(`${pkgJson.name}: ${problems.length} bad import(s):\n  ${problems.slice(0, 20).join("\n  ")}`);
}
