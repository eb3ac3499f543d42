/**
 * Type-level core of typed property selection, shared by retrieve and watch.
 *
 * `Paths` is a generated `<Type>Paths` interface (path → value type). The
 * result of selecting `P` is one key-remapped lookup: nothing recurses, so
 * tsc's cost does not grow with path depth (see docs/PROPERTY-PATHS.md).
 */
import type { MoRef } from "../types.js";

/** The values of the selected paths, exactly as the path map types them. */
export type Selected<Paths, P extends keyof Paths> = { [K in P]: Paths[K] };

/**
 * One retrieved object: its reference plus the selected values. `T` is the
 * union of the managed types the reference may name (the selected type and
 * its subtypes).
 *
 * A property the server could not read is absent and listed in `$missing`,
 * whatever the path map says about it: so the values are exactly as typed only
 * on an object without `$missing`; on one with it, every value may be
 * undefined. Narrow with `if (o.$missing) …` (docs/PROPERTY-PATHS.md).
 */
export type RetrievedObject<T extends string, Paths, P extends keyof Paths> =
  | ({ ref: MoRef<T>; $missing?: undefined } & Selected<Paths, P>)
  | ({ ref: MoRef<T>; $missing: readonly MissingPropertyFault[] } & Partial<Selected<Paths, P>>);

/** A property the server did not return, with the reason it gave. */
export interface MissingPropertyFault {
  readonly path: string;
  /** The fault object (`_typeName` is its type: `NoPermission`, `InvalidProperty`, …). */
  readonly fault: { readonly _typeName: string; readonly [field: string]: unknown };
  readonly message?: string;
}

/** A map from managed type name to its path map, as generated in `paths/index.ts`. */
export type PathsByType = { [type: string]: object };
