/**
 * Compile-time API version checks for a client pinned with a literal
 * `connect({ version: "7.0.3.0" })`.
 *
 * The bindings carry, as phantom types only, the `since` of every method,
 * parameter and property path, and `ApiVersionsUpTo`: for each API version
 * they know, the union of versions not newer than it. A symbol is usable by a
 * client pinned to `V` when its `since` is in `ApiVersionsUpTo[V]`: one indexed
 * access and one `extends`, no string parsing and no recursion (see
 * docs/PROPERTY-PATHS.md, "Version-pinned clients", for the measured cost).
 *
 * An unpinned client (`V` is `string`), or one pinned to a version the bindings
 * do not list, accepts everything and keeps the runtime gate: a method newer
 * than the negotiated version is refused before anything is sent.
 */
import type { VersionError } from "../types.js";
import type { AnyDescriptor, BindingTables } from "./descriptor.js";

type Phantom<B extends BindingTables> = NonNullable<B["__types"]>;

/** The `since` values usable by a client of bindings `B` pinned to `V`; `string` (all) when unpinned or `V` is unknown. */
export type UsableSince<B extends BindingTables, V extends string> = string extends V
  ? string
  : Phantom<B> extends { readonly versions: infer M }
    ? V extends keyof M
      ? M[V] & string
      : string
    : string;

/** What a method descriptor's phantom says about versions (empty for methods as old as the API). */
export interface MethodVersions {
  readonly name?: string;
  readonly since?: string;
  readonly paramSince?: object;
}

/** The version facts of a method as old as the API: none. */
export type NoVersions = Record<never, never>;

type MetaOf<D extends AnyDescriptor> = NonNullable<D["__types"]> extends { readonly meta?: infer M } ? (NonNullable<M> extends MethodVersions ? NonNullable<M> : NoVersions) : NoVersions;

/** `unknown` when the method exists at `V`, else a VersionError naming the method and both versions. */
export type MethodGate<D extends AnyDescriptor, B extends BindingTables, V extends string> =
  MetaOf<D> extends { readonly since: infer S extends string }
    ? [S] extends [UsableSince<B, V>]
      ? unknown
      : VersionError<`${MetaOf<D> extends { readonly name: infer N extends string } ? N : "this method"} needs API ${S}; client is pinned to ${V}`>
    : unknown;

/** The parameters, with each one newer than `V` replaced by a VersionError that says so. */
export type PinnedParams<P, D extends AnyDescriptor, B extends BindingTables, V extends string> = string extends UsableSince<B, V>
  ? P
  : MetaOf<D> extends { readonly paramSince: infer PS }
    ? {
        [K in keyof P]: K extends keyof PS
          ? [PS[K]] extends [UsableSince<B, V>]
            ? P[K]
            : VersionError<`${MetaOf<D> extends { readonly name: infer N extends string } ? N : "this method"} parameter '${K & string}' needs API ${PS[K] & string}; client is pinned to ${V}`>
          : P[K];
      }
    : P;

/** The selected paths newer than `V` (a union; `never` when all are usable). */
type TooNew<PS, P, A extends string> = P extends keyof PS ? ([PS[P]] extends [A] ? never : P) : never;

/**
 * `unknown` when every selected path exists at `V`, else a VersionError naming
 * each too-new path and the version it needs. Intersected with the selection
 * parameter, so inference of the paths is untouched.
 */
export type PathGate<B extends BindingTables, V extends string, T extends string, P> = string extends UsableSince<B, V>
  ? unknown
  : Phantom<B> extends { readonly pathSince: infer All }
    ? T extends keyof All
      ? [TooNew<All[T], P, UsableSince<B, V>>] extends [never]
        ? unknown
        : VersionError<
            {
              [K in TooNew<All[T], P, UsableSince<B, V>> & string]: `${T} path '${K}' needs API ${All[T][K & keyof All[T]] & string}; client is pinned to ${V}`;
            }[TooNew<All[T], P, UsableSince<B, V>> & string]
          >
      : unknown
    : unknown;
