/**
 * Transport-level errors (raised by soap/). Each says what was being called,
 * where, and what happened. None of them ever includes a cookie value, a
 * header value or an unredacted body.
 */
import { TsvmomiError, type ErrorOptions } from "./base.js";
import { ErrorCode } from "./codes.js";

/** Where the failing call was going. */
export interface CallContext {
  /** SOAP method name (`RetrievePropertiesEx`), or `GET /sdk/vimServiceVersions.xml`. */
  readonly method?: string;
  /** `host:port` of the server. */
  readonly host: string;
}

function describe(ctx: CallContext): string {
  return `${ctx.method ?? "request"} to ${ctx.host}`;
}

export class TransportError extends TsvmomiError {
  static override readonly kind: string = "TransportError";

  readonly method: string | undefined;
  readonly host: string;
  /** What happened, without the "<method> to <host>:" prefix. */
  readonly detail: string;

  constructor(code: ErrorCode, ctx: CallContext, what: string, options?: ErrorOptions) {
    super(code, `${describe(ctx)}: ${what}`, options);
    this.detail = what;
    this.method = ctx.method;
    this.host = ctx.host;
  }
}

/**
 * The connection could not be established (refused, DNS, unreachable).
 * The request was never written, so it is safe to retry even for writes.
 */
export class ConnectError extends TransportError {
  static override readonly kind = "ConnectError";
  readonly syscallCode: string | undefined;
  constructor(ctx: CallContext, syscallCode: string | undefined, options?: ErrorOptions) {
    super(ErrorCode.CONNECT, ctx, `could not connect (${syscallCode ?? "connection failed"})`, options);
    this.syscallCode = syscallCode;
  }
}

/**
 * The connection closed or was reset after the request may have been sent,
 * including a response body cut short (`truncated`).
 */
export class ResetError extends TransportError {
  static override readonly kind = "ResetError";
  readonly truncated: boolean;
  readonly syscallCode: string | undefined;
  constructor(ctx: CallContext, detail: { truncated: boolean; syscallCode?: string; hint?: string }, options?: ErrorOptions) {
    const what =
      (detail.truncated
        ? `connection closed before the response body was complete (${detail.syscallCode ?? "truncated"})`
        : `connection reset before a response arrived (${detail.syscallCode ?? "ECONNRESET"})`) + (detail.hint ? `; ${detail.hint}` : "");
    super(ErrorCode.RESET, ctx, what, options);
    this.truncated = detail.truncated;
    this.syscallCode = detail.syscallCode;
  }
}

export type TimeoutPhase = "connect" | "response";

export class TimeoutError extends TransportError {
  static override readonly kind = "TimeoutError";
  readonly phase: TimeoutPhase;
  readonly ms: number;
  /** True when the call's whole deadline passed (every attempt and backoff counted): it is not retried. */
  readonly deadline: boolean;
  constructor(ctx: CallContext, phase: TimeoutPhase, ms: number, options?: ErrorOptions & { deadline?: boolean }) {
    const what =
      phase === "connect"
        ? `connect timed out after ${ms} ms`
        : options?.deadline
          ? `call deadline of ${ms} ms passed (it covers every attempt, the backoff between them and the response body)`
          : `response timed out after ${ms} ms (headers and body)`;
    super(ErrorCode.TIMEOUT, ctx, what, options?.cause === undefined ? undefined : { cause: options.cause });
    this.phase = phase;
    this.ms = ms;
    this.deadline = options?.deadline === true;
  }
}

export class HttpStatusError extends TransportError {
  static override readonly kind = "HttpStatusError";
  readonly status: number;
  /** A short, redacted, whitespace-collapsed excerpt of the body. */
  readonly excerpt: string;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(ctx: CallContext, status: number, excerpt: string, retryAfterMs?: number) {
    super(ErrorCode.HTTP_STATUS, ctx, `HTTP ${status}${excerpt ? `: ${excerpt}` : ""}`);
    this.status = status;
    this.excerpt = excerpt;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The server (or something in front of it) answered with something that is not XML, e.g. an HTML error page. */
export class NotXmlError extends TransportError {
  static override readonly kind = "NotXmlError";
  readonly status: number;
  readonly contentType: string | undefined;
  readonly excerpt: string;
  constructor(ctx: CallContext, status: number, contentType: string | undefined, excerpt: string) {
    const ct = contentType ? `content-type ${contentType}` : "no content-type";
    super(
      ErrorCode.NOT_XML,
      ctx,
      `expected an XML SOAP response, got HTTP ${status} with ${ct}${excerpt ? `: ${excerpt}` : ""}`,
    );
    this.status = status;
    this.contentType = contentType;
    this.excerpt = excerpt;
  }
}

export type TlsFailure = "thumbprint-mismatch" | "verify";

export class TlsError extends TransportError {
  static override readonly kind = "TlsError";
  readonly reason: TlsFailure;
  /** Thumbprints are public (they identify a certificate, they do not unlock anything), so both are reported. */
  readonly expected: string | undefined;
  /** SHA-256 thumbprint of the certificate the server presented, when known. */
  readonly got: string | undefined;
  /** Its SHA-1 thumbprint (what govc, pyVmomi and the vSphere UI show), for a verify failure. */
  readonly gotSha1: string | undefined;
  constructor(
    ctx: CallContext,
    detail: { reason: TlsFailure; expected?: string; got?: string; gotSha1?: string; detail?: string },
    options?: ErrorOptions,
  ) {
    const seen = detail.got
      ? `; the server's certificate has SHA-256 thumbprint ${detail.got}${detail.gotSha1 ? ` (SHA-1 ${detail.gotSha1})` : ""}. If that is the certificate you expect, pin it with \`thumbprint: "${detail.got}"\`; otherwise pass \`ca\` with the server's CA, or \`insecure: true\``
      : "; pass `ca` with the server's CA, `thumbprint` to pin its certificate, or `insecure: true`";
    const what =
      detail.reason === "thumbprint-mismatch"
        ? `server certificate SHA-256 thumbprint mismatch: expected ${detail.expected}, got ${detail.got ?? "no certificate"}`
        : `TLS verification failed (${detail.detail ?? "unknown"})${seen}`;
    super(ErrorCode.TLS, ctx, what, options);
    this.reason = detail.reason;
    this.expected = detail.expected;
    this.got = detail.got;
    this.gotSha1 = detail.gotSha1;
  }
}

export class ClosedError extends TransportError {
  static override readonly kind = "ClosedError";
  constructor(ctx: CallContext, options?: ErrorOptions) {
    super(ErrorCode.CLOSED, ctx, "transport is closed", options);
  }
}

/**
 * A non-idempotent call failed after the request may have reached the
 * server: it may or may not have taken effect. `cause` is the transport error.
 */
export class OutcomeUnknownError extends TransportError {
  static override readonly kind = "OutcomeUnknownError";
  constructor(ctx: CallContext, cause: TransportError) {
    super(
      ErrorCode.OUTCOME_UNKNOWN,
      ctx,
      `outcome unknown: ${cause.detail}, and the request may already have reached the server, so it was not retried`,
      { cause },
    );
  }
}

export class VersionNegotiationError extends TransportError {
  static override readonly kind = "VersionNegotiationError";
  constructor(ctx: CallContext, what: string, options?: ErrorOptions) {
    super(ErrorCode.VERSION, ctx, what, options);
  }
}

export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError;
}
