/**
 * Locates the repository from either the TypeScript source or its compiled
 * copy under dist/, so the bench finds scripts/, test/vcsim/bin and bench/bin
 * whichever way it is run.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scripts"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: cannot find the repository root (package.json + scripts/) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const repoRoot = findRoot();
export const repoPath = (...parts: string[]): string => join(repoRoot, ...parts);
/** Compiled bench modules live here (the runner itself runs from dist/). */
export const distBench = (...parts: string[]): string => join(repoRoot, "dist", "bench", ...parts);
