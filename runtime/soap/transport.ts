/**
 * Moves SOAP bytes over one keep-alive undici Pool per client. Knows nothing
 * of types: the codec hands it an envelope string and decodes the streamed
 * body it returns.
 *
 * Status policy: 2xx and 500-with-XML are responses (a 500 carries a SOAP
 * fault, which the codec decodes); everything else throws HttpStatusError.
 * A body that is not XML (an HTML error page from a proxy, a login portal)
 * throws NotXmlError whatever the status.
 *
 * Abort policy: an aborted call rejects with `signal.reason`, unchanged and
 * unwrapped — a DOMException named "AbortError" when `abort()` was called
 * without a reason. This holds before the request, while waiting for headers
 * and while the body is being read.
 */
import { Pool } from "undici";
import type { ResponseBody } from "./body.js";
import { createBody } from "./body.js";
import {
  ClosedError,
  ConnectError,
  HttpStatusError,
  NotXmlError,
  ResetError,
  TimeoutError,
  TlsError,
  TransportError,
  type CallContext,
} from "../errors/transport.js";
import { ErrorCode } from "../errors/codes.js";
import { redact } from "./redact.js";
import { buildTlsConnector, failedBeforeSending, type TlsOptions } from "./tls.js";

export type { ResponseBody } from "./body.js";

export interface Logger {
  warn(message: string): void;
}

export interface TransportOptions extends TlsOptions {
  /** Server origin, e.g. `https://vc.example.com` or `https://10.0.0.5:8443`; a path part is ignored. */
  readonly url: string | URL;
  /** Milliseconds to establish TCP + TLS. Default 10 000. */
  readonly connectTimeout?: number;
  /** Default deadline in ms of one request, covering queueing, headers and the whole body. Default 300 000; 0 disables. */
  readonly timeout?: number;
  /** Maximum sockets to the server. Default 8. */
  readonly connections?: number;
  /** How long an idle keep-alive socket is kept, in ms, unless the server hints otherwise. Default 30 000. */
  readonly keepAliveTimeout?: number;
  readonly userAgent?: string;
  /** Receives the transport's warnings (insecure TLS). Default: `process.emitWarning`. */
  readonly logger?: Logger;
}

/**
 * A deadline shared by every attempt of one call (retries and backoff
 * included): `at` is the absolute time (Date.now() clock), `ms` the budget it
 * was computed from, for messages.
 */
export interface Deadline {
  readonly at: number;
  readonly ms: number;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Overrides the transport's deadline for this request; 0 disables. Ignored when `deadline` is set. */
  readonly timeout?: number;
  /** The call's overall deadline: this request gets whatever time remains of it. */
  readonly deadline?: Deadline;
  /** SOAP method name, used only in error messages. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PostRequest extends CallOptions {
  /** Default `/sdk`. */
  readonly path?: string;
  /** `urn:vim25/8.0.2.0`; sent verbatim in the `SOAPAction` header. */
  readonly soapAction: string;
  readonly body: string;
}

export interface GetOptions extends CallOptions {
  /** Throw NotXmlError when the body is not XML. Default true. */
  readonly expectXml?: boolean;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: ResponseBody;
}

export interface Transport {
  readonly origin: string;
  /** `host:port`, as used in error messages. */
  readonly host: string;
  post(req: PostRequest): Promise<TransportResponse>;
  get(path: string, options?: GetOptions): Promise<TransportResponse>;
  /** Waits for in-flight calls, then closes the sockets. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Default deadline of one call (the client) or one request (the bare transport). */
export const DEFAULT_TIMEOUT_MS = 300_000;

const DEFAULTS = {
  connectTimeout: 10_000,
  timeout: DEFAULT_TIMEOUT_MS,
  connections: 8,
  keepAliveTimeout: 30_000,
  userAgent: "tsvmomi",
} as const;

const EXCERPT_READ_BYTES = 4096;
const EXCERPT_CHARS = 200;

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EHOSTDOWN",
]);
const RESET_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "HOSTNAME_MISMATCH",
]);

