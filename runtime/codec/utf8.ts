/**
 * Strict UTF-8 → string for response bodies, chunk by chunk.
 *
 * `TextDecoder` with `fatal: true` (what strictness asks for) takes ICU's
 * converter, several times slower than Node's SIMD validation (`isUtf8`)
 * plus `Buffer#toString`; decoding a whole 35 MB body into one string is
 * slower still (a large-object allocation), so in-memory bodies go through
 * here in slices too. Same contract as the fatal TextDecoder: invalid or
 * truncated UTF-8 throws, a leading byte-order mark is dropped, and a
 * character split across chunks is carried over to the next one.
 */
import { Buffer, isUtf8 } from "node:buffer";

/** How much of an in-memory body is turned into one string at a time. */
export const UTF8_SLICE = 64 * 1024;

export class InvalidUtf8 extends Error {}

export class Utf8Chunks {
  /** The first 1 to 3 bytes of a character whose remaining bytes are in the next chunk. */
  private tail: Uint8Array | undefined;
  private started = false;

  /** The text of every complete character in `chunk` (after any carried-over bytes). `last` says no chunk follows. */
  decode(chunk: Uint8Array, last: boolean): string {
    let text = "";
    if (this.tail !== undefined) {
      const tail = this.tail;
      const need = sequenceLength(tail[0]!) - tail.length;
      if (chunk.byteLength < need) {
        this.tail = concat(tail, chunk);
        if (last) throw new InvalidUtf8("truncated UTF-8 sequence at the end of the body");
        return "";
      }
      this.tail = undefined;
      text = this.complete(concat(tail, chunk.subarray(0, need)));
      chunk = chunk.subarray(need);
    }
    let end = chunk.byteLength;
    if (!last) {
      const cut = incompleteFrom(chunk);
      if (cut < end) {
        this.tail = chunk.slice(cut);
        end = cut;
      }
    }
    const body = this.complete(end === chunk.byteLength ? chunk : chunk.subarray(0, end));
    // join, not "+": the tokenizer scans a flat string faster than a cons (and this join is rare: a split character).
    text = text.length === 0 ? body : body.length === 0 ? text : [text, body].join("");
    if (last && this.tail !== undefined) throw new InvalidUtf8("truncated UTF-8 sequence at the end of the body");
    return text;
  }

  private complete(bytes: Uint8Array): string {
    if (bytes.byteLength === 0) return "";
    if (!isUtf8(bytes)) throw new InvalidUtf8("invalid UTF-8");
    let s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    if (!this.started) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    return s;
  }
}

/** Bytes in the UTF-8 sequence that `lead` starts; 1 for bytes that cannot start one (isUtf8 rejects those). */
function sequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return lead < 0xf8 ? 4 : 1;
}

/** Where the trailing incomplete character of `bytes` starts, or its length when it ends on a character boundary. */
function incompleteFrom(bytes: Uint8Array): number {
  const len = bytes.byteLength;
  // A character is at most 4 bytes, so its lead byte is within the last 3 if it is cut short.
  for (let i = len - 1; i >= 0 && i >= len - 3; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) return i + sequenceLength(b) > len ? i : len;
  }
  return len;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
