/**
 * Applies PropertyCollector changes (`assign`, `add`, `remove`,
 * `indirectRemove`) to the values of one object, without mutating anything:
 * every function returns a new record that shares untouched subtrees with the
 * old one. That is what lets the watch cache build the next state aside and
 * swap it in whole.
 *
 * A change's `name` is either a selected path (`summary.runtime.powerState`)
 * or a path below one, reaching into arrays by key:
 * `config.hardware.device[4000].backing.fileName`,
 * `config.extraConfig["guestinfo.x"]`. Elements are matched on their `key`
 * field (devices, OptionValue) or, for MoRef arrays, on `value`.
 */
import { PropertyPathError } from "../errors/client.js";

/** One step below a selected path: a field name, or an array element by key. */
export type PathStep = { readonly field: string } | { readonly key: string | number };

export interface ChangeLike {
  readonly name: string;
  readonly op: "assign" | "add" | "remove" | "indirectRemove";
  readonly val?: unknown;
}


/**
 * Splits `a.b[4000].c["k\"ey"]` into steps. The first step is always a field.
 * String keys are double-quoted with `\"` and `\\` escapes, as vCenter writes them.
 */
export function parsePropertyPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  const field = () => {
    const start = i;
    while (i < path.length && path[i] !== "." && path[i] !== "[") i++;
    if (i === start) throw new PropertyPathError(path, start, "a property name");
    steps.push({ field: path.slice(start, i) });
  };
  field();
  while (i < path.length) {
    if (path[i] === ".") {
      i++;
      field();
      continue;
    }
    // path[i] === "["
    i++;
    if (path[i] === '"') {
      i++;
      let key = "";
      for (;;) {
        if (i >= path.length) throw new PropertyPathError(path, i, 'a closing " for the key');
        const c = path[i]!;
        if (c === "\\") {
          if (i + 1 >= path.length) throw new PropertyPathError(path, i + 1, "an escaped character after \\");
          key += path[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          key += c;
          i++;
        }
      }
      if (path[i] !== "]") throw new PropertyPathError(path, i, '"]" after the quoted key');
      i++;
      steps.push({ key });
    } else {
      const start = i;
      while (i < path.length && path[i] !== "]") i++;
      if (i >= path.length) throw new PropertyPathError(path, start, 'a key closed by "]"');
      const text = path.slice(start, i);
      if (!/^-?\d+$/.test(text)) throw new PropertyPathError(path, start, `an integer key or a quoted string key, got ${JSON.stringify(text)}`);
      i++;
      steps.push({ key: Number(text) });
    }
    if (i < path.length && path[i] !== "." && path[i] !== "[") throw new PropertyPathError(path, i, '"." or "[" after a key');
  }
  return steps;
}

/**
 * The selected paths a change named `name` touches. A change is normally
 * reported at a selected path or deeper; when two selected paths nest
 * (`config` and `config.name`) it touches both, so every hit is returned.
 */
export interface SelectionHit {
  /** The selected path whose value the change touches. */
  readonly path: string;
  /** Steps from that value down to where the change applies. */
  readonly rest: PathStep[];
  /** Set when the change names a parent of the selected path: the dotted path from the change's value down to it. */
  readonly below?: string;
}

export function splitUnderSelection(name: string, selected: readonly string[]): SelectionHit[] {
  const hits: SelectionHit[] = [];
  for (const p of selected) {
    if (name === p) hits.push({ path: p, rest: [] });
    else if (name.startsWith(p) && (name[p.length] === "." || name[p.length] === "[")) {
      hits.push({ path: p, rest: parsePropertyPath(`x${name.slice(p.length)}`).slice(1) });
    }
  }
  // A change reported above a selected path (`config` while `config.name` is selected): project it down.
  for (const p of selected) {
    if (p.startsWith(name) && p[name.length] === ".") hits.push({ path: p, rest: [], below: p.slice(name.length + 1) });
  }
  return hits;
}

