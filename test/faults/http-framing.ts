/**
 * Just enough HTTP/1.1 framing for the fault proxy: where a request or a
 * response starts, where its head ends and where its body ends (Content-Length,
 * chunked, or "until the connection closes"). Bodies are never interpreted.
 */

export interface MessageHead {
  /** `POST /sdk HTTP/1.1` or `HTTP/1.1 200 OK`. */
  readonly startLine: string;
  /** Lower-cased names, values as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Byte length of the head, the blank line included. */
  readonly headLength: number;
}

export interface Framed {
  readonly head: MessageHead;
  /** Total byte length of the message, or "close" when the body runs until the peer closes. */
  readonly length: number | "close";
}

export class FramingError extends Error {
  override readonly name = "FramingError";
}

/** Heads bigger than this are not HTTP we want to forward. */
const MAX_HEAD_BYTES = 64 * 1024;

export function headerValue(head: MessageHead, name: string): string | undefined {
  return head.headers.find(([k]) => k === name)?.[1];
}

function parseHead(buf: Buffer): MessageHead | undefined {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw new FramingError(`message head exceeds ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const startLine = lines.shift() ?? "";
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new FramingError(`malformed header line ${JSON.stringify(line.slice(0, 60))}`);
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, headLength: end + 4 };
}

/** End offset of a chunked body starting at `from`, or undefined while incomplete. */
function chunkedEnd(buf: Buffer, from: number): number | undefined {
  let pos = from;
  for (;;) {
    const eol = buf.indexOf("\r\n", pos);
    if (eol < 0) return undefined;
    const size = Number.parseInt(buf.subarray(pos, eol).toString("latin1").split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new FramingError(`bad chunk size at byte ${pos}`);
    pos = eol + 2;
    if (size === 0) {
      // Optional trailers, then the blank line.
      if (buf.length < pos + 2) return undefined;
      if (buf[pos] === 0x0d && buf[pos + 1] === 0x0a) return pos + 2;
      const end = buf.indexOf("\r\n\r\n", pos);
      return end < 0 ? undefined : end + 4;
    }
    pos += size + 2;
    if (pos > buf.length) return undefined;
  }
}

/**
 * Frames the message at the start of `buf`. Undefined while more bytes are
 * needed. Requests without a length have no body; responses without one run
 * until close (HTTP/1.1 §6.3).
 */
export function frame(buf: Buffer, kind: "request" | "response"): Framed | undefined {
  const head = parseHead(buf);
  if (!head) return undefined;
  if (kind === "response") {
    const status = Number(head.startLine.split(" ")[1]);
    if ((status >= 100 && status < 200) || status === 204 || status === 304) return { head, length: head.headLength };
  }
  const te = headerValue(head, "transfer-encoding");
  if (te && /chunked/i.test(te)) {
    const end = chunkedEnd(buf, head.headLength);
    return end === undefined ? undefined : { head, length: end };
  }
  const cl = headerValue(head, "content-length");
  if (cl !== undefined) {
    const n = Number(cl);
    if (!Number.isSafeInteger(n) || n < 0) throw new FramingError(`bad content-length ${JSON.stringify(cl)}`);
    return buf.length >= head.headLength + n ? { head, length: head.headLength + n } : undefined;
  }
  return kind === "request" ? { head, length: head.headLength } : { head, length: "close" };
}

/** The SOAP operation in a request body (first element inside Body), else `VERB /path`. */
export function operationOf(head: MessageHead, body: Buffer): string {
  const text = body.subarray(0, 4096).toString("utf8");
  const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(text);
  if (m) return m[1]!;
  const [verb, path] = head.startLine.split(" ");
  return `${verb ?? "?"} ${path ?? "?"}`;
}
