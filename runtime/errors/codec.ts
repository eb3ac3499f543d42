/**
 * The codec's error (raised by codec/ and by the schema tables): the response
 * is not the SOAP the schema expects, or a request cannot be encoded. The
 * message names the method, the element or parameter path and the offset.
 */
import { TsvmomiError } from "./base.js";
import type { ErrorCode } from "./codes.js";

export interface CodecErrorDetails {
  /** Element path (`returnval/objects/propSet/val`) or parameter path (`specSet[0].propSet[1].type`). */
  path?: string;
  /** Character offset in the decoded response text. */
  offset?: number;
  method?: string;
  /** Up to 200 characters of the server's body, for non-XML/non-SOAP answers. */
  excerpt?: string;
}

export class CodecError extends TsvmomiError {
  static override readonly kind: string = "CodecError";
  readonly path?: string;
  readonly offset?: number;
  readonly method?: string;
  readonly excerpt?: string;
  /** The message without location details. */
  readonly reason: string;

  constructor(code: ErrorCode, message: string, details: CodecErrorDetails = {}) {
    super(code, formatMessage(message, details));
    this.reason = message;
    if (details.path !== undefined) this.path = details.path;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.method !== undefined) this.method = details.method;
    if (details.excerpt !== undefined) this.excerpt = details.excerpt;
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
