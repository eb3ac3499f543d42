/**
 * The property paths of a managed type, for checking `get` and `watch`
 * arguments before anything is sent ("did you mean").
 *
 * The bindings carry these paths as types only (paths/<Type>.ts, one flat
 * interface per managed type extending its base's), so this reads the keys
 * of that interface from the generated source (or its .d.ts next to the
 * compiled JavaScript). Only the files of the types a command touches are
 * read. When the bindings ship the path list as a value, read that instead.
 */
import { readFile } from "node:fs/promises";
import { closest } from "./args.js";
import { pathsDir } from "./bindings.js";

/** The generator stops descending at this depth (generator/emit/paths.ts); deeper paths cannot be checked here. */
const DEPTH_CAP = 4;

interface PathFile {
  readonly base: string | undefined;
  readonly keys: readonly string[];
}

const files = new Map<string, Promise<PathFile | undefined>>();

async function readPathFile(type: string): Promise<PathFile | undefined> {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(type)) return undefined;
  for (const ext of [".ts", ".d.ts"]) {
    let text: string;
    try {
      text = await readFile(new URL(`${type}${ext}`, pathsDir), "utf8");
    } catch {
      continue;
    }
    const head = new RegExp(`interface ${type}Paths(?: extends (\\w+)Paths)? \\{`).exec(text);
    if (!head) return undefined;
    const keys: string[] = [];
    const body = text.slice(head.index + head[0].length, text.indexOf("\n}", head.index));
    for (const m of body.matchAll(/^\s+"([^"]+)"\??:/gm)) keys.push(m[1]!);
    return { base: head[1], keys };
  }
  return undefined;
}

/** Every path of `type` (its own and its bases'), or undefined when the bindings have no path map for it. */
export async function knownPaths(type: string): Promise<string[] | undefined> {
  const out: string[] = [];
  let found = false;
  for (let t: string | undefined = type, guard = 0; t && guard < 16; guard++) {
    let p = files.get(t);
    if (!p) {
      p = readPathFile(t);
      files.set(t, p);
    }
    const file = await p;
    if (!file) break;
    found = true;
    out.push(...file.keys);
    t = file.base;
  }
  return found ? out : undefined;
}

export interface PathProblem {
  readonly path: string;
  readonly type: string;
  readonly suggestion: string | undefined;
}

/** The first path that `type` does not have, with the nearest one that it does. */
export async function checkPaths(type: string, paths: readonly string[]): Promise<PathProblem | undefined> {
  const known = await knownPaths(type);
  if (!known) return undefined; // nothing to check against: let the server decide
  const set = new Set(known);
  for (const path of paths) {
    if (set.has(path)) continue;
    const parts = path.split(".");
    if (parts.length > DEPTH_CAP && set.has(parts.slice(0, DEPTH_CAP).join("."))) continue;
    return { path, type, suggestion: closest(path, known) ?? nearestByPrefix(path, known) };
  }
  return undefined;
}

/** When nothing is within typo distance, the known path sharing the longest prefix (e.g. the parent object). */
function nearestByPrefix(path: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestLen = 0;
  for (const k of known) {
    let i = 0;
    while (i < k.length && i < path.length && k[i]!.toLowerCase() === path[i]!.toLowerCase()) i++;
    if (i > bestLen) {
      bestLen = i;
      best = k;
    }
  }
  return bestLen >= 3 ? best : undefined;
}
