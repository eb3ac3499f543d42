/**
 * The call chain, in two named steps, each a MiddlewareStack. Outside in:
 *
 *   step "call" (a method call with its arguments, before encoding):
 *     session (NotAuthenticated → one shared re-login, replay once)
 *     → retry (transient transport failures; writes only when nothing was sent)
 *   → codec (encode, decode, fault → MethodFaultError): the boundary between steps
 *   step "wire" (the SOAP request as bytes and headers):
 *     trace (every request that leaves, the session's own Login included)
 *     → cookie (the session cookie, read at send time; pick up a new one)
 *   → transport
 *
 * Trace sits at the wire rather than on top: placed above the session layer it
 * would miss the re-login and the replay, which are exactly the requests worth
 * seeing (and the ones that carry secrets, so its redaction must see them).
 *
 * A user layer (`connect({ middleware })`, `client.use()`) joins either step by
 * name: outermost by default, or `before`/`after` a named entry.
 */
import { decodeResponse, encodeRequest, type LongPolicy } from "../codec/index.js";
import type { SchemaRegistry } from "../schema.js";
import { cookieLayer } from "../soap/cookie.js";
import { trace, transportHandler, type Handler, type Middleware, type SoapCall, type SoapResult, type TraceOptions } from "../soap/middleware.js";
import { retry, type RetryOptions } from "../soap/retry.js";
import { MiddlewareStack } from "../soap/stack.js";
import type { Transport } from "../soap/transport.js";
import type { ApiCall } from "../session/api-call.js";
import { CurrentTime } from "../session/builtin-methods.js";
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

const SERVICE_INSTANCE = { type: "ServiceInstance", value: "ServiceInstance" };

/** CurrentTime needs a session (System.View), so on a dead one it faults NotAuthenticated at method level. */
function sessionProbe(call: ApiCall): ApiCall {
  return {
    schema: CurrentTime,
    method: CurrentTime.name,
    args: { _this: SERVICE_INSTANCE },
    safe: true,
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.deadline ? { deadline: call.deadline } : {}),
  };
}

interface Placement {
  /** Unique within its step. Built in: "session", "retry" (step "call"); "trace", "cookie" (step "wire"). */
  readonly name: string;
  /** Just outside this named entry of the same step. */
  readonly before?: string;
  /** Just inside this named entry of the same step. */
  readonly after?: string;
}

/**
 * A layer a user adds to a client. `step: "call"` sees each method call
 * (`call.method`, `call.args`, the decoded result or the MethodFaultError);
 * `step: "wire"` sees each SOAP request (`call.headers`, `call.body`) and the
 * raw response, the session's own Login and replays included.
 */
export type Layer =
  | (Placement & { readonly step: "call"; readonly middleware: Middleware<ApiCall, unknown> })
  | (Placement & { readonly step: "wire"; readonly middleware: Middleware<SoapCall, SoapResult> });

export interface Stacks {
  readonly call: MiddlewareStack<ApiCall, unknown>;
  readonly wire: MiddlewareStack<SoapCall, SoapResult>;
}

/** The built-in entries of both steps. */
export function builtinStacks(o: PipelineOptions): Stacks {
  return {
    call: new MiddlewareStack<ApiCall, unknown>("call")
      .add({ name: "retry", middleware: retry<ApiCall, unknown>(o.retry) })
      .add({ name: "session", middleware: sessionLayer(o.state, o.isNotAuthenticated, sessionLostInResult, sessionProbe) }),
    wire: new MiddlewareStack<SoapCall, SoapResult>("wire")
      .add({ name: "cookie", middleware: cookieLayer(o.state) })
      .add({ name: "trace", middleware: trace(o.trace) }),
  };
}

/** Adds a user layer to its step; a TypeError names the problem (unknown step, clashing name, unknown anchor). */
export function addLayer(stacks: Stacks, layer: Layer): void {
  if (layer?.step === "call") stacks.call.add(layer);
  else if (layer?.step === "wire") stacks.wire.add(layer);
  else throw new TypeError(`middleware: a layer needs step "call" or "wire", got ${JSON.stringify((layer as { step?: unknown } | undefined)?.step)}`);
}

/** Resolves both steps around the codec and the transport into one handler. */
export function resolvePipeline(o: PipelineOptions, stacks: Stacks): Handler<ApiCall, unknown> {
  const wire = stacks.wire.resolve()(transportHandler(o.transport));
  const codec: Handler<ApiCall, unknown> = async (call) => {
    // A sealer runs per attempt: each retry carries a fresh timestamp and signature.
    const given = call.soapHeaders;
    // The session header is built per attempt too, so a replay after a re-login carries the new cookie.
    const headers = typeof given === "function" ? given : (given ?? "") + (o.sessionHeader ? sessionHeaderXml(o.sessionHeader, o.state.cookie) : "");
    const body = encodeRequest(o.registry, call.schema, call.args, typeof headers === "function" ? { seal: headers } : headers ? { headers } : {});
    const res = await wire({
      method: call.method,
      soapAction: o.soapAction,
      path: o.path,
      body,
      safe: call.safe,
      ...(call.recover === false ? { sessionCall: true } : {}),
      schema: call.schema,
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.deadline ? { deadline: call.deadline } : call.timeout !== undefined ? { timeout: call.timeout } : {}),
    });
    const stream = call.stream;
    return decodeResponse(o.registry, call.schema, res.body, {
      ...(stream
        ? {
            stream: {
              ...(stream.field !== undefined ? { field: stream.field } : {}),
              deliver: (items, parent) => {
                stream.started = true;
                return stream.onItems(items, parent);
              },
            },
          }
        : {}),
      ...(o.longs ? { longs: o.longs } : {}),
      ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
      ...(o.maxElements !== undefined ? { maxElements: o.maxElements } : {}),
    });
  };
  return stacks.call.resolve()(codec);
}

/** The built-in stacks plus `layers`, resolved. */
export function buildPipeline(o: PipelineOptions, layers: readonly Layer[] = []): Handler<ApiCall, unknown> {
  const stacks = builtinStacks(o);
  for (const layer of layers) addLayer(stacks, layer);
  return resolvePipeline(o, stacks);
}
