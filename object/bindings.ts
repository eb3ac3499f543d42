/**
 * The one place the helpers import the generated bindings from (the default
 * release, through `generated/default.ts`), and the runtime (the `tsvmomi`
 * package; in this repo tsconfig `paths` and the vitest alias point it at
 * runtime/) beside them. Pointing at a published bindings package changes the
 * `generated/` specifiers below and nothing else. Exception: finder.ts and
 * errors.ts need no generated value, so they import runtime values from
 * "tsvmomi" directly and only types from here: loading them (as the command
 * line does on every run) never evaluates the bindings' index.
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
