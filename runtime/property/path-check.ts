/**
 * Run-time property-path check for callers the compiler cannot help (plain
 * JavaScript, paths built at run time): a path the bindings say cannot exist
 * fails before anything is sent, with the nearest valid path, instead of
 * coming back as an InvalidProperty in `$missing`.
 *
 * The bindings carry each managed type's properties (`schemas.managed`, the
 * same compact form as data types), and data types' fields are already in
 * `schemas.types`, so a path is walked segment by segment: nothing like the
 * full path list of the type-level maps is shipped. The walk refuses only what
 * the server would refuse too:
 * - the first segment must be a property of the type or one of its bases;
 * - each next segment must be a field of the previous segment's data type, or
 *   of one of its subtypes (the server accepts subtype fields on a polymorphic
 *   value);
 * - nothing follows an array, a MoRef, an enum or a primitive.
 * There is no depth cap: deeper paths than the typed maps offer are accepted.
 * A managed type or data type the bindings do not know ends the check (accepted).
 */
import type { SchemaTables } from "../schema-tables.js";
import type { FieldSchema, SchemaRegistry } from "../schema.js";

/** Bindings tables as generated: `managed` is absent in bindings made before it existed. */
export interface PathTables extends SchemaTables {
  readonly managed?: Readonly<Record<string, string>>;
}

interface ManagedSchema {
  readonly base: string | undefined;
  readonly props: readonly FieldSchema[];
}

const FIELD = /^([^:]+):([^[?@!]+)(\[\])?(\?)?(?:@([^!]+))?(!)?$/;
const managedCache = new WeakMap<object, Map<string, ManagedSchema | null>>();
const subtypeCache = new WeakMap<object, Map<string, string[]>>();

function managedType(tables: PathTables, name: string): ManagedSchema | undefined {
  let cache = managedCache.get(tables);
  if (!cache) {
    cache = new Map();
    managedCache.set(tables, cache);
  }
  let m = cache.get(name);
  if (m === undefined) {
    const entry = tables.managed && Object.hasOwn(tables.managed, name) ? tables.managed[name] : undefined;
    m = entry === undefined ? null : parseManaged(entry);
    cache.set(name, m);
  }
  return m ?? undefined;
}

function parseManaged(entry: string): ManagedSchema {
  const [base, ...rest] = entry.split("|");
  const props: FieldSchema[] = [];
  for (const part of rest) {
    const m = FIELD.exec(part);
    if (m) props.push({ name: m[1]!, type: m[2]!, ...(m[3] ? { array: true } : {}) });
  }
  return { base: base || undefined, props };
}

function managedProps(tables: PathTables, type: string): FieldSchema[] {
  const out: FieldSchema[] = [];
  for (let n: string | undefined = type, guard = 0; n && guard < 32; guard++) {
    const m = managedType(tables, n);
    if (!m) break;
    out.push(...m.props);
    n = m.base;
  }
  return out;
}

/** Direct and indirect subtypes of a data type (built once per bindings, on first need). */
function subtypes(tables: PathTables, name: string): string[] {
  let index = subtypeCache.get(tables);
  if (!index) {
    index = new Map();
    for (const t of Object.keys(tables.types)) {
      const base = tables.types[t]!.slice(0, tables.types[t]!.indexOf("|") >>> 0);
      if (!base) continue;
      const list = index.get(base) ?? [];
      list.push(t);
      index.set(base, list);
    }
    subtypeCache.set(tables, index);
  }
  const out: string[] = [];
  const walk = (n: string) => {
    for (const s of index!.get(n) ?? []) {
      out.push(s);
      walk(s);
    }
  };
  walk(name);
  return out;
}

/** Where a path stops being valid, and what could have come there instead. */
export interface PathProblem {
  readonly path: string;
  /** Valid paths at the failing level (the prefix plus each candidate name). */
  readonly candidates: readonly string[];
}

/** Undefined when the path may exist; else what went wrong. */
export function findPathProblem(tables: PathTables, registry: SchemaRegistry, type: string, path: string): PathProblem | undefined {
  if (!tables.managed || !managedType(tables, type)) return undefined;
  const segments = path.split(".");
  let fields = managedProps(tables, type);
  let prefix = "";
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const f = fields.find((x) => x.name === seg);
    if (!f) return { path, candidates: fields.map((x) => prefix + x.name) };
    if (i === segments.length - 1) return undefined;
    prefix += `${seg}.`;
    if (f.type === "anyType") return undefined; // any value: let the server decide
    // Nothing descends into an array, a reference, an enum or a primitive: the path ends one step up.
    if (f.array || f.type === "ManagedObjectReference" || PRIMITIVES.has(f.type) || registry.enumType(f.type)) {
      return { path, candidates: [prefix.slice(0, -1)] };
    }
    if (!registry.type(f.type)) return undefined; // a type these bindings do not know
    const own = registry.allFields(f.type);
    const next = segments[i + 1]!;
    if (own.some((x) => x.name === next)) {
      fields = [...own];
      continue;
    }
    // A polymorphic value: a subtype's field is valid where the server holds that subtype.
    const sub = subtypes(tables, f.type).map((s) => registry.allFields(s).find((x) => x.name === next)).find((x) => x);
    fields = sub ? [...own, sub] : [...own];
  }
  return undefined;
}

const PRIMITIVES = new Set(["string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "base64Binary", "anyURI", "anyType"]);

/** Edit distance, case-insensitive: for "did you mean" (property paths here, flags and commands in cli/). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of `known` to `path` (case-insensitive edit distance); undefined when `known` is empty. */
export function nearestPath(path: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(path, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/**
 * The first of `paths` that `type` cannot have under the bindings `registry`
 * was built from (a client's `schemaRegistry`), with the nearest valid path;
 * undefined when every path may exist, or when the registry carries no
 * managed-type tables to check against.
 */
export function invalidPropertyPath(
  registry: SchemaRegistry & { readonly tables?: PathTables },
  type: string,
  paths: readonly string[],
): { readonly path: string; readonly nearest: string | undefined } | undefined {
  const tables = registry.tables;
  if (!tables) return undefined;
  for (const p of paths) {
    const problem = findPathProblem(tables, registry, type, p);
    if (!problem) continue;
    // Compare like with like: the candidates are full paths down to the failing level.
    const depth = p.split(".").length;
    const head = p.split(".").slice(0, Math.min(depth, problem.candidates[0]?.split(".").length ?? depth)).join(".");
    return { path: p, nearest: nearestPath(head, problem.candidates) };
  }
  return undefined;
}

/** Throws a TypeError naming the method, the path, the managed type and the nearest valid path. */
export function checkPathsAgainstBindings(method: string, registry: SchemaRegistry & { readonly tables?: PathTables }, types: readonly string[], paths: readonly string[]): void {
  for (const type of types) {
    const bad = invalidPropertyPath(registry, type, paths);
    if (bad) throw new TypeError(`${method}: "${bad.path}" is not a property path of ${type}${bad.nearest ? `; nearest valid path: "${bad.nearest}"` : ""}`);
  }
}
