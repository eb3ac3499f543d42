/**
 * The pieces of undici the transport uses, imported from their own files.
 *
 * undici's index.js loads all of undici (fetch, WebSocket, cookies, mocks…),
 * and its cookie module touches the global `Headers`, which makes Node load
 * its own bundled copy of undici too, whose global dispatcher compiles the
 * llhttp WebAssembly module at import time. Importing just the Pool, the
 * connector and `request` skips both (docs/BENCHMARKS.md, CLI start-up). The
 * types still come from the package's public declarations
 * (undici-internals.d.ts maps each file to them). `request` is called on the
 * pool rather than attached to Dispatcher.prototype as index.js does, so
 * loading the runtime changes nothing in a program's own undici.
 *
 * These are static imports so that the published package's bundle
 * (scripts/stage-packages.mjs) can inline the files they reach.
 */
/// <reference path="./undici-internals.d.ts" />
import type * as Undici from "undici";
import apiRequest from "undici/lib/api/api-request.js";
import connectorFactory from "undici/lib/core/connect.js";
import PoolClass from "undici/lib/dispatcher/pool.js";

export const Pool: typeof Undici.Pool = PoolClass;
export const buildConnector: typeof Undici.buildConnector = connectorFactory;

/** `pool.request(options)` without undici's index.js. */
export function request(pool: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return apiRequest.call(pool, options);
}
