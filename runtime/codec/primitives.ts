/**
 * Text → JS conversions for XSD primitives. Each returns the value or throws a
 * CodecError whose path is filled in by the caller (it knows the element path).
 */
import { CodecError } from "../errors/codec.js";

/**
 * How an xsd:long beyond ±(2^53−1) decodes (within that range it is always a
 * number): "bigint" (the default: exact, so a decode → encode round trip
 * never changes it), "round" (nearest double: lossy, opt-in), "error"
 * (CodecError UNSAFE_LONG).
 */
export type LongPolicy = "round" | "bigint" | "error";
export const DEFAULT_LONG_POLICY: LongPolicy = "bigint";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function bad(type: string, text: string): never {
  throw new CodecError("TSVMOMI_ERR_BAD_VALUE", `expected xsd:${type}, got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`);
}

export function parseBoolean(text: string): boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  const t = text.trim();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  return bad("boolean", text);
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

/**
 * The value of `text` when it is `-?[0-9]{1,maxDigits}`, else NaN: the form
 * vSphere always sends, parsed without `+text` and the validating regex
 * (which ran on every int before). Callers take the strict path on NaN.
 */
function plainDigits(text: string, maxDigits: number): number {
  const len = text.length;
  const neg = len > 0 && text.charCodeAt(0) === 45; /* - */
  let i = neg ? 1 : 0;
  if (len === i || len - i > maxDigits) return NaN;
  let v = 0;
  for (; i < len; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

export function parseInt32(text: string): number {
  const fast = plainDigits(text, 10);
  if (!Number.isNaN(fast)) return fast;
  const n = +text;
  // `+` accepts hex, exponents and "" as 0; vSphere sends plain digits, so the regex only runs on the odd value.
  if (Number.isInteger(n) && text.length > 0 && text.length < 12 && INTEGER.test(text)) return n;
  return bad("int", text);
}

export function parseLong(text: string, policy: LongPolicy): number | bigint {
  // Up to 15 digits is always within ±(2^53−1).
  const fast = plainDigits(text, 15);
  if (!Number.isNaN(fast)) return fast;
  const n = +text;
  if (!Number.isInteger(n) || text.length === 0 || !INTEGER.test(text)) return bad("long", text);
  if (n <= MAX_SAFE && n >= -MAX_SAFE) return n;
  if (policy === "round") return n;
  if (policy === "bigint") return BigInt(text.trim());
  throw new CodecError("TSVMOMI_ERR_UNSAFE_LONG", `xsd:long ${text.trim()} is beyond ±2^53-1 and cannot be represented exactly as a number (decoder option longs: "error")`);
}

export function parseDouble(text: string): number {
  const t = text.trim();
  if (t === "INF") return Infinity;
  if (t === "-INF") return -Infinity;
  if (t === "NaN") return NaN;
  const n = +t;
  if (t.length === 0 || Number.isNaN(n) || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return bad("double", text);
  return n;
}

const DATE_TIME = /^\s*(-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?\s*$/;

/** Sub-millisecond digits are truncated (a JS Date holds milliseconds); no zone means UTC, as vSphere always writes UTC. */
export function parseDateTime(text: string): Date {
  const m = DATE_TIME.exec(text);
  if (!m) return bad("dateTime", text);
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, "0") : "";
  const d = new Date(`${m[1]}${frac}${m[3] ?? "Z"}`);
  if (Number.isNaN(d.getTime())) return bad("dateTime", text);
  return d;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function parseBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) return bad("base64Binary", text);
  return Buffer.from(text, "base64");
}