function keyMatches(element: unknown, key: string | number): boolean {
  if (typeof element !== "object" || element === null) return String(element) === String(key);
  const e = element as { key?: unknown; value?: unknown; type?: unknown };
  if (e.key !== undefined) return String(e.key) === String(key);
  // MoRef arrays are keyed by the reference's value.
  if (typeof e.type === "string" && typeof e.value === "string") return e.value === String(key);
  return false;
}

function readField(value: unknown, field: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as Record<string, unknown>)[field];
}

/** Reads a dotted path below a value (used when a change arrives above the selected path). */
function readDotted(value: unknown, dotted: string): unknown {
  let v = value;
  for (const f of dotted.split(".")) v = readField(v, f);
  return v;
}

type Leaf = { kind: "set"; value: unknown } | { kind: "delete" } | { kind: "add"; value: unknown };

/** Returns `container` with `leaf` applied at `steps`, copying only the spine it walks. */
function update(container: unknown, steps: readonly PathStep[], leaf: Leaf): unknown {
  if (steps.length === 0) {
    if (leaf.kind === "set") return leaf.value;
    if (leaf.kind === "delete") return undefined;
    // `add` naming a whole collection appends to it.
    const arr = Array.isArray(container) ? container : container === undefined ? [] : [container];
    return [...arr, leaf.value];
  }
  const [step, ...rest] = steps as [PathStep, ...PathStep[]];
  if ("field" in step) {
    const base = typeof container === "object" && container !== null && !Array.isArray(container) ? (container as Record<string, unknown>) : {};
    const next = update(base[step.field], rest, leaf);
    const copy = { ...base };
    if (next === undefined) delete copy[step.field];
    else copy[step.field] = next;
    return copy;
  }
  const arr: unknown[] = Array.isArray(container) ? container : [];
  const at = arr.findIndex((e) => keyMatches(e, step.key));
  if (rest.length === 0) {
    if (leaf.kind === "delete") return at < 0 ? arr : [...arr.slice(0, at), ...arr.slice(at + 1)];
    // `add` and `assign` of an element: replace the element with that key, or append it.
    return at < 0 ? [...arr, leaf.value] : [...arr.slice(0, at), leaf.value, ...arr.slice(at + 1)];
  }
  // Below a keyed element that is not there: nothing to change (removal), or nothing sane to create.
  if (at < 0) return arr;
  const copy = [...arr];
  const next = update(arr[at], rest, leaf);
  if (next === undefined) copy.splice(at, 1);
  else copy[at] = next;
  return copy;
}

/**
 * Applies one change to an object's values (keyed by selected path) and
 * returns the new values; `values` itself is left untouched.
 */
export function applyChange(values: Readonly<Record<string, unknown>>, change: ChangeLike, selected: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  const hits = splitUnderSelection(change.name, selected);
  // Not under any selected path (a server that reports more than asked): keep it under its own name.
  const targets: SelectionHit[] = hits.length > 0 ? hits : [{ path: change.name, rest: [] }];
  for (const { path, rest, below } of targets) {
    let leaf: Leaf;
    if (below !== undefined) {
      // The change names a parent of the selected path: the selected value is the part of `val` below it.
      leaf = change.op === "assign" ? { kind: "set", value: readDotted(change.val, below) } : { kind: "delete" };
    } else if (change.op === "assign") leaf = { kind: "set", value: change.val };
    else if (change.op === "add") leaf = { kind: "add", value: change.val };
    else leaf = { kind: "delete" };
    const next = update(out[path], rest, leaf);
    if (next === undefined) delete out[path];
    else out[path] = next;
  }
  return out;
}

/** Applies a change set in order. */
export function applyChanges(values: Readonly<Record<string, unknown>>, changes: readonly ChangeLike[], selected: readonly string[]): Record<string, unknown> {
  let v: Record<string, unknown> = { ...values };
  for (const c of changes) v = applyChange(v, c, selected);
  return v;
}
