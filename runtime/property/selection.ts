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

/** One retrieved object: its reference plus the selected values. */
export type RetrievedObject<T extends string, Paths, P extends keyof Paths> = { ref: MoRef<T> } & Selected<Paths, P>;

/** A map from managed type name to its path map, as generated in `paths/index.ts`. */
export type PathsByType = { [type: string]: object };
