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
  /** A successful answer that may say the session is gone (a collector's NotAuthenticated missingSet): names the object. */
  lostInResult: (method: string, result: unknown) => string | undefined = () => undefined,
  /**
   * A cheap call (CurrentTime) that faults NotAuthenticated at method level
   * on a dead session: a missingSet alone could be a per-object oddity, so
   * the session is checked before it is replaced.
   */
  probe?: (call: ApiCall) => ApiCall,
): Middleware<ApiCall, unknown> {
  return (next) => async (call) => {
    if (call.recover === false) return next(call);
    const seen = state.epoch;
    try {
      const result = await next(call);
      if (!state.canRecover || !probe || lostInResult(call.method, result) === undefined) return result;
      try {
        await next(probe(call));
        return result; // the session is alive: the missingSet is the caller's to read
      } catch (err) {
        if (!isNotAuthenticated(err)) throw err;
      }
    } catch (err) {
      // A streamed call that handed items out is not replayed (they would go out twice): the caller decides.
      if (!isNotAuthenticated(err) || !state.canRecover || call.stream?.started) throw err;
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
    const still = lostInResult(call.method, result);
    if (still !== undefined) {
      throw new SessionError(
        `${call.method}: the server still reports NotAuthenticated for ${still} (missingSet) after logging in again; not retrying further`,
        { method: call.method },
      );
    }
    return result;
  };
}
