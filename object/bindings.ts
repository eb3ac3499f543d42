/**
 * The one place the helpers import the runtime (the `tsvmomi` package; in
 * this repo tsconfig `paths` and the vitest alias point it at runtime/) and
 * the generated bindings from: the default release, through
 * `generated/default.ts`. Pointing at a published bindings package changes
 * the `generated/` specifiers below and nothing else.
 */
export * from "../generated/default.js";
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
// biome-ignore lint/suspicious/noExplicitAny: a client of any release's bindings must be assignable, whatever its binding tables
export type AnyClient = RuntimeClient<any>;
