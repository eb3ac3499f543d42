/**
 * SOAP middleware: `(next) => (call) => Promise`. The types are generic so a
 * layer written here (retry) also fits above the codec, where calls carry
 * typed arguments; `SoapCall`/`SoapResult` are the wire-level defaults.
 */
import { channel } from "node:diagnostics_channel";
import { bufferedBody, concatBytes, createBody } from "./body.js";
import { REDACTED, redact, redactHeaders } from "./redact.js";
import type { PostRequest, Transport, TransportResponse } from "./transport.js";
import type { MethodSchema } from "../schema.js";
import { redactSecretFields, type SecretFieldTypes } from "./redact-fields.js";

export { redact, redactHeaders } from "./redact.js";

/** A wire-level call: the transport's POST plus what the middleware needs to know about it. */
export interface SoapCall extends PostRequest {
  readonly method: string;
  /** Idempotent read (RetrievePropertiesEx, CurrentTime…): may be retried after a transport failure. */
  readonly safe?: boolean;
  /** The session's own call (Login, its checks): sent at once, never held back for a re-login. */
  readonly sessionCall?: boolean;
  /** The method's schema, when the call came through the codec: the trace reads the secret flags of its parameters and result. */
  readonly schema?: MethodSchema;
}
export type SoapResult = TransportResponse;

export type Handler<C = SoapCall, R = SoapResult> = (call: C) => Promise<R>;
export type Middleware<C = SoapCall, R = SoapResult> = (next: Handler<C, R>) => Handler<C, R>;

/** `compose(a, b, c)(h)` is `a(b(c(h)))`: the first middleware is the outermost. Resolve once per client. */
export function compose<C = SoapCall, R = SoapResult>(...middleware: Array<Middleware<C, R>>): Middleware<C, R> {
  middleware.forEach((m, i) => {
    if (typeof m !== "function") throw new TypeError(`compose: middleware #${i} is ${typeof m}, expected a function`);
  });
  return (next) => middleware.reduceRight<Handler<C, R>>((h, m) => m(h), next);
}

/** The innermost handler: sends the call through a transport. */
export function transportHandler(transport: Transport): Handler<SoapCall, SoapResult> {
  return (call) => transport.post(call);
}

export const TRACE_REQUEST_CHANNEL = "tsvmomi:soap:request";
export const TRACE_RESPONSE_CHANNEL = "tsvmomi:soap:response";

export interface TraceRequestMessage {
  readonly id: number;
  readonly method: string;
  readonly soapAction: string;
  readonly path: string;
  /** Redacted. */
  readonly headers: Record<string, string | string[]>;
  /** Redacted. */
  readonly body: string;
}

export interface TraceResponseMessage {
  readonly id: number;
  readonly method: string;
  readonly status?: number;
  /** Redacted. */
  readonly headers?: Record<string, string | string[]>;
  /** Redacted. */
  readonly body?: string;
  /** Set instead of status/body when the call failed; the message is redacted. */
  readonly error?: { readonly name: string; readonly code?: string; readonly message: string };
}

export interface TraceOptions {
  /** Log redacted bodies as text lines. Default: `process.env.TSVMOMI_TRACE === "1"`. */
  readonly log?: boolean;
  /** Where log lines go. Default: stderr. */
  readonly write?: (line: string) => void;
  /**
   * Literal values masked wherever they appear (the session cookie, the
   * password), read at each call. Catches what element-name redaction cannot:
   * a server echoing a secret in a fault message or under an innocent name.
   */
  readonly secrets?: () => Iterable<string | undefined>;
  /**
   * The bindings' types and secret flags: besides redact()'s built-in names,
   * a field flagged secret is redacted where it occurs, typed from the call's
   * `schema` (see redact-fields.ts). Without them, only the built-in names are.
   */
  readonly secretFields?: () => SecretFieldTypes;
  /**
   * Most bytes of one response body the trace holds in memory to publish. A longer
   * body is published cut at this size and handed on as a stream (held prefix, then
   * the socket), so tracing never buffers more than this and the codec's own size
   * limit still applies while it reads. Default 8 MiB.
   */
  readonly maxBodyBytes?: number;
}

