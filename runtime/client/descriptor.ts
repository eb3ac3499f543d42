/**
 * The shape of a generated method descriptor, restated structurally so the
 * runtime never imports generated code. The phantom `__types` member carries
 * `this`, `params` and `result` for the type checker only.
 */
import type { MethodSchema } from "../schema.js";
import type { SchemaTables } from "../schema-tables.js";
import type { MoRef } from "../types.js";

export interface Descriptor<This extends string = string, Params = unknown, Result = unknown> extends MethodSchema {
  /** First API version with this method (`"6.7"`, `"7.0.1.0"`). */
  readonly since?: string;
  readonly __types?: { this: This; params: Params; result: Result };
}

// `any` here is deliberate: a descriptor for any method must be assignable, whatever its phantom types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDescriptor = Descriptor<any, any, any>;

export type ThisOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["this"];
export type ParamsOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["params"];
export type ResultOf<D extends AnyDescriptor> = NonNullable<D["__types"]>["result"];

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Per-call deadline in ms (headers and body); 0 disables. */
  readonly timeout?: number;
}

/**
 * `[params?, options?]` when every parameter is optional (CurrentTime, Logout),
 * `[params, options?]` otherwise, so a missing required parameter fails to compile.
 */
export type CallRest<D extends AnyDescriptor> =
  Record<string, never> extends ParamsOf<D>
    ? [params?: ParamsOf<D>, options?: CallOptions]
    : [params: ParamsOf<D>, options?: CallOptions];

export type CallThis<D extends AnyDescriptor> = MoRef<ThisOf<D>>;

/** The generated `schemas` value: compact tables plus the phantom that names this release's ServiceContent. */
export interface BindingTables extends SchemaTables {
  readonly __types?: { readonly serviceContent: unknown; readonly paths?: unknown };
}

export type ServiceContentOf<B extends BindingTables> = NonNullable<B["__types"]>["serviceContent"];
