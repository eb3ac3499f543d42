/**
 * The one place the helpers import the generated bindings from, and the
 * runtime (the `tsvmomi` package; in this repo tsconfig `paths` and the
 * vitest alias point it at runtime/) beside them. Exception: finder.ts and
 * errors.ts, which need no generated value, import runtime values from
 * "tsvmomi" directly and only types from here, so that loading them (as the
 * command line does on every run) never evaluates the bindings' index. The default release is named here once:
 * switching it, or pointing at a published bindings package, changes the
 * `generated/` specifiers below and nothing else.
 */
export * from "../generated/vim25-8.0.3/index.js";
export type { ManagedKind, ManagedTypeName } from "../generated/vim25-8.0.3/managed.js";
/** Storage policy (pbm) bindings paired with the default vim25 release (they import its types). */
export * as pbm from "../generated/pbm-8.0/index.js";

export {
  connect,
  Client,
  ClientError,
  ErrorCode,
  MethodFaultError,
  HttpStatusError,
  isFault,
  moref,
  moRefKey,
  moRefEquals,
  formatMoRef,
  retrieveAny,
  retrievePagesAny,
  everythingUnder,
  ancestry,
  inventoryPath,
  findByInventoryPath,
  waitForTask,
  waitForProperties,
  watch,
  WaitTimeoutError,
  type BindingTables,
  type CallOptions,
  type ClientHttpResponse,
} from "tsvmomi";

import type { Client as RuntimeClient } from "tsvmomi";
/**
 * Any connected client, whatever release's bindings it was made with: the
 * helpers read and send only what every release since 6.0 has, and type
 * their results with the default release's types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClient = RuntimeClient<any>;
