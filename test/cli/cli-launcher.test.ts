// The package's launcher (packages/tsvmomi-cli/bin/tsvmomi.cjs): without a
// build it prints one line and exits 1, never a module-not-found stack trace;
// built, it keeps V8's code cache per user, 0600 in a 0700 folder, and falls
// back to compiling when the cache is absent, damaged, foreign or turned off.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const launcher = fileURLToPath(new URL("../../packages/tsvmomi-cli/bin/tsvmomi.cjs", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "tsvmomi-cli-launcher-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("an unbuilt tsvmomi prints one line and exits 1", () => {
  const pkg = join(scratch, "unbuilt");
  mkdirSync(join(pkg, "bin"), { recursive: true });
  copyFileSync(launcher, join(pkg, "bin", "tsvmomi.cjs"));
  const r = spawnSync(process.execPath, [join(pkg, "bin", "tsvmomi.cjs"), "ls"], { encoding: "utf8" });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe("tsvmomi: not built yet (dist/cli.cjs is missing); run `npm run build` at the repository root\n");
});

describe("the launcher's code cache", () => {
  const cacheHome = join(scratch, "cache");
  const run = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [launcher, "--version"], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: "", ...env } });
  const files = () => {
    try {
      return readdirSync(join(cacheHome, "tsvmomi", "code-cache")).filter((f) => f.endsWith(".v8cache"));
    } catch {
      return [];
    }
  };

  it("is written after the first run, 0600 in a 0700 folder, and used by the next", () => {
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(files()).toHaveLength(1);
    const file = join(cacheHome, "tsvmomi", "code-cache", files()[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(cacheHome, "tsvmomi", "code-cache")).mode & 0o777).toBe(0o700);
    const written = statSync(file).mtimeMs;
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // Accepted, so not rewritten.
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it("a damaged cache is rejected by V8 and replaced; a file others may write is not read", () => {
    const file = join(cacheHome, "tsvmomi", "code-cache", files()[0]!);
    writeFileSync(file, Buffer.from("not V8 code cache data"), { mode: 0o600 });
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(statSync(file).size).toBeGreaterThan(1000);
    chmodSync(file, 0o666);
    const loose = run();
    expect(loose.status, loose.stderr).toBe(0);
    // Not read, and replaced by a private one.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("NODE_DISABLE_COMPILE_CACHE turns it off", () => {
    rmSync(join(cacheHome, "tsvmomi"), { recursive: true, force: true });
    const r = run({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(r.status, r.stderr).toBe(0);
    expect(files()).toEqual([]);
  });
});
