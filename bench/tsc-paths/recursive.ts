/**
 * The alternative the flat design was measured against: paths computed by tsc
 * from the data types with recursive template literals (as first sketched in
 * the issue), instead of read from generated interfaces. Only the roots (a
 * managed type's own property names and types) come from the generated maps;
 * every dotted path and its value type is derived here, down to the same depth
 * cap (4 segments). Arrays, MoRefs, enums and primitives end a path, like the
 * generator's rules; unlike them, cycles are only cut by depth.
 */
import type { ManagedPaths as Flat, Selected } from "./flat.js";

export type { Selected };

type MoRefLike = { readonly type: string; readonly value: string };
type Leaf = string | number | boolean | bigint | Date | Uint8Array | readonly unknown[] | MoRefLike;
// Depth budget: index D gives D - 1; 0 stops.
type Prev = [never, 0, 1, 2, 3, 4, 5];
// `_typeName` / `_unknownType` are codec bookkeeping, not PropertyCollector paths.
type Keys<T> = Exclude<keyof T & string, `_${string}`>;

// `[T] extends [Leaf]` keeps unions whole: a polymorphic field offers its base type's keys only.
type PathOf<T, D extends number> = [T] extends [Leaf]
  ? never
  : { [K in Keys<T>]: K | (D extends 0 ? never : `${K}.${PathOf<NonNullable<T[K]>, Prev[D]>}`) }[Keys<T>];

type ValueAt<T, P extends string> = P extends `${infer H}.${infer R}`
  ? H extends keyof T
    ? ValueAt<NonNullable<T[H]>, R> | undefined
    : never
  : P extends keyof T
    ? T[P]
    : never;

type Roots<M> = { [K in keyof M as K extends `${string}.${string}` ? never : K]: M[K] };
type PathMap<R> = { [P in PathOf<R, 3>]: ValueAt<R, P> };

export type ManagedPaths = { [T in keyof Flat]: PathMap<Roots<Flat[T]>> };
