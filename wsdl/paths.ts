import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repo root is found by walking up to package.json rather than by a fixed
 * number of `..`, because this module runs both from `wsdl/` (vitest, tsx)
 * and from `dist/wsdl/` after `npm run build`.
 */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repo root (no package.json above ${fileURLToPath(import.meta.url)})`);
    dir = parent;
  }
}

/**
 * Third-party data (VMware's WSDL, rbvmomi's vmodl.db) is never copied into
 * the repo; it sits beside it in `../shared`. CI and other checkouts may keep
 * it elsewhere, hence `TSVMOMI_SHARED`.
 */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TSVMOMI_SHARED;
  if (override !== undefined && override !== "") return path.resolve(override);
  return path.resolve(repoRoot(), "..", "shared");
}
