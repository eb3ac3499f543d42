import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding the generator's data (wsdl/manifest.json, package.json):
 * the nearest package.json above this module, found by walking up rather than
 * by a fixed number of `..`. That is the repo root when running from `wsdl/`
 * (vitest) or `dist/wsdl/`, and the package root when running from
 * packages/tsvmomi-gen/dist/wsdl/ or an installed tsvmomi-gen.
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
  return path.resolve(checkoutRoot(), "..", "shared");
}

/**
 * `../shared` sits beside the checkout, not beside packages/tsvmomi-gen: the
 * nearest folder at or above repoRoot() whose package.json declares
 * workspaces, else repoRoot() itself. An installed generator (under
 * node_modules/) has no checkout; there `../shared` is beside the current
 * folder, the user's project.
 */
function checkoutRoot(): string {
  const start = repoRoot();
  if (start.split(path.sep).includes("node_modules")) return process.cwd();
  for (let dir = start; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file) && declaresWorkspaces(file)) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

function declaresWorkspaces(file: string): boolean {
  try {
    return "workspaces" in (JSON.parse(readFileSync(file, "utf8")) as object);
  } catch {
    return false; // an unreadable package.json up the tree is not ours to judge
  }
}
