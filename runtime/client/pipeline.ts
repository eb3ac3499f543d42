/**
 * Builds the call chain once per client. Outside in:
 *
 *   session (NotAuthenticated → one shared re-login, replay once)
 *   → retry (transient transport failures; writes only when nothing was sent)
 *   → codec (encode, decode, fault → MethodFaultError)
 *   → trace (wire level: every request that leaves, the session's own Login included)
 *   → cookie (the session cookie, read at send time; pick up a new one)
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
import { toFaultError } from "../session/errors.js";
import { sessionLostInResult } from "../session/lost-in-result.js";
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
  /** Element budget handed to the streaming decoder. */
  readonly maxElements?: number;
  readonly isNotAuthenticated: (err: unknown) => boolean;
  /** SOAP header element that repeats the session cookie (pbm's `vcSessionCookie`); built per attempt, so a replay after a re-login carries the new one. */
  readonly sessionHeader?: string;
}

/** The cookie value without the quotes vSphere wraps it in (the form govmomi and pyVmomi put in `vcSessionCookie`). */
function sessionHeaderXml(element: string, cookie: string | undefined): string {
  if (cookie === undefined) return "";
  const bare = cookie.replace(/^"(.*)"$/, "$1").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<${element}>${bare}</${element}>`;
}

/**
 * Sends the session cookie and picks up a new one. The cookie is read when
 * the request gets a socket (send time), not when it was queued: a call that
 * waited behind busy sockets while the session was replaced goes out with
 * the new cookie, and one that would go out while a re-login is in flight
 * waits for it instead of paying a NotAuthenticated round trip.
 */
function cookieLayer(state: SessionState): Middleware<SoapCall, SoapResult> {
  return (next) => async (call) => {
    const own = call.sessionCall === true;
    const res = await next({
      ...call,
      sendTimeHeaders: () => {
        if (!own && state.recovering) return state.settled();
        const cookie = state.cookie;
        const headers: Record<string, string> = cookie === undefined ? {} : { cookie: `${SESSION_COOKIE}=${cookie}` };
        return headers;
      },
    });
    const fresh = sessionCookie(res.headers["set-cookie"]);
    if (fresh !== undefined) state.setCookie(fresh);
    return res;
  };
}

const SERVICE_INSTANCE = { type: "ServiceInstance", value: "ServiceInstance" };

/** CurrentTime needs a session (System.View), so on a dead one it faults NotAuthenticated at method level. */
function sessionProbe(call: ApiCall): ApiCall {
  return {
    method: "CurrentTime",
    args: { _this: SERVICE_INSTANCE },
    safe: true,
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.deadline ? { deadline: call.deadline } : {}),
  };
}

export function buildPipeline(o: PipelineOptions): Handler<ApiCall, unknown> {
  const wire = compose(trace(o.trace), cookieLayer(o.state))(transportHandler(o.transport));
  const codec: Handler<ApiCall, unknown> = async (call) => {
    // A sealer runs per attempt: each retry carries a fresh timestamp and signature.
    const given = call.soapHeaders;
    // The session header is built per attempt too, so a replay after a re-login carries the new cookie.
    const headers = typeof given === "function" ? given : (given ?? "") + (o.sessionHeader ? sessionHeaderXml(o.sessionHeader, o.state.cookie) : "");
    const body = encodeRequest(o.registry, call.method, call.args, typeof headers === "function" ? { seal: headers } : headers ? { headers } : {});
    const res = await wire({
      method: call.method,
      soapAction: o.soapAction,
      path: o.path,
      body,
      safe: call.safe,
      ...(call.recover === false ? { sessionCall: true } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.deadline ? { deadline: call.deadline } : call.timeout !== undefined ? { timeout: call.timeout } : {}),
    });
    return decodeResponse(o.registry, call.method, res.body, {
      faultFactory: (info) => toFaultError(o.registry, info),
      ...(o.longs ? { longs: o.longs } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      ...(o.maxElements !== undefined ? { maxElements: o.maxElements } : {}),
    });
  };
  return compose<ApiCall, unknown>(sessionLayer(o.state, o.isNotAuthenticated, sessionLostInResult, sessionProbe), retry<ApiCall, unknown>(o.retry))(codec);
}
