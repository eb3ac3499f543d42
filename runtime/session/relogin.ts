/**
 * The session layer: a call rejected with NotAuthenticated (the session
 * expired, or someone terminated it) logs in again and is replayed once.
 *
 * Single flight: a call remembers the session generation it was sent under.
 * If the generation moved on by the time its NotAuthenticated arrives,
 * another call already logged in again and it only replays; otherwise it
 * joins (or starts) the one shared re-login. A hundred calls hitting a dead
 * session cause one Login. A replay that is refused again is not retried: the
 * caller gets a SessionError instead of a loop.
 *
 * A collector answer whose missingSet says NotAuthenticated (see
 * lost-in-result.ts) counts as a refusal too: without this a raw
 * RetrievePropertiesEx on a dead session would "succeed" with no properties.
 */
import type { Middleware } from "../soap/middleware.js";
import { SessionError } from "../errors/client.js";
import type { ApiCall } from "./api-call.js";
import type { SessionState } from "./session-state.js";

export function sessionLayer(
  state: SessionState,
  isNotAuthenticated: (err: unknown) => boolean,
  /** A successful answer that still says the session is gone (a collector's NotAuthenticated missingSet). */
  lostInResult: (method: string, result: unknown) => boolean = () => false,
): Middleware<ApiCall, unknown> {
  return (next) => async (call) => {
    if (call.recover === false) return next(call);
    const seen = state.epoch;
    try {
      const result = await next(call);
      if (!state.canRecover || !lostInResult(call.method, result)) return result;
    } catch (err) {
      if (!isNotAuthenticated(err) || !state.canRecover) throw err;
    }
    call.signal?.throwIfAborted();
    if (state.epoch === seen) await state.recover(call.method, call.signal);
    let result: unknown;
    try {
      result = await next(call);
    } catch (err) {
      if (!isNotAuthenticated(err)) throw err;
      throw new SessionError(
        `${call.method}: the server still answers NotAuthenticated after logging in again; not retrying further`,
        { cause: err, method: call.method },
      );
    }
    if (lostInResult(call.method, result)) {
      throw new SessionError(
        `${call.method}: the server still reports NotAuthenticated for properties (missingSet) after logging in again; not retrying further`,
        { method: call.method },
      );
    }
    return result;
  };
}