export function createTransport(opts: TransportOptions): Transport {
  const url = new URL(opts.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`transport url must be http: or https:, got ${JSON.stringify(url.protocol)}`);
  }
  const origin = url.origin;
  const host = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  const connectTimeout = opts.connectTimeout ?? DEFAULTS.connectTimeout;
  const defaultTimeout = opts.timeout ?? DEFAULTS.timeout;
  const logger: Logger = opts.logger ?? {
    warn: (m) => process.emitWarning(m, { code: "TSVMOMI_INSECURE_TLS" }),
  };
  const baseCtx: CallContext = { host };

  if (url.protocol === "https:" && opts.insecure && opts.thumbprint === undefined) {
    logger.warn(
      `TLS certificate verification is disabled for ${host} (insecure: true): anyone on the network path can impersonate the server. Prefer \`thumbprint\` or \`ca\`.`,
    );
  }

  const pool = new Pool(origin, {
    connections: opts.connections ?? DEFAULTS.connections,
    keepAliveTimeout: opts.keepAliveTimeout ?? DEFAULTS.keepAliveTimeout,
    // The per-call deadline below is the single source of truth for response time.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: buildTlsConnector(opts, connectTimeout, baseCtx),
  });
  let closed: Promise<void> | undefined;

  async function send(
    verb: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    call: CallOptions,
    expectXml: boolean,
    allowXml500: boolean,
  ): Promise<TransportResponse> {
    const ctx: CallContext = { host, ...(call.method !== undefined ? { method: call.method } : {}) };
    call.signal?.throwIfAborted();
    if (closed) throw new ClosedError(ctx);

    const deadline = new AbortController();
    const whole = call.deadline;
    const ms = whole ? whole.at - Date.now() : call.timeout ?? defaultTimeout;
    const timedOut = () => (whole ? new TimeoutError(ctx, "response", whole.ms, { deadline: true }) : new TimeoutError(ctx, "response", ms));
    if (whole && ms <= 0) throw timedOut();
    const onAbort = () => deadline.abort(call.signal!.reason);
    call.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = ms > 0 ? setTimeout(() => deadline.abort(timedOut()), ms).unref() : undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
    };
    const fail = (err: unknown, inBody: boolean): unknown =>
      deadline.signal.aborted ? deadline.signal.reason : mapError(err, ctx, connectTimeout, inBody);

    let res;
    try {
      res = await pool.request({
        path,
        method: verb,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: deadline.signal,
      });
    } catch (err) {
      finish();
      throw fail(err, false);
    }

    const rest = res.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    const head: Uint8Array[] = [];
    /** Reads chunks into `head` until `enough(head)` or the end of the body. */
    const readHead = async (enough: (head: readonly Uint8Array[]) => boolean): Promise<void> => {
      while (!enough(head)) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await rest.next();
        } catch (err) {
          finish();
          throw fail(err, true);
        }
        if (step.done) return;
        head.push(step.value);
      }
    };
    const drop = async () => {
      await rest.return?.().catch(() => undefined);
      finish();
    };
    const contentType = headerValue(res.headers["content-type"]);
    const status = res.statusCode;
    const ok = status >= 200 && status < 300;

    if (!ok && !(allowXml500 && status === 500)) {
      await readHead(excerptReady).catch(() => undefined);
      await drop();
      throw new HttpStatusError(
        ctx,
        status,
        excerpt(head, contentType),
        status === 503 || status === 429 ? parseRetryAfter(headerValue(res.headers["retry-after"])) : undefined,
      );
    }
    if (expectXml || status === 500) {
      await readHead(sniffReady);
      if (!looksLikeXml(head, contentType)) {
        await readHead(excerptReady).catch(() => undefined);
        await drop();
        throw new NotXmlError(ctx, status, contentType, excerpt(head, contentType));
      }
    }
    return {
      status,
      headers: res.headers,
      body: createBody({ head, rest, mapError: (err) => fail(err, true), finish }),
    };
  }

  const transport: Transport = {
    origin,
    host,
    post(req) {
      const headers: Record<string, string> = {
        "content-type": 'text/xml; charset="utf-8"',
        accept: "text/xml",
        soapaction: req.soapAction,
        "user-agent": opts.userAgent ?? DEFAULTS.userAgent,
        ...req.headers,
      };
      return send("POST", req.path ?? "/sdk", headers, req.body, req, true, true);
    },
    get(path, options = {}) {
      const headers: Record<string, string> = {
        "user-agent": opts.userAgent ?? DEFAULTS.userAgent,
        ...options.headers,
      };
      const call: CallOptions = { method: `GET ${path}`, ...options };
      return send("GET", path, headers, undefined, call, options.expectXml ?? true, false);
    },
    close() {
      closed ??= pool.close();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return transport.close();
    },
  };
  return transport;
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function mapError(err: unknown, ctx: CallContext, connectTimeout: number, inBody: boolean): unknown {
  if (err instanceof TlsError) {
    // Raised by the connector, which does not know the method yet.
    return err.method === ctx.method
      ? err
      : new TlsError(ctx, { reason: err.reason, ...(err.expected ? { expected: err.expected } : {}), ...(err.got ? { got: err.got } : {}) });
  }
  if (err instanceof TransportError) return err;
  const code = errCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new TimeoutError(ctx, "connect", connectTimeout, { cause: err });
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new TimeoutError(ctx, "response", 0, { cause: err });
  }
  if (code && CONNECT_CODES.has(code)) return new ConnectError(ctx, code, { cause: err });
  if (code && (TLS_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_"))) {
    return new TlsError(ctx, { reason: "verify", detail: `${code}: ${message}` }, { cause: err });
  }
  // A socket that died during the TLS handshake (FIN or RST): nothing was sent yet.
  if (code === "ECONNRESET" && !inBody && (failedBeforeSending(err) || /before secure TLS connection was established/.test(message))) {
    return new ConnectError(ctx, code, { cause: err });
  }
  if ((code && RESET_CODES.has(code)) || code?.startsWith("HPE_")) {
    return new ResetError(ctx, { truncated: inBody, syscallCode: code }, { cause: err });
  }
  if (code === "UND_ERR_CLOSED" || code === "UND_ERR_DESTROYED") return new ClosedError(ctx, { cause: err });
  return new TransportError(ErrorCode.TRANSPORT, ctx, `unexpected failure (${code ?? "no code"}: ${redact(message)})`, {
    cause: err,
  });
}

