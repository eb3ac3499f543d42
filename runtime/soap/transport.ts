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
import { Pool, request } from "./undici.js";
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
import { buildTlsConnector, failedBeforeSending, peerThumbprints, type TlsOptions } from "./tls.js";

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

/** Options of one HTTP request (a client call's options are `CallOptions`, runtime/client/descriptor.ts). */
export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Overrides the transport's deadline for this request; 0 disables. Ignored when `deadline` is set. */
  readonly timeout?: number;
  /** The call's overall deadline: this request gets whatever time remains of it. */
  readonly deadline?: Deadline;
  /** SOAP method name, used only in error messages. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers decided when the request is about to leave, after it got one of the
 * client's sockets, not when it was queued: the session cookie, which a
 * re-login may replace while a call waits. May instead return a promise to
 * wait for first (a re-login in flight); the socket slot is given back
 * meanwhile, then the function is asked again.
 */
export type SendTimeHeaders = () => Readonly<Record<string, string>> | Promise<void>;

export interface PostRequest extends RequestOptions {
  /** Default `/sdk`. */
  readonly path?: string;
  /** `urn:vim25/8.0.2.0`; sent verbatim in the `SOAPAction` header. */
  readonly soapAction: string;
  readonly body: string;
  readonly sendTimeHeaders?: SendTimeHeaders;
}

export interface GetOptions extends RequestOptions {
  /** Throw NotXmlError when the body is not XML. Default true. */
  readonly expectXml?: boolean;
}

/** A plain HTTP request (not SOAP): the `/folder` datastore file endpoint and similar. */
export interface HttpRequest extends RequestOptions {
  readonly verb: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  /** Path and query, e.g. `/folder/a.txt?dcPath=DC0&dsName=ds1`. */
  readonly path: string;
  /** Streamed as it is read; give `content-length` in `headers` when known (vSphere's file endpoint wants it). */
  readonly body?: string | Uint8Array | AsyncIterable<Uint8Array>;
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
  /**
   * Any verb, any body, the same pool and TLS policy. A non-2xx status throws
   * HttpStatusError; the body is never required to be XML.
   */
  request?(req: HttpRequest): Promise<TransportResponse>;
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

/** The URL as text for a message, with any user:password@ part masked. */
function urlForMessage(input: unknown): string {
  return JSON.stringify(String(input).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1…@").slice(0, 200));
}

/**
 * Parses the server URL given as option `option` of `who` (e.g. connect's
 * `url`), with messages that name the option and say what is expected,
 * instead of a bare "TypeError: Invalid URL".
 */
export function parseServerUrl(input: string | URL, who: string, tls: { readonly thumbprint?: unknown; readonly ca?: unknown } = {}): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError(`${who}: \`url\` must be an absolute URL such as "https://vc.example.com/sdk", got ${urlForMessage(input)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${who}: \`url\` must start with https:// (or http:// for a plain-HTTP endpoint), got ${JSON.stringify(url.protocol)} in ${urlForMessage(input)}`);
  }
  if (url.protocol === "http:" && (tls.thumbprint !== undefined || tls.ca !== undefined)) {
    const option = tls.thumbprint !== undefined ? "thumbprint" : "ca";
    throw new TypeError(
      `${who}: \`${option}\` checks the server's TLS certificate, but \`url\` is http://${url.host}, which has none; use https://${url.host}${url.pathname === "/" ? "" : url.pathname}`,
    );
  }
  return url;
}

