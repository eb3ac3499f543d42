/**
 * Error types of the codec. Both carry a stable `code` and a `Symbol.for`
 * brand so `instanceof` keeps working when two copies of the runtime meet
 * (e.g. a library bundling its own tsvmomi next to the application's).
 */

const CODEC_BRAND = Symbol.for("tsvmomi.CodecError");
const FAULT_BRAND = Symbol.for("tsvmomi.SoapFaultError");

export type CodecErrorCode =
  | "NOT_XML"
  | "MALFORMED_XML"
  | "TRUNCATED"
  | "DOCTYPE_FORBIDDEN"
  | "UNKNOWN_ENTITY"
  | "TOO_DEEP"
  | "TOO_LARGE"
  | "NOT_SOAP"
  | "UNEXPECTED_ELEMENT"
  | "BAD_VALUE"
  | "UNSAFE_LONG"
  | "UNKNOWN_METHOD"
  | "MISSING_PARAM"
  | "UNKNOWN_PARAM"
  | "UNKNOWN_FIELD"
  | "MISSING_FIELD"
  | "BAD_TYPE"
  | "INVALID_CHAR";

export interface CodecErrorDetails {
  /** Element path (`returnval/objects/propSet/val`) or parameter path (`specSet[0].propSet[1].type`). */
  path?: string;
  /** Character offset in the decoded response text. */
  offset?: number;
  method?: string;
  /** Up to 200 characters of the server's body, for non-XML/non-SOAP answers. */
  excerpt?: string;
}

export class CodecError extends Error {
  readonly code: CodecErrorCode;
  readonly path?: string;
  readonly offset?: number;
  readonly method?: string;
  readonly excerpt?: string;
  /** The message without location details. */
  readonly reason: string;

  constructor(code: CodecErrorCode, message: string, details: CodecErrorDetails = {}) {
    super(formatMessage(message, details));
    this.reason = message;
    this.name = "CodecError";
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.method !== undefined) this.method = details.method;
    if (details.excerpt !== undefined) this.excerpt = details.excerpt;
  }

  get [CODEC_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CODEC_BRAND] === true;
  }
}

function formatMessage(message: string, d: CodecErrorDetails): string {
  const where: string[] = [];
  if (d.method !== undefined) where.push(`method ${d.method}`);
  if (d.path) where.push(`at ${d.path}`);
  if (d.offset !== undefined) where.push(`offset ${d.offset}`);
  let text = where.length ? `${message} (${where.join(", ")})` : message;
  if (d.excerpt !== undefined) text += `; body starts with: ${JSON.stringify(d.excerpt)}`;
  return text;
}

/** What a SOAP fault said, decoded; the session layer maps it to generated fault classes. */
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

export class SoapFaultError extends Error {
  readonly info: SoapFaultInfo;

  constructor(info: SoapFaultInfo) {
    super(`${info.method}: ${info.typeName || info.faultCode}: ${info.message}`);
    this.name = "SoapFaultError";
    this.info = info;
  }

  get typeName(): string {
    return this.info.typeName;
  }

  get [FAULT_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[FAULT_BRAND] === true;
  }
}