const HTML_STARTS = ["<!doctype html", "<html"];

function sniffText(head: readonly Uint8Array[]): string {
  return headText(head, 1024).trimStart().replace(/\s+/g, " ").toLowerCase();
}

/**
 * Enough of the body has arrived to tell XML from HTML once the start is no
 * longer a prefix of an HTML opening. Waiting for a fixed byte count instead
 * would stall on a server that sends a short first chunk.
 */
function sniffReady(head: readonly Uint8Array[]): boolean {
  const start = sniffText(head);
  if (start.length >= 1024) return true;
  return start !== "" && !HTML_STARTS.some((h) => h.startsWith(start) && h !== start);
}

function excerptReady(head: readonly Uint8Array[]): boolean {
  return head.reduce((n, c) => n + c.byteLength, 0) >= EXCERPT_READ_BYTES;
}

function headText(head: readonly Uint8Array[], maxBytes: number): string {
  const buf = Buffer.concat(head.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  return buf.subarray(0, maxBytes).toString("utf8").replace(/^\uFEFF/, "");
}

function looksLikeXml(head: readonly Uint8Array[], contentType: string | undefined): boolean {
  if (contentType && /html/i.test(contentType)) return false;
  const start = sniffText(head);
  if (start === "") return true; // empty body: let the codec report "empty response"
  if (HTML_STARTS.some((h) => start.startsWith(h))) return false;
  return start.startsWith("<");
}

function excerpt(head: readonly Uint8Array[], contentType: string | undefined): string {
  // Redact before stripping tags: stripping first would leave a password as bare text.
  const text = redact(headText(head, EXCERPT_READ_BYTES));
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? (contentType && /html/i.test(contentType) ? text.replace(/<[^>]*>/g, " ") : text))
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS)}…` : plain;
}

/** `Retry-After` as delay-seconds or an HTTP-date, in ms; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}