export function createTransport(opts: TransportOptions): Transport {
  const url = parseServerUrl(opts.url, "createTransport", opts);
  const origin = url.origin;
  const host = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
  const connectTimeout = opts.connectTimeout ?? DEFAULTS.connectTimeout;
  const defaultTimeout = opts.timeout ?? DEFAULTS.timeout;
  const logger: Logger = opts.logger ?? {
    warn: (m) => process.emitWarning(m, { code: "TSVMOMI_INSECURE_TLS" }),
  };
  const baseCtx: CallContext = { host };
  const plainHttp = url.protocol === "http:";

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
  // At most one request per socket is handed to undici, so undici never queues: a queued request
  // waits here, where its send-time headers (the cookie) are read only once it gets a socket.
  const slots = new Slots(opts.connections ?? DEFAULTS.connections);

  async function send(
    verb: HttpRequest["verb"],
    path: string,
    headers: Record<string, string>,
    body: HttpRequest["body"],
    call: RequestOptions & { sendTimeHeaders?: SendTimeHeaders },
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
    let holding = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
      deadline.signal.removeEventListener("abort", finish);
      if (holding) slots.release();
      holding = false;
    };
    // A body nobody reads must not keep its socket slot past the deadline.
    deadline.signal.addEventListener("abort", finish, { once: true });
    const fail = (err: unknown, inBody: boolean): unknown =>
      deadline.signal.aborted ? deadline.signal.reason : mapError(err, ctx, connectTimeout, inBody, plainHttp);

    let res: Awaited<ReturnType<typeof request>>;
    try {
      let late: Readonly<Record<string, string>> = {};
      for (;;) {
        await slots.acquire(deadline.signal);
        holding = true;
        if (done) {
          holding = false;
          slots.release();
          deadline.signal.throwIfAborted();
        }
        const got = call.sendTimeHeaders?.();
        if (!(got instanceof Promise)) {
          if (got) late = got;
          break;
        }
        holding = false;
        slots.release();
        await raceSignal(got, deadline.signal);
      }
      res = await request(pool, {
        path,
        method: verb,
        headers: { ...headers, ...late },
        // undici streams an AsyncIterable body too; its typings list only the Readable form.
        ...(body !== undefined ? { body: body as string } : {}),
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
    const encoding = headerValue(res.headers["content-encoding"])?.trim().toLowerCase();
    const encoded = encoding !== undefined && encoding !== "" && encoding !== "identity" ? encoding : undefined;
    const status = res.statusCode;
    const ok = status >= 200 && status < 300;

    if (!ok && !(allowXml500 && status === 500)) {
      await readHead(excerptReady).catch(() => undefined);
      await drop();
      throw new HttpStatusError(
        ctx,
        status,
        excerpt(head, contentType, encoded),
        status === 503 || status === 429 ? parseRetryAfter(headerValue(res.headers["retry-after"])) : undefined,
      );
    }
    if (encoded) {
      // The client sends no Accept-Encoding, so a compressed body is a misbehaving server or proxy: say so, never show its bytes.
      await drop();
      throw new NotXmlError(ctx, status, contentType, `a ${encoded}-compressed body (Content-Encoding: ${encoded}), which the client did not ask for`);
    }
    if (expectXml || status === 500) {
      await readHead(sniffReady);
      if (!looksLikeXml(head, contentType)) {
        await readHead(excerptReady).catch(() => undefined);
        await drop();
        throw new NotXmlError(ctx, status, contentType, excerpt(head, contentType, encoded));
      }
    }
    return {
      status,
      headers: res.headers,
      body: createBody({ head, rest, mapError: (err) => fail(err, true), finish, fromSocket: true }),
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
      const call: RequestOptions = { method: `GET ${path}`, ...options };
      return send("GET", path, headers, undefined, call, options.expectXml ?? true, false);
    },
    request(req) {
      const headers: Record<string, string> = {
        "user-agent": opts.userAgent ?? DEFAULTS.userAgent,
        ...req.headers,
      };
      const call: RequestOptions = { ...req, method: req.method ?? `${req.verb} ${req.path.split("?")[0]}` };
      return send(req.verb, req.path, headers, req.body, call, false, false);
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

/**
 * A counting semaphore. A released slot is handed to the next waiter on the
 * next macrotask, so that whatever the finished response set in motion (its
 * fault reaching the session layer, which then starts a re-login) has run
 * before the waiter reads its send-time headers.
 */
class Slots {
  #free: number;
  readonly #waiters: Array<{ resolve: () => void; reject: (e: unknown) => void; signal: AbortSignal; onAbort: () => void }> = [];
  constructor(size: number) {
    this.#free = Math.max(1, size);
  }

  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0 && this.#waiters.length === 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    this.#free++;
    setImmediate(() => this.#handOver());
  }

  #handOver(): void {
    while (this.#free > 0 && this.#waiters.length > 0) {
      const w = this.#waiters.shift()!;
      w.signal.removeEventListener("abort", w.onAbort);
      this.#free--;
      w.resolve();
    }
  }
}

function raceSignal(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(); // the caller asks again and sees what the failure left behind
      },
    );
  });
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function mapError(err: unknown, ctx: CallContext, connectTimeout: number, inBody: boolean, plainHttp = false): unknown {
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
    const peer = peerThumbprints(err);
    return new TlsError(ctx, { reason: "verify", detail: `${code}: ${message}`, ...(peer ? { got: peer.sha256, gotSha1: peer.sha1 } : {}) }, { cause: err });
  }
  // A socket that died during the TLS handshake (FIN or RST): nothing was sent yet.
  if (code === "ECONNRESET" && !inBody && (failedBeforeSending(err) || /before secure TLS connection was established/.test(message))) {
    return new ConnectError(ctx, code, { cause: err });
  }
  if ((code && RESET_CODES.has(code)) || code?.startsWith("HPE_")) {
    // A TLS port answers plain HTTP by closing (Node, vCenter's proxy) or with bytes that are not HTTP.
    const hint = plainHttp && !inBody ? `the url is http://${ctx.host}; if that port speaks TLS, use https://` : undefined;
    return new ResetError(ctx, { truncated: inBody, syscallCode: code, ...(hint ? { hint } : {}) }, { cause: err });
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

/** The first `maxBytes` bytes of the chunks read so far, as text (only those bytes are copied: it runs on every answer). */
function headText(head: readonly Uint8Array[], maxBytes: number): string {
  const parts: Buffer[] = [];
  let size = 0;
  for (const c of head) {
    if (size >= maxBytes) break;
    const take = Math.min(c.byteLength, maxBytes - size);
    parts.push(Buffer.from(c.buffer, c.byteOffset, take));
    size += take;
  }
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  return buf.toString("utf8").replace(/^\uFEFF/, "");
}

function looksLikeXml(head: readonly Uint8Array[], contentType: string | undefined): boolean {
  if (contentType && /html/i.test(contentType)) return false;
  const start = sniffText(head);
  if (start === "") return true; // empty body: let the codec report "empty response"
  if (HTML_STARTS.some((h) => start.startsWith(h))) return false;
  return start.startsWith("<");
}

/** More than this share of control or undecodable characters makes a body binary: described, never quoted. */
const BINARY_SHARE = 0.1;

function excerpt(head: readonly Uint8Array[], contentType: string | undefined, encoding?: string): string {
  const size = head.reduce((n, c) => n + c.byteLength, 0);
  if (encoding) return `${size}+ bytes of ${encoding}-compressed data (Content-Encoding: ${encoding})`;
  const raw = headText(head, EXCERPT_READ_BYTES);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: counting control characters is how binary data is told from text
  const odd = raw.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/g)?.length ?? 0;
  if (raw.length > 0 && odd / raw.length > BINARY_SHARE) return `${size}+ bytes of binary data`;
  // Redact before stripping tags: stripping first would leave a password as bare text.
  const text = redact(raw);
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
