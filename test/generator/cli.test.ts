/**
 * The CLI as a user meets it: the built packages/tsvmomi-gen/bin/tsvmomi-gen.js in a child process.
 * Mistakes must end in one line on stderr and a non-zero exit, never a stack.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../wsdl/paths.js";

const root = repoRoot();
const bin = path.join(root, "packages", "tsvmomi-gen", "bin", "tsvmomi-gen.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : e.name.endsWith(".ts") ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** `npm test` builds first; a lone `vitest run` of this file may find the package's dist/ stale. */
async function ensureBuilt(): Promise<void> {
  const built = path.join(root, "packages", "tsvmomi-gen", "dist", "generator", "cli", "main.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(path.join(root, "generator"))) return;
  // tsc exits non-zero on type errors elsewhere in the tree but still emits; the run below is what matters.
  await promisify(execFile)(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root }).catch(() => {});
  await promisify(execFile)(process.execPath, [path.join(root, "scripts", "stage-packages.mjs")], { cwd: root });
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsvmomi-gen: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("CLI mistakes", () => {
  let work: string;
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    await ensureBuilt();
    work = mkdtempSync(path.join(tmpdir(), "tsvmomi-cli-"));
    server = http.createServer((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("<html>no</html>"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("unknown release: names it and lists the known ones", async () => {
    const r = await cli(["diff", "7.0.3", "7.0.99", "-q"]);
    expectOneLineError(r, /unknown vim25 release "7\.0\.99"; known vim25 releases: .*\b7\.0\.3\b/);
  });

  it("unwritable output directory: fails before doing the work", async () => {
    const file = path.join(work, "a-file");
    writeFileSync(file, "");
    const r = await cli(["pack", "--release", "7.0.3", "--no-vmodl", "--out", path.join(file, "pkg"), "-q"]);
    expectOneLineError(r, /--out .*a-file.pkg is not writable: .*a-file is not a directory/);
  });

  it("endpoint that does not serve WSDL", async () => {
    const r = await cli(["fetch-wsdl", "--url", `${origin}/sdk`, "--out", path.join(work, "bundle"), "-q"]);
    expectOneLineError(r, /endpoint does not serve WSDL: GET .*\/sdk\/vimService\.wsdl answered HTTP 404/);
    expect(existsSync(path.join(work, "bundle"))).toBe(false);
  });
});

describe("the bin shim", () => {
  beforeAll(ensureBuilt, 120_000);

  it("--version prints the tsvmomi-gen package's version", async () => {
    const r = await cli(["--version"]);
    const pkg = JSON.parse(readFileSync(path.join(root, "packages", "tsvmomi-gen", "package.json"), "utf8")) as { version: string };
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("without a build: one line saying to build, non-zero exit", async () => {
    // A copy of the shim with no dist/ beside it is what a fresh clone holds before `npm run build`.
    const fresh = mkdtempSync(path.join(tmpdir(), "tsvmomi-unbuilt-"));
    try {
      mkdirSync(path.join(fresh, "bin"));
      copyFileSync(bin, path.join(fresh, "bin", "tsvmomi-gen.js"));
      writeFileSync(path.join(fresh, "package.json"), JSON.stringify({ type: "module" }));
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        execFile(process.execPath, [path.join(fresh, "bin", "tsvmomi-gen.js"), "--help"], (err, _stdout, stderr) =>
          err && typeof err.code !== "number" ? reject(err) : resolve({ code: err ? (err.code as number) : 0, stderr }),
        );
      });
      expectOneLineError(r, /not built yet .*run `npm run build`/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
