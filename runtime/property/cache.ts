/**
 * The watch cache's state transitions, kept pure: given the current snapshot
 * and the object updates of one change set, build the next snapshot aside.
 * The watch swaps the snapshot reference only once the whole change set is
 * applied, so a reader holding either snapshot always sees a state the server
 * actually reported, never half of one.
 */
import { moRefKey } from "../moref.js";
import type { MoRef } from "../types.js";
import type { MissingProperty, ObjectUpdate, PropertyChange } from "./methods.js";
import { applyChanges } from "./property-change.js";

/** One watched object: its reference and the current value of each selected path (absent when unset). */
export interface CachedObject<T extends string = string, V = Record<string, unknown>> {
  readonly ref: MoRef<T>;
  readonly values: Readonly<V>;
}

/** Snapshot keyed by `moRefKey(ref)`. Treat it as read-only: the watch replaces it, it never edits one in place. */
export type CacheSnapshot<T extends string = string, V = Record<string, unknown>> = ReadonlyMap<string, CachedObject<T, V>>;

/** What happened to one object in a change set, with its values afterwards. */
export interface ObjectChange<T extends string = string, V = Record<string, unknown>> {
  readonly kind: "enter" | "modify" | "leave";
  readonly ref: MoRef<T>;
  /** The changes as the server sent them (for a resync: one `assign` per value). */
  readonly changes: readonly PropertyChange[];
  /** Selected paths the server could not read for this object (e.g. a permission fault). */
  readonly missing: readonly MissingProperty[];
  /** Values after the change set; undefined once the object left. */
  readonly values: Readonly<V> | undefined;
}

/**
 * A working copy of a snapshot. Updates go into a private Map; `finish()`
 * hands back a new snapshot plus the per-object summary.
 */
export class CacheBuilder {
  readonly #next: Map<string, CachedObject>;
  readonly #touched = new Map<string, { kind: ObjectChange["kind"]; ref: MoRef; changes: PropertyChange[]; missing: MissingProperty[] }>();
  readonly #selected: readonly string[];

  /** `from` undefined starts empty (the first update, or a resync). */
  constructor(from: CacheSnapshot | undefined, selected: readonly string[]) {
    this.#next = new Map(from ?? []);
    this.#selected = selected;
  }

  apply(update: ObjectUpdate): void {
    const key = moRefKey(update.obj);
    const changes = update.changeSet ?? [];
    const missing = update.missingSet ?? [];
    const prev = this.#next.get(key);
    let kind = update.kind;
    if (kind === "leave") {
      this.#next.delete(key);
    } else {
      // `enter` carries every selected value: start afresh. `modify` of an object never seen is an enter in disguise.
      const base = kind === "enter" || !prev ? {} : prev.values;
      let values = applyChanges(base, changes, this.#selected);
      if (missing.length > 0) {
        values = { ...values };
        for (const m of missing) delete values[m.path];
      }
      this.#next.set(key, Object.freeze({ ref: prev?.ref ?? update.obj, values: Object.freeze(values) }));
      if (!prev) kind = "enter";
    }
    const seen = this.#touched.get(key);
    if (seen) {
      // Several updates to one object inside a truncated sequence fold into one entry.
      seen.changes.push(...changes);
      seen.missing.push(...missing);
      seen.kind = foldKind(seen.kind, kind);
    } else {
      this.#touched.set(key, { kind, ref: update.obj, changes: [...changes], missing: [...missing] });
    }
  }

  /** Marks every object of `old` that is not in the new snapshot as left (a resync's deletions). */
  leaveMissing(old: CacheSnapshot): void {
    for (const [key, obj] of old) {
      if (this.#next.has(key)) continue;
      this.#touched.set(key, { kind: "leave", ref: obj.ref, changes: [], missing: [] });
    }
  }

  finish(): { snapshot: CacheSnapshot; objects: ObjectChange[] } {
    const objects: ObjectChange[] = [];
    for (const [key, t] of this.#touched) {
      const now = this.#next.get(key);
      objects.push({ kind: t.kind, ref: now?.ref ?? t.ref, changes: t.changes, missing: t.missing, values: now?.values });
    }
    return { snapshot: this.#next, objects };
  }
}

function foldKind(first: ObjectChange["kind"], then: ObjectChange["kind"]): ObjectChange["kind"] {
  if (then === "leave") return "leave";
  if (first === "enter" || then === "enter") return "enter";
  return "modify";
}