export const DEFAULT_TRACE_BODY_BYTES = 8 * 1024 * 1024;

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** `redact`, the secret-flagged fields, then every known secret value (raw and XML-escaped) replaced by REDACTED. */
function masker(options: TraceOptions, call: SoapCall, direction: "request" | "response"): (text: string) => string {
  const { secrets } = options;
  const fields = options.secretFields?.();
  const structural = (text: string) => (fields ? redactSecretFields(redact(text), fields, call.schema, direction) : redact(text));
  if (!secrets) return structural;
  return (text) => {
    let out = structural(text);
    for (const s of secrets()) {
      // Very short values would mask unrelated text and protect little.
      if (!s || s.length < 4) continue;
      out = out.split(s).join(REDACTED);
      const escaped = xmlEscape(s);
      if (escaped !== s) out = out.split(escaped).join(REDACTED);
    }
    return out;
  };
}

function maskHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  mask: (text: string) => string,
): Record<string, string | string[]> {
  const out = redactHeaders(headers);
  for (const [k, v] of Object.entries(out)) out[k] = typeof v === "string" ? mask(v) : v.map(mask);
  return out;
}

let nextId = 1;

/**
 * Publishes each call on `tsvmomi:soap:request` / `tsvmomi:soap:response`
 * when someone subscribes (or TSVMOMI_TRACE=1), and costs nothing otherwise.
 * While tracing, response bodies are buffered so they can be published: the
 * codec then reads from memory instead of the socket.
 */
interface Held {
  chunks: Uint8Array[];
  size: number;
  /** Set when the body is longer than the cap: the iterator to continue from. */
  rest?: true;
  iterator: AsyncIterator<Uint8Array>;
}

/** Reads a body until it ends or `cap` bytes are held, whichever comes first. */
async function holdPrefix(body: SoapResult["body"], cap: number): Promise<Held> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const step = await iterator.next();
    if (step.done) return { chunks, size, iterator };
    chunks.push(step.value);
    size += step.value.byteLength;
    if (size > cap) return { chunks, size, rest: true, iterator };
  }
}

export function trace(options: TraceOptions = {}): Middleware<SoapCall, SoapResult> {
  const requests = channel(TRACE_REQUEST_CHANNEL);
  const responses = channel(TRACE_RESPONSE_CHANNEL);
  const log = options.log ?? process.env.TSVMOMI_TRACE === "1";
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));

  return (next) => async (call) => {
    if (!log && !requests.hasSubscribers && !responses.hasSubscribers) return next(call);
    const mask = masker(options, call, "request");
    const maskResponse = masker(options, call, "response");
    const id = nextId++;
    const request: TraceRequestMessage = {
      id,
      method: call.method,
      soapAction: call.soapAction,
      path: call.path ?? "/sdk",
      headers: maskHeaders(call.headers ?? {}, mask),
      body: mask(call.body),
    };
    if (requests.hasSubscribers) requests.publish(request);
    if (log) write(`[tsvmomi #${id}] -> ${request.method} ${request.soapAction}\n${request.body}`);

    const failed = (err: unknown): never => {
      const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
      const message: TraceResponseMessage = {
        id,
        method: call.method,
        error: {
          name: typeof e?.name === "string" ? e.name : "Error",
          ...(typeof e?.code === "string" ? { code: e.code } : {}),
          message: mask(typeof e?.message === "string" ? e.message : String(err)),
        },
      };
      if (responses.hasSubscribers) responses.publish(message);
      if (log) write(`[tsvmomi #${id}] !! ${call.method} ${message.error!.name}: ${message.error!.message}`);
      throw err;
    };

    let result: SoapResult;
    let held: Held;
    try {
      result = await next(call);
      held = await holdPrefix(result.body, options.maxBodyBytes ?? DEFAULT_TRACE_BODY_BYTES);
    } catch (err) {
      return failed(err);
    }
    const text = new TextDecoder("utf-8").decode(concatBytes(held.chunks, held.size));
    const cut = held.rest ? `\n[… body continues past ${held.size} bytes; not traced]` : "";
    const response: TraceResponseMessage = {
      id,
      method: call.method,
      status: result.status,
      headers: maskHeaders(result.headers, mask),
      body: maskResponse(text) + cut,
    };
    if (responses.hasSubscribers) responses.publish(response);
    if (log) write(`[tsvmomi #${id}] <- ${call.method} HTTP ${result.status}\n${response.body}`);
    if (!held.rest) return { ...result, body: bufferedBody(concatBytes(held.chunks, held.size)) };
    // The transport's own body finishes (and maps errors) when its iterator ends or is returned.
    return { ...result, body: createBody({ head: held.chunks, rest: held.iterator, mapError: (e) => e, finish: () => undefined }) };
  };
}
