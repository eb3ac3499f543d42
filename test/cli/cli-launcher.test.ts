// The package's launcher without a build: one line saying what to do, exit 1,
// never a module-not-found stack trace.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

it("an unbuilt tsvmomi prints one line and exits 1", () => {
  const pkg = mkdtempSync(join(tmpdir(), "tsvmomi-cli-unbuilt-"));
  mkdirSync(join(pkg, "bin"));
  copyFileSync(fileURLToPath(new URL("../../packages/tsvmomi-cli/bin/tsvmomi.js", import.meta.url)), join(pkg, "bin", "tsvmomi.js"));
  const r = spawnSync(process.execPath, [join(pkg, "bin", "tsvmomi.js"), "ls"], { encoding: "utf8" });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe("tsvmomi: not built yet (dist/cli/main.js is missing); run `npm run build` at the repository root\n");
});
