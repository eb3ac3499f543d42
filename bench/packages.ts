/**
 * What a user installs and ships: `npm run pack:all`'s tarballs, each installed
 * alone into a fresh project (npm cache first), with node_modules' size and
 * package count; then esbuild bundles of a small consumer of the installed
 * runtime and bindings (connect + retrieve).
 *
 *   npm run build && node dist/bench/packages.js
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { repoRoot } from "../wsdl/paths.js";

const run = promisify(execFile);

interface Packed {
  name: string;
  version: string;
  file: string;
  size: number;
}

/** Bytes of every file under `dir` (apparent size, as `du -sb`), and how many package.json files name a package. */
function treeSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const s = treeSize(p);
      bytes += s.bytes;
      files += s.files;
    } else if (e.isFile()) {
      bytes += statSync(p).size;
      files++;
    }
  }
  return { bytes, files };
}

async function install(work: string, label: string, tarballs: string[]): Promise<{ dir: string; packages: number; bytes: number; files: number }> {
  const dir = path.join(work, label);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `bench-${label}`, private: true, type: "module" }));
  await run("npm", ["install", ...tarballs, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  const { stdout } = await run("npm", ["ls", "--all", "--parseable"], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  // The first line is the project itself; each further line is one installed package.
  const packages = stdout.trim().split("\n").length - 1;
  return { dir, packages, ...treeSize(path.join(dir, "node_modules")) };
}

const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
const kib = (n: number) => (n / 1024).toFixed(1);

async function main(): Promise<void> {
  const root = repoRoot();
  const work = mkdtempSync(path.join(tmpdir(), "tsvmomi-bench-pkgs-"));
  try {
    const out = path.join(work, "tarballs");
    await run(process.execPath, [path.join(root, "scripts", "pack-all.mjs"), "--out", out], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const packed = (JSON.parse(readFileSync(path.join(out, "pack-all.json"), "utf8")) as { packages: Packed[] }).packages;
    // By name, not position: pack-all's list grows (the command line joined it).
    const named = (test: (name: string) => boolean, what: string): Packed => {
      const p = packed.find((x) => test(x.name));
      if (!p) throw new Error(`bench/packages: pack-all wrote no ${what} tarball (got ${packed.map((x) => x.name).join(", ")})`);
      return p;
    };
    const runtime = named((n) => n === "tsvmomi", "runtime");
    const gen = named((n) => n === "tsvmomi-gen", "generator");
    const bindings = named((n) => n.startsWith("@tsvmomi/"), "bindings");
    const tgz = (p: Packed) => path.join(out, p.file);

    const rows: string[] = ["| install | tarball KiB | node_modules MiB | files | packages |", "|---|--:|--:|--:|--:|"];
    const installs = [
      { label: "runtime", what: `${runtime.name}`, tarballs: [tgz(runtime)], size: runtime.size },
      { label: "runtime+bindings", what: `${runtime.name} + ${bindings.name}`, tarballs: [tgz(runtime), tgz(bindings)], size: runtime.size + bindings.size },
      { label: "generator", what: `${gen.name} (brings ${runtime.name})`, tarballs: [tgz(gen), tgz(runtime)], size: gen.size + runtime.size },
    ];
    let consumerDir = "";
    for (const i of installs) {
      const r = await install(work, i.label, i.tarballs);
      if (i.label === "runtime+bindings") consumerDir = r.dir;
      rows.push(`| ${i.what} | ${kib(i.size)} | ${mib(r.bytes)} | ${r.files} | ${r.packages} |`);
    }

    // A small consumer: connect, retrieve two properties of every VM.
    const entry = path.join(consumerDir, "consumer.mjs");
    writeFileSync(
      entry,
      `import { connect, retrieve } from "tsvmomi";
import { schemas } from "${bindings.name}";
const client = await connect({ url: process.env.URL, bindings: schemas, username: "u", password: "p", thumbprint: process.env.THUMBPRINT });
console.log(await retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["name", "summary.runtime.powerState"]));
`,
    );
    const bundleRows = ["| bundle (esbuild, ESM, minify, platform node) | min KiB | gzip KiB |", "|---|--:|--:|"];
    // The runtime's bundle carries the undici files it uses (scripts/lib/undici-bundle.mjs), so an app's bundle
    // is the same whether or not it marks undici external; one row.
    for (const label of ["connect + retrieve (the runtime inlines its undici)"]) {
      const r = await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", minify: true, write: false, logLevel: "silent", absWorkingDir: consumerDir });
      const bytes = r.outputFiles[0]!.contents;
      bundleRows.push(`| ${label} | ${kib(bytes.length)} | ${kib(gzipSync(bytes).length)} |`);
    }
    const esbuildVersion = (JSON.parse(readFileSync(path.join(root, "node_modules", "esbuild", "package.json"), "utf8")) as { version: string }).version;
    console.log(
      [
        `npm run pack:all tarballs, each installed alone into a fresh project (npm ${(await run("npm", ["--version"])).stdout.trim()}); esbuild ${esbuildVersion}`,
        ...rows,
        "",
        ...bundleRows,
      ].join("\n"),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench/packages: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
