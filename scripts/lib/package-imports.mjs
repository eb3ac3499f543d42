// The import check `npm run build` runs on each staged package: a relative
// import must land on a file inside the package, a bare one must be a Node
// builtin or a declared dependency (or peer). Specifiers are read with
// TypeScript's own scanner, so comments and strings (the emitter holds import
// lines in template strings) are not mistaken for imports.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

const BUILTINS = new Set(builtinModules);

/** Files under `dir`, relative, sorted; skips node_modules and dot-folders. */
export function walk(dir, rel = "") {
  const out = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

/** One line per bad import in the package folder `pkgDir` (whose package.json is `pkgJson`); empty when all are fine. */
export function badImports(pkgDir, pkgJson) {
  const allowed = new Set([...Object.keys(pkgJson.dependencies ?? {}), ...Object.keys(pkgJson.peerDependencies ?? {})]);
  const problems = [];
  for (const rel of walk(pkgDir).filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    const text = readFileSync(path.join(pkgDir, rel), "utf8");
    const { importedFiles, referencedFiles } = ts.preProcessFile(text, true, true);
    for (const spec of [...importedFiles, ...referencedFiles].map((f) => f.fileName)) {
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(path.join(pkgDir, rel)), spec);
        const inside = target.startsWith(pkgDir + path.sep);
        const candidates = rel.endsWith(".d.ts") ? [target, target.replace(/\.js$/, ".d.ts")] : [target];
        if (!inside || !candidates.some((c) => existsSync(c))) problems.push(`${rel}: "${spec}" is not a file inside the package`);
        continue;
      }
      if (spec.startsWith("node:") || BUILTINS.has(spec)) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (!allowed.has(name)) problems.push(`${rel}: imports "${spec}", which ${pkgJson.name}'s package.json does not declare`);
    }
  }
  return problems;
}
