/**
 * Errors raised above the transport: a server fault (MethodFaultError), a
 * method newer than the connection, a lost session, a closed client, and the
 * watches and waits of property/, task/ and inventory/.
 *
 * A vSphere fault becomes a MethodFaultError carrying `faultChain` (its type,
 * then each base up to MethodFault), which the generated fault classes check
 * in `Symbol.hasInstance`: `err instanceof faults.InvalidLogin` holds without
 * the runtime importing generated code.
 */
import type { SchemaRegistry } from "../schema.js";
import { redact } from "../soap/redact.js";
import type { MoRef } from "../types.js";
import { TsvmomiError, type ErrorOptions } from "./base.js";
import { ErrorCode } from "./codes.js";

/** The family of every error on this page; `instanceof ClientError` matches them all. */
export class ClientError extends TsvmomiError {
  static override readonly kind: string = "ClientError";
}

/** What a SOAP fault said, as the decoder read it. */
export interface SoapFaultInfo {
  /** The fault's xsi:type (`InvalidLogin`), or the detail element name minus `Fault`, or `""` when the server sent no detail. */
  readonly typeName: string;
  /** The decoded fault object (`{ _typeName: "InvalidLogin", faultMessage: [...] }`), or undefined without detail. */
  readonly fields: Record<string, unknown> | undefined;
  /** `faultstring`. */
  readonly message: string;
  readonly faultCode: string;
  readonly method: string;
}

/** A SOAP fault from the server (or a failed task's `info.error`), decoded. */
export class MethodFaultError extends ClientError {
  static override readonly kind = "MethodFaultError";
  /** `["InvalidLogin", "VimFault", "MethodFault"]`; empty when the server sent no fault detail. */
  readonly faultChain: readonly string[];
  /** The decoded fault object, `_typeName` first; undefined without detail. */
  readonly fault: Record<string, unknown> | undefined;
  readonly method: string;
  /** The server's `faultstring`, redacted. */
  readonly serverMessage: string;
  readonly faultCode: string;

  constructor(info: SoapFaultInfo, faultChain: readonly string[]) {
    const type = faultChain[0] ?? (info.faultCode || "SOAP fault");
    super(ErrorCode.FAULT, `${info.method}: ${type}${info.message ? `: ${redact(info.message)}` : ""}`);
    Object.defineProperty(this, "name", { value: type, enumerable: false, configurable: true, writable: true });
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
      ErrorCode.UNSUPPORTED_METHOD,
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
  constructor(message: string, options?: ErrorOptions & { method?: string }) {
    super(ErrorCode.SESSION, message, options);
    this.method = options?.method;
  }
}

export class SessionCacheError extends ClientError {
  static override readonly kind = "SessionCacheError";
  readonly file: string;
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(ErrorCode.SESSION_CACHE, `session cache ${file}: ${message}`, options);
    this.file = file;
  }
}

export class ClientClosedError extends ClientError {
  static override readonly kind = "ClientClosedError";
  constructor(method: string) {
    super(ErrorCode.CLIENT_CLOSED, `${method}: client is closed`);
  }
}

/** A property path that does not parse (`a.b[`); `offset` is where it went wrong. */
export class PropertyPathError extends ClientError {
  static override readonly kind = "PropertyPathError";
  readonly path: string;
  readonly offset: number;
  constructor(path: string, offset: number, expected: string) {
    super(ErrorCode.PROPERTY_PATH, `property path ${JSON.stringify(path)} at offset ${offset}: expected ${expected}`);
    this.path = path;
    this.offset = offset;
  }
}

/** The object a wait or a walk needs was deleted, or never existed. */
export class ObjectGoneError extends ClientError {
  static override readonly kind = "ObjectGoneError";
  readonly ref: MoRef;
  constructor(method: string, ref: MoRef, what: string) {
    super(ErrorCode.OBJECT_GONE, `${method}(${ref.type}:${ref.value}): ${what}`);
    this.ref = ref;
  }
}

/** A watch ended (the server or the client closed it) before what the caller waited for happened. */
export class WatchEndedError extends ClientError {
  static override readonly kind = "WatchEndedError";
  constructor(method: string, ref: MoRef, what: string) {
    super(ErrorCode.WATCH_ENDED, `${method}(${ref.type}:${ref.value}): ${what}`);
  }
}

/** The watch was closed (by `close()`, `await using` or its signal) while something still used it. */
export class WatchClosedError extends ClientError {
  static override readonly kind = "WatchClosedError";
  constructor() {
    super(ErrorCode.WATCH_CLOSED, "watch: closed");
  }
}

/** The collector's answers no longer add up (a truncated update, then nothing); only a fresh collector and a full read restore a known state. */
export class CollectorStateError extends ClientError {
  static override readonly kind = "CollectorStateError";
  constructor(message: string) {
    super(ErrorCode.COLLECTOR_STATE, message);
  }
}

/** `waitForProperties`' own deadline (`timeout`) passed. */
export class WaitTimeoutError extends ClientError {
  static override readonly kind = "WaitTimeoutError";
  readonly ms: number;
  constructor(message: string, ms: number) {
    super(ErrorCode.WAIT_TIMEOUT, message);
    this.ms = ms;
  }
}

/** The server stayed unreachable longer than the watch's outage budget (`outageBudgetMs`). `cause` is the last failure. */
export class WatchOutageError extends ClientError {
  static override readonly kind = "WatchOutageError";
  readonly outageMs: number;
  readonly budgetMs: number;
  constructor(outageMs: number, budgetMs: number, cause: unknown) {
    super(
      ErrorCode.WATCH_OUTAGE,
      `watch: gave up after the server was unreachable for ${Math.round(outageMs / 1000)} s (outageBudgetMs ${budgetMs}); last error: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
    this.outageMs = outageMs;
    this.budgetMs = budgetMs;
  }
}
