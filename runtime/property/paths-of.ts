/**
 * Type-level lookups into a bindings value's phantom: the generated `schemas`
 * carries `__types.paths` (managed type → path map), so the runtime can type a
 * selection without importing generated code.
 */
import type { BindingTables } from "../client/descriptor.js";

/** Managed type name → `<Type>Paths` map of the release `B` speaks. */
export type PathsOf<B extends BindingTables> = NonNullable<B["__types"]>["paths"];

/** Managed type names that have a path map. */
export type ManagedTypeOf<B extends BindingTables> = keyof PathsOf<B> & string;

/** Property paths of managed type `T`. */
export type PathOf<B extends BindingTables, T extends ManagedTypeOf<B>> = keyof PathsOf<B>[T] & string;

/**
 * The managed type names a reference to `T` may carry: `T` and every subtype
 * (retrieving `ComputeResource` also returns `ClusterComputeResource` refs).
 * From the bindings' `kinds` phantom; just `T` for bindings without one.
 */
export type KindOf<B extends BindingTables, T extends string> =
  NonNullable<B["__types"]> extends { readonly kinds: infer K } ? (T extends keyof K ? K[T] & string : T) : T;
