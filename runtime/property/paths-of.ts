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
