// The published runtime is one esbuild bundle that inlines the undici files it
// uses, with three of undici's imports replaced so that a program does not load
// node:assert, node:http and node:http2 at start-up (scripts/lib/undici-bundle.mjs).
// These check the staged bundle (`npm run build` writes it) and the plugin's
// own guard against an undici whose layout no longer matches.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { undiciStartupPlugin } from "../../scripts/lib/undici-bundle.mjs";

const repo = path.resolve(import.meta.dirname, "../..");
const bundle = path.join(repo, "packages", "tsvmomi", "dist", "index.js");

/** The Node builtins a fresh process has loaded after importing the bundle. */
function builtinsAfterImport(env: NodeJS.ProcessEnv = {}): string[] {
  const script = `await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13))));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, ...env }, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

describe("the staged runtime bundle", () => {
  it("is one ASCII module with undici inlined, and ships undici's licence", () => {
    expect(existsSync(bundle), "run `npm run build` first").toBe(true);
    const text = readFileSync(bundle, "utf8");
    expect(/[^\p{ASCII}]/u.test(text)).toBe(false);
    expect(text).not.toMatch(/(?:require|import)\(?\s*["']undici/);
    const notices = readFileSync(path.join(path.dirname(bundle), "THIRD-PARTY-NOTICES.md"), "utf8");
    expect(notices).toMatch(/## undici \d+\.\d+\.\d+/);
    expect(notices).toMatch(/MIT License/);
  });

  it("loads neither node:http, node:http2 nor node:assert at import", () => {
    const loaded = builtinsAfterImport();
    expect(loaded).toContain("tls");
    expect(loaded.filter((m) => /^(http|http2|_http_client|assert)$/.test(m))).toEqual([]);
  });

  it("lets --max-http-header-size reach undici through the real node:http", () => {
    expect(builtinsAfterImport({ NODE_OPTIONS: "--max-http-header-size=32768" })).toContain("http");
  });
});

describe("undiciStartupPlugin", () => {
  it("fails the build's check, naming each replacement that no longer applies", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tsvmomi-undici-bundle-"));
    try {
      const lib = path.join(dir, "node_modules", "undici", "lib");
      mkdirSync(lib, { recursive: true });
      // An undici that still imports node:assert but has dropped node:http and its HTTP/2 client.
      writeFileSync(path.join(lib, "client.js"), `const assert = require("node:assert");\nassert(true);\nmodule.exports = 1;\n`);
      writeFileSync(path.join(dir, "entry.js"), `import x from "./node_modules/undici/lib/client.js";\nexport default x;\n`);
      const undici = undiciStartupPlugin();
      const out = await build({ entryPoints: [path.join(dir, "entry.js")], bundle: true, write: false, platform: "node", format: "esm", plugins: [undici.plugin], logLevel: "silent" });
      expect(out.outputFiles[0]!.text).toContain("if (!value)");
      expect(() => undici.check()).toThrow(/undici no longer imports node:http, \.\/client-h2\.js where the bundle expects it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
