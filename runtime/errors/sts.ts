/**
 * Errors of the SSO token layer. They join the client's error family
 * (ClientError: stable `code`, `Symbol.for` brand) and never carry a token,
 * a password or key material: messages name the STS URL, the operation and
 * what was expected, and server text passes through `redact`.
 */
import { redact } from "../soap/redact.js";
import { ClientError } from "./client.js";
import { ErrorCode } from "./codes.js";

export type StsOperation = "Issue" | "Renew" | "LoginByToken" | "discover";

/** Base of every STS/token error. */
export class StsError extends ClientError {
  static override readonly kind: string = "StsError";
  readonly operation: StsOperation;
  /** The STS endpoint (no credentials), when one was involved. */
  readonly url: string | undefined;
  constructor(code: ErrorCode, operation: StsOperation, message: string, options?: { cause?: unknown; url?: string | undefined }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.operation = operation;
    this.url = options?.url;
  }
}

/** The STS answered with a SOAP fault, e.g. `wst:FailedAuthentication` for a wrong password or an unknown certificate. */
export class StsFaultError extends StsError {
  static override readonly kind = "StsFaultError";
  /** The fault code as sent (`ns0:FailedAuthentication`). */
  readonly faultCode: string;
  /** Its local part (`FailedAuthentication`). */
  readonly faultName: string;
  /** The server's faultstring, redacted. */
  readonly serverMessage: string;
  constructor(operation: StsOperation, url: string, faultCode: string, serverMessage: string) {
    const local = faultCode.slice(faultCode.indexOf(":") + 1);
    const text = redact(serverMessage);
    super(ErrorCode.STS_FAULT, operation, `STS ${operation} at ${url}: ${local || "SOAP fault"}${text ? `: ${text}` : ""}`, { url });
    this.faultCode = faultCode;
    this.faultName = local;
    this.serverMessage = text;
  }
}

/** The STS answer is not what WS-Trust prescribes (not XML, no token, no lifetime…). */
export class StsResponseError extends StsError {
  static override readonly kind = "StsResponseError";
  readonly reason: string;
  constructor(operation: StsOperation, url: string, reason: string, options?: { cause?: unknown }) {
    super(ErrorCode.STS_RESPONSE, operation, `STS ${operation} at ${url}: malformed response: ${reason}`, { ...options, url });
    this.reason = reason;
  }
}

/** The certificate or private key given for holder-of-key signing is unusable. */
export class StsKeyError extends StsError {
  static override readonly kind = "StsKeyError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.STS_KEY, "Issue", `holder-of-key credentials: ${message}`, options);
  }
}

/** A token is past its lifetime (or too close to its end to use); nothing was sent. */
export class TokenExpiredError extends StsError {
  static override readonly kind = "TokenExpiredError";
  readonly expires: Date;
  constructor(operation: StsOperation, expires: Date, now: Date, url?: string) {
    super(
      ErrorCode.TOKEN_EXPIRED,
      operation,
      `${operation}: the SAML token expired at ${expires.toISOString()} (now ${now.toISOString()}); issue a new one`,
      { url },
    );
    this.expires = expires;
  }
}

/** Renewing a token failed; `cause` says why (a fault, a transport error, an expired token). */
export class TokenRenewError extends StsError {
  static override readonly kind = "TokenRenewError";
  constructor(url: string | undefined, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(ErrorCode.TOKEN_RENEW, "Renew", `renewing the SAML token failed: ${redact(why)}`, { cause, url });
  }
}
