#!/usr/bin/env node
// `npm run pack:all [-- --out DIR]`: every publishable tarball into one folder
// (default .tmp/packages/), each checked by publint and by attw (ESM profile):
//
//   tsvmomi-<v>.tgz                 the runtime       (packages/tsvmomi)
//   tsvmomi-gen-<v>.tgz             the generator     (packages/tsvmomi-gen)
//   tsvmomi-cli-<v>.tgz             the command line  (packages/tsvmomi-cli)
//   tsvmomi-vim25-<rel>-<v>.tgz     the default release's bindings, made by `tsvmomi-gen pack`
//
// Runs after `npm run build` (the npm script does both). Writes pack-all.json
// beside the tarballs: name, version, file, sizes and the lint results of each.
// Exits non-zero, naming the package and the problem, if any check fails.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const attwBin = path.join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
const genBin = path.join(root, "packages", "tsvmomi-gen", "bin", "tsvmomi-gen.js");

function fail(msg) {
  process.stderr.write(`pack:all: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { out: path.join(root, ".tmp", "packages") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" && argv[i + 1]) opts.out = path.resolve(argv[++i]);
    else if (a.startsWith("--out=")) opts.out = path.resolve(a.slice(6));
    else fail(`unknown argument ${JSON.stringify(a)} (expected --out DIR)`);
  }
  return opts;
}

async function exec(cmd, args, what, options = {}) {
  try {
    return await run(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (err) {
    const detail = `${err.stderr ?? ""}${err.stdout ?? ""}`.trim().split("\n").slice(-15).join("\n  ");
    fail(`${what} failed (exit ${err.code ?? "?"}):\n  ${detail || err.message}`);
  }
}

async function npmPack(dir, dest) {
  const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dest], `npm pack in ${dir}`, { cwd: dir });
  const [info] = JSON.parse(stdout);
  return { file: info.filename, size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount };
}

async function lintPublint(tarball) {
  const bytes = readFileSync(tarball);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({ pkgDir: "package", pack: { tarball: ab }, level: "suggestion", strict: true });
  return messages.map((m) => ({ type: m.type, code: m.code, text: formatMessage(m, pkg, { color: false }) ?? m.code }));
}

async function lintAttw(tarball) {
  // --no-definitely-typed: judge the package's own types, offline.
  const args = [attwBin, tarball, "--profile", "esm-only", "--format", "json", "--no-definitely-typed"];
  let stdout;
  try {
    ({ stdout } = await run(process.execPath, args, { maxBuffer: 256 * 1024 * 1024 }));
  } catch (err) {
    // attw exits 1 when it finds problems and still prints its JSON report.
    stdout = err.stdout;
    if (!stdout) fail(`attw ${path.basename(tarball)} failed: ${(err.stderr || err.message).split("\n")[0]}`);
  }
  const report = JSON.parse(stdout);
  const problems = (report.analysis?.problems ?? []).filter((p) => !p.resolutionKind || !IGNORED_RESOLUTIONS.has(p.resolutionKind));
  return { entrypoints: Object.keys(report.analysis?.entrypoints ?? {}), problems: problems.map((p) => `${p.kind}${p.entrypoint ? ` at ${p.entrypoint}` : ""}${p.resolutionKind ? ` (${p.resolutionKind})` : ""}`) };
}

// What attw's esm-only profile leaves out (its JSON report still lists them): the
// packages are ESM for Node >= 20.19, so neither `require` nor pre-exports
// (node10) resolution is a target.
const IGNORED_RESOLUTIONS = new Set(["node10", "node16-cjs"]);

const opts = parseArgs(process.argv.slice(2));
// Only what this script writes is replaced: --out may name a folder that holds other files.
mkdirSync(opts.out, { recursive: true });
for (const f of readdirSync(opts.out)) if (f.endsWith(".tgz") || f === "pack-all.json") rmSync(path.join(opts.out, f));
const work = path.join(opts.out, ".bindings");
rmSync(work, { recursive: true, force: true });
mkdirSync(work);

const results = [];
for (const dir of ["packages/tsvmomi", "packages/tsvmomi-gen", "packages/tsvmomi-cli"]) {
  const pkg = JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8"));
  process.stderr.write(`… npm pack ${pkg.name}\n`);
  results.push({ name: pkg.name, version: pkg.version, ...(await npmPack(path.join(root, dir), opts.out)) });
}

// The bindings: the generator's own `pack` command, as a user would run it; its
// built-in publint pass is repeated below with the others, so it is skipped here.
process.stderr.write("… tsvmomi-gen pack (default release)\n");
const { stdout: packOut } = await exec(process.execPath, [genBin, "pack", "--out", work, "--no-lint", "--quiet"], "tsvmomi-gen pack");
const tgzLine = packOut.match(/tarball\s+(\S+\.tgz)/);
if (!tgzLine) fail(`tsvmomi-gen pack printed no tarball line:\n${packOut}`);
const bindingsTgz = path.basename(tgzLine[1]);
renameSync(path.join(work, bindingsTgz), path.join(opts.out, bindingsTgz));
const nameLine = packOut.split("\n")[0].trim();
const at = nameLine.lastIndexOf("@");
results.push({ name: nameLine.slice(0, at), version: nameLine.slice(at + 1), file: bindingsTgz, size: statSync(path.join(opts.out, bindingsTgz)).size });
rmSync(work, { recursive: true, force: true });

let failed = 0;
for (const r of results) {
  const tarball = path.join(opts.out, r.file);
  process.stderr.write(`… publint + attw ${r.file}\n`);
  r.publint = await lintPublint(tarball);
  r.attw = await lintAttw(tarball);
  const bad = [...r.publint.filter((m) => m.type !== "suggestion").map((m) => `publint ${m.type}: ${m.text}`), ...r.attw.problems.map((p) => `attw: ${p}`)];
  const notes = r.publint.filter((m) => m.type === "suggestion").map((m) => `publint suggestion: ${m.text}`);
  process.stdout.write(`${r.file}  ${(r.size / 1024).toFixed(1)} KiB  attw entrypoints: ${r.attw.entrypoints.join(" ")}\n`);
  for (const line of [...bad, ...notes]) process.stdout.write(`  ${line}\n`);
  if (bad.length) failed++;
}
writeFileSync(path.join(opts.out, "pack-all.json"), `${JSON.stringify({ packages: results }, null, 2)}\n`);
if (failed) fail(`${failed} package(s) failed publint or attw (see above)`);
process.stdout.write(`${results.length} tarballs in ${path.relative(process.cwd(), opts.out) || "."}\n`);
