/**
 * Builds the call chain once per client. Outside in:
 *
 *   session (NotAuthenticated → one shared re-login, replay once)
 *   → retry (transient transport failures; writes only when nothing was sent)
 *   → codec (encode, decode, fault → MethodFaultError)
 *   → trace (wire level: every request that leaves, the session's own Login included)
 *   → cookie (send the session cookie, pick up a new one)
 *   → transport
 *
 * Trace sits at the wire rather than on top: placed above the session layer it
 * would miss the re-login and the replay, which are exactly the requests worth
 * seeing (and the ones that carry secrets, so its redaction must see them).
 */
import { decodeResponse, type LongPolicy } from "../codec/index.js";
import type { SchemaRegistry } from "../schema.js";
import { sessionCookie, SESSION_COOKIE } from "../soap/cookie.js";
import { compose, trace, transportHandler, type Handler, type Middleware, type SoapCall, type SoapResult, type TraceOptions } from "../soap/middleware.js";
import { retry, type RetryOptions } from "../soap/retry.js";
import type { Transport } from "../soap/transport.js";
import { encodeRequest } from "../codec/index.js";
import type { ApiCall } from "../session/api-call.js";
import { sessionLayer } from "../session/relogin.js";
import type { SessionState } from "../session/session-state.js";

export interface PipelineOptions {
  readonly registry: SchemaRegistry;
  readonly transport: Transport;
  readonly state: SessionState;
  readonly soapAction: string;
  readonly path: string;
  readonly retry?: RetryOptions;
  readonly trace?: TraceOptions;
  readonly longs?: LongPolicy;
  /** Response size limit handed to the streaming decoder. */
  readonly maxBytes?: number;
  readonly isNotAuthenticated: (err: unknown) => boolean;
}

function cookieLayer(state: SessionState): Middleware<SoapCall, SoapResult> {
  return (next) => async (call) => {
    const cookie = state.cookie;
    const res = await next(cookie === undefined ? call : { ...call, headers: { ...call.headers, cookie: `${SESSION_COOKIE}=${cookie}` } });
    const fresh = sessionCookie(res.headers["set-cookie"]);
    if (fresh !== undefined) state.setCookie(fresh);
    return res;
  };
}

export function buildPipeline(o: PipelineOptions): Handler<ApiCall, unknown> {
  const wire = compose(trace(o.trace), cookieLayer(o.state))(transportHandler(o.transport));
  const codec: Handler<ApiCall, unknown> = async (call) => {
    const body = encodeRequest(o.registry, call.schema, call.args, call.soapHeaders ? { headers: call.soapHeaders } : {});
    const res = await wire({
      method: call.method,
      soapAction: o.soapAction,
      path: o.path,
      body,
      safe: call.safe,
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.timeout !== undefined ? { timeout: call.timeout } : {}),
    });
    return decodeResponse(o.registry, call.schema, res.body, {
      ...(o.longs ? { longs: o.longs } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
    });
  };
  return compose<ApiCall, unknown>(sessionLayer(o.state, o.isNotAuthenticated), retry<ApiCall, unknown>(o.retry))(codec);
}
