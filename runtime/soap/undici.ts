/**
 * The pieces of undici the transport uses, loaded from their own files.
 *
 * undici's index.js loads all of undici (fetch, WebSocket, cookies, mocks…),
 * and its cookie module touches the global `Headers`, which makes Node load
 * its own bundled copy of undici too, whose global dispatcher compiles the
 * llhttp WebAssembly module at import time. Requiring just the Pool, the
 * connector and `request` skips both: on Node 20 about a third of the import
 * time and ~9 MB of memory (docs/BENCHMARKS.md, CLI start-up). The types
 * still come from the package's public declarations. `request` is called on
 * the pool rather than attached to Dispatcher.prototype as index.js does, so
 * loading the runtime changes nothing in a program's own undici.
 */
import { createRequire } from "node:module";
import type * as Undici from "undici";

const require = createRequire(import.meta.url);

export const Pool: typeof Undici.Pool = require("undici/lib/dispatcher/pool.js");
export const buildConnector: typeof Undici.buildConnector = require("undici/lib/core/connect.js");
const apiRequest: (this: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData> = require("undici/lib/api/api-request.js");

/** `pool.request(options)` without undici's index.js. */
export function request(pool: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return apiRequest.call(pool, options);
}
