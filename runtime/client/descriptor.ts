/**
 * The shape of a generated method descriptor, restated structurally so the
 * runtime never imports generated code. The phantom `__types` member carries
 * `this`, `params` and `result` for the type checker only.
 */
import type { MethodSchema } from "../schema.js";
import type { SchemaTables } from "../schema-tables.js";
import type { MoRef } from "../types.js";
import type { MethodVersions, NoVersions, PinnedParams } from "./version-gate.js";

/**
 * A method as plain data. `This`, `Params`, `Result` and `Meta` (the method's
 * literal name, `since` and per-parameter `since`, for version-pinned clients)
 * exist only for the type checker; the runtime reads the schema members.
 */
export interface Descriptor<This extends string = string, Params = unknown, Result = unknown, Meta extends MethodVersions = NoVersions> extends MethodSchema {
  /** First API version with this method (`"6.7"`, `"7.0.1.0"`). */
  readonly since?: string;
  /** The privilege VMODL says the method needs on `_this` (`VirtualMachine.Interact.PowerOn`), when known. */
  readonly privilege?: string;
  readonly __types?: { this: This; params: Params; result: Result; meta?: Meta };
}

/** The name generated bindings use for `Descriptor`. */
export type MethodDescriptor<This extends string = string, Params = unknown, Result = unknown, Meta extends MethodVersions = NoVersions> = Descriptor<
  This,
  Params,
  Result,
  Meta
>;

// biome-ignore lint/suspicious/noExplicitAny: a descriptor for any method must be assignable, whatever its phantom types
export type AnyDescriptor = Descriptor<any, any, any, any>;

export type ThisOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["this"];
export type ParamsOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["params"];
export type ResultOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["result"];

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Deadline of this call in ms: every attempt, backoff and Retry-After wait, and the body; 0 disables. */
  readonly timeout?: number;
  /**
   * Hand the result's array items to `onItems` as their elements close, instead of collecting
   * them: the items of `field` (an array field of the returned data object, e.g. RetrieveResult's
   * `"objects"`), or of the returned array when `field` is omitted. The result still comes back,
   * with that array empty. The body is not read further until `onItems`' promise settles, so a slow
   * consumer holds the socket paused rather than buffering (the `timeout` keeps counting).
   * Once items went out the call is never resent: a later failure (a fault, a truncated body, a
   * size limit, an abort) rejects the call as usual, after the items that closed before it.
   */
  readonly stream?: {
    readonly field?: string;
    readonly onItems: (items: unknown[], parent: unknown) => void | Promise<void>;
  };
}

/**
 * `[params?, options?]` when every parameter is optional (CurrentTime, Logout),
 * `[params, options?]` otherwise, so a missing required parameter fails to compile.
 */
export type CallRest<D extends AnyDescriptor, B extends BindingTables = BindingTables, V extends string = string> =
  Record<string, never> extends ParamsOf<D>
    ? [params?: PinnedParams<ParamsOf<D>, D, B, V>, options?: CallOptions]
    : [params: PinnedParams<ParamsOf<D>, D, B, V>, options?: CallOptions];

export type CallThis<D extends AnyDescriptor> = MoRef<ThisOf<D>>;

/** The generated `schemas` value: compact tables plus the phantom that names this release's ServiceContent. */
export interface BindingTables extends SchemaTables {
  /**
   * Phantom, never present at run time: ServiceContent's type, the property-path
   * maps, managed type families (`kinds`), `ApiVersionsUpTo` (`versions`) and
   * the `since` of each path (`pathSince`).
   */
  readonly __types?: {
    readonly serviceContent: unknown;
    readonly paths?: unknown;
    readonly kinds?: unknown;
    readonly versions?: unknown;
    readonly pathSince?: unknown;
  };
}

export type ServiceContentOf<B extends BindingTables> = NonNullable<B["__types"]>["serviceContent"];
