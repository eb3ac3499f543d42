#!/usr/bin/env node
// Launcher for the command line. dist/cli.cjs is the whole CLI in one
// CommonJS file (scripts/lib/cli-bundle.mjs); this compiles it with V8's code
// cache, kept per user, so that a second run deserializes the code the first
// one compiled instead of parsing and compiling it again. Node 22 has a
// built-in compile cache; Node 20 has none, and on a one-shot command the
// compile is a measured share of start-up (docs/BENCHMARKS.md, CLI start-up).
//
// The cache is an optimisation only: any problem with it (no home directory,
// a read-only disk, a damaged or foreign file) means compiling as usual.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const v8 = require("node:v8");

// undici parses HTTP with llhttp compiled to WebAssembly; V8's optimising tier
// recompiles it in the background, which costs a one-shot command ~35 MB of
// peak memory and buys nothing over a few requests. The baseline tier is enough.
v8.setFlagsFromString("--liftoff-only");

const bundle = path.join(__dirname, "..", "dist", "cli.cjs");

function fail(message) {
  process.stderr.write(`tsvmomi: ${message}\n`);
  process.exit(1);
}

/** Where this user's caches go, by platform convention; undefined without a home directory. */
function cacheRoot() {
  const env = process.env;
  if (process.platform === "win32") return env.LOCALAPPDATA || undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return env.XDG_CACHE_HOME;
  const home = require("node:os").homedir();
  if (!home) return undefined;
  return process.platform === "darwin" ? path.join(home, "Library", "Caches") : path.join(home, ".cache");
}

/** The cache file for this bundle and this Node; V8 also rejects data made from other source or flags. */
function cacheFile(source) {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const root = cacheRoot();
  if (!root) return undefined;
  const stat = fs.statSync(bundle);
  const name = `cli-${process.version}-${process.arch}-${source.length}-${Math.trunc(stat.mtimeMs)}.v8cache`;
  return path.join(root, "tsvmomi", "code-cache", name);
}

/** The cached data, if the file is there and only this user can write it. */
function readCache(file) {
  try {
    const st = fs.statSync(file);
    if (process.getuid && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
    fs.renameSync(tmp, file);
  } catch {
    // An optimisation only; the next run compiles again.
  }
}

let source;
try {
  // The bundle is ASCII (the build checks), so latin1 reads it exactly and fastest.
  source = fs.readFileSync(bundle, "latin1");
} catch (err) {
  if (err?.code === "ENOENT") fail("not built yet (dist/cli.cjs is missing); run `npm run build` at the repository root");
  fail(`cannot read ${bundle}: ${err?.message}`);
}

let file;
try {
  file = cacheFile(source);
} catch {
  file = undefined;
}
const cached = file ? readCache(file) : undefined;
const mod = { exports: {} };
let script;
try {
  script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  script.runInThisContext()(mod.exports, require("node:module").createRequire(bundle), mod, bundle, path.dirname(bundle));
} catch (err) {
  fail(`cannot load the command line: ${String(err?.message || err).split("\n")[0]}`);
}

mod.exports.main(process.argv.slice(2)).then(() => {
  // After the command, so the cache holds what it compiled lazily too.
  if (file && (!cached || script.cachedDataRejected)) writeCache(file, script.createCachedData());
});
