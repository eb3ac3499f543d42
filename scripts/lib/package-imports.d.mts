/** Files under `dir`, relative, sorted; skips node_modules and dot-folders. */
export function walk(dir: string, rel?: string): string[];
/** One line per bad import in the package folder `pkgDir` (whose package.json is `pkgJson`); empty when all are fine. */
export function badImports(
  pkgDir: string,
  pkgJson: { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> },
): string[];
