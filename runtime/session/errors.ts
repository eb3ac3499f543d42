/**
 * Errors raised above the transport. A vSphere fault becomes a
 * MethodFaultError carrying `faultChain` (its type, then each base up to
 * MethodFault), which is what the generated fault classes check in
 * `Symbol.hasInstance`: `err instanceof faults.InvalidLogin` holds without the
 * runtime importing generated code.
 *
 * Like the transport errors, each class is branded with `Symbol.for` so
 * `instanceof` survives two copies of the runtime in one program.
 */
import type { SoapFaultInfo } from "../codec/errors.js";
import type { SchemaRegistry } from "../schema.js";
import { redact } from "../soap/redact.js";

const KINDS = Symbol.for("tsvmomi.client.error.kinds");

export const ClientErrorCode = {
  fault: "TSVMOMI_ERR_FAULT",
  unsupportedMethod: "TSVMOMI_ERR_UNSUPPORTED_METHOD",
  session: "TSVMOMI_ERR_SESSION",
  sessionCache: "TSVMOMI_ERR_SESSION_CACHE",
  closed: "TSVMOMI_ERR_CLIENT_CLOSED",
  /** The SSO STS answered with a SOAP fault (bad credentials, expired request, refused renewal…). */
  stsFault: "TSVMOMI_ERR_STS_FAULT",
  /** The STS answer is not a WS-Trust response carrying a SAML token. */
  stsResponse: "TSVMOMI_ERR_STS_RESPONSE",
  /** The certificate or private key cannot sign (unreadable, not RSA, or not a pair). */
  stsKey: "TSVMOMI_ERR_STS_KEY",
  /** A SAML token is past its lifetime; it was not sent. */
  tokenExpired: "TSVMOMI_ERR_TOKEN_EXPIRED",
  /** Renewing a SAML token failed. */
  tokenRenew: "TSVMOMI_ERR_TOKEN_RENEW",
  // Raised by the helpers in object/ (finder, datastore files).
  notFound: "TSVMOMI_ERR_NOT_FOUND",
  multipleFound: "TSVMOMI_ERR_MULTIPLE_FOUND",
  fileTransfer: "TSVMOMI_ERR_FILE_TRANSFER",
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class ClientError extends Error {
  static readonly kind: string = "ClientError";
  readonly code: ClientErrorCode;

  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const kinds = (value as { [KINDS]?: unknown })[KINDS];
    return Array.isArray(kinds) && kinds.includes((this as unknown as { kind: string }).kind);
  }

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c)) {
      const kind = (c as { kind?: unknown }).kind;
      if (typeof kind === "string" && !kinds.includes(kind)) kinds.push(kind);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
    Object.defineProperty(this, "name", { value: kinds[0] ?? "ClientError", enumerable: false, configurable: true });
  }
}

/** A SOAP fault from the server, decoded. */
export class MethodFaultError extends ClientError {
  static override readonly kind = "MethodFaultError";
  /** `["InvalidLogin", "VimFault", "MethodFault"]`; empty when the server sent no fault detail. */
  readonly faultChain: readonly string[];
  /** The decoded fault object, `_typeName` first; undefined without detail. */
  readonly fault: Record<string, unknown> | undefined;
  readonly method: string;
  /** The server's `faultstring`. */
  readonly serverMessage: string;
  readonly faultCode: string;

  constructor(info: SoapFaultInfo, faultChain: readonly string[]) {
    const type = faultChain[0] ?? (info.faultCode || "SOAP fault");
    super(ClientErrorCode.fault, `${info.method}: ${type}${info.message ? `: ${redact(info.message)}` : ""}`);
    Object.defineProperty(this, "name", { value: type, enumerable: false, configurable: true });
    this.faultChain = faultChain;
    this.fault = info.fields;
    this.method = info.method;
    this.serverMessage = redact(info.message);
    this.faultCode = info.faultCode;
  }
}

/** The fault's type and its bases, up to and including MethodFault. */
export function faultChainOf(registry: SchemaRegistry, info: SoapFaultInfo): string[] {
  const chain: string[] = [];
  const wire = typeof info.fields?._unknownType === "string" ? info.fields._unknownType : undefined;
  if (wire) chain.push(wire);
  let name: string | undefined = typeof info.fields?._typeName === "string" ? info.fields._typeName : info.typeName;
  for (let guard = 0; name && guard < 64; guard++) {
    if (!chain.includes(name)) chain.push(name);
    if (name === "MethodFault") break;
    name = registry.type(name)?.base;
  }
  // A fault type this release does not know still is a MethodFault: that is all SOAP detail can be.
  if (chain.length > 0 && chain.at(-1) !== "MethodFault") chain.push("MethodFault");
  return chain;
}

export function toFaultError(registry: SchemaRegistry, info: SoapFaultInfo): MethodFaultError {
  return new MethodFaultError(info, faultChainOf(registry, info));
}

export function isFault(err: unknown, typeName: string): err is MethodFaultError {
  return err instanceof MethodFaultError && err.faultChain.includes(typeName);
}

/** The method is newer than the API version this connection speaks; raised before anything is sent. */
export class UnsupportedMethodError extends ClientError {
  static override readonly kind = "UnsupportedMethodError";
  readonly method: string;
  readonly since: string;
  readonly serverVersion: string;
  constructor(method: string, since: string, serverVersion: string) {
    super(
      ClientErrorCode.unsupportedMethod,
      `${method} needs vSphere API ${since} or later, but this connection speaks ${serverVersion}; it was not sent`,
    );
    this.method = method;
    this.since = since;
    this.serverVersion = serverVersion;
  }
}

/** The session expired and could not be restored (re-login failed or was refused again). */
export class SessionError extends ClientError {
  static override readonly kind = "SessionError";
  readonly method: string | undefined;
  constructor(message: string, options?: { cause?: unknown; method?: string }) {
    super(ClientErrorCode.session, message, options);
    this.method = options?.method;
  }
}

export class SessionCacheError extends ClientError {
  static override readonly kind = "SessionCacheError";
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(ClientErrorCode.sessionCache, `session cache ${file}: ${message}`, options);
    this.file = file;
  }
}

export class ClientClosedError extends ClientError {
  static override readonly kind = "ClientClosedError";
  constructor(method: string) {
    super(ClientErrorCode.closed, `${method}: client is closed`);
  }
}
