/**
 * Facts the generator reads from package.json files instead of restating them:
 * its own version (`--version`, the default version of a bindings package) and
 * the runtime package's name, version and engines (a bindings package's peer
 * range and `engines`). Each fact lives in exactly one package.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const GENERATOR_PACKAGE = "tsvmomi-gen";
/** The runtime every bindings package imports its shared shapes from. */
export const RUNTIME_PACKAGE = "tsvmomi";

export interface PackageFacts {
  name: string;
  version: string;
  /** `engines.node`, e.g. ">=20.19". */
  node: string;
  /** The folder holding the package.json. */
  dir: string;
}

function readFacts(file: string): PackageFacts {
  let json: { name?: unknown; version?: unknown; engines?: { node?: unknown } };
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read package.json (${(err as Error).message})`);
  }
  const { name, version } = json;
  const node = json.engines?.node;
  if (typeof name !== "string" || typeof version !== "string" || typeof node !== "string") {
    throw new Error(`${file}: expected string "name", "version" and "engines.node"`);
  }
  return { name, version, node, dir: path.dirname(file) };
}

/**
 * tsvmomi-gen's package.json: the installed package's own, or
 * packages/tsvmomi-gen/package.json when running from a checkout (from the
 * sources, from dist/ or from packages/tsvmomi-gen/dist/ alike).
 */
function generatorPackageJson(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, "package.json"), path.join(dir, "packages", GENERATOR_PACKAGE, "package.json")]) {
      if (existsSync(candidate) && readFacts(candidate).name === GENERATOR_PACKAGE) return candidate;
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find ${GENERATOR_PACKAGE}'s package.json above ${start}`);
  }
}

let generatorCache: PackageFacts | undefined;
let runtimeCache: PackageFacts | undefined;

export function generatorPackage(): PackageFacts {
  generatorCache ??= readFacts(generatorPackageJson());
  return generatorCache;
}

/**
 * The runtime package as Node resolves it from here: tsvmomi-gen's own
 * dependency when installed, the workspace link (packages/tsvmomi) in a checkout.
 */
export function runtimePackage(): PackageFacts {
  if (runtimeCache) return runtimeCache;
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(`${RUNTIME_PACKAGE}/package.json`);
  } catch {
    throw new Error(`cannot find the ${RUNTIME_PACKAGE} package (a dependency of ${GENERATOR_PACKAGE}); reinstall ${GENERATOR_PACKAGE}, or run \`npm ci\` in a checkout`);
  }
  runtimeCache = readFacts(file);
  return runtimeCache;
}

/**
 * The peer range a bindings package declares on the runtime it was generated
 * against: a caret range, so a 0.x runtime admits its patch releases only, as
 * semver reads 0.x minors as breaking.
 */
export function runtimePeerRange(version: string = runtimePackage().version): string {
  return `^${version}`;
}
