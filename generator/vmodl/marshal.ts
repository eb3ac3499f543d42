/**
 * A Ruby Marshal (format 4.x) decoder covering the data-only subset that
 * rbvmomi's vmodl.db uses: nil, booleans, integers, floats, strings, symbols,
 * arrays and hashes, with object and symbol back-references.
 *
 * Anything that would need Ruby classes (objects, structs, user-marshalled
 * data, regexps, …) is rejected with a `MarshalError` rather than guessed at,
 * because the db never contains them and a half-decoded value is worse than a
 * clear stop.
 */

import { ErrorCode } from "tsvmomi";
import { GeneratorError } from "../errors.js";
import { TextDecoder } from "node:util";

/** A Ruby Symbol. Instances are interned per decode, so `===` compares names. */
export class RubySymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return `:${this.name}`;
  }
}

/** A Ruby Hash. Insertion order is kept; `defaultValue` is set for `Hash.new(x)` dumps. */
export class RubyHash extends Map<RubyValue, RubyValue> {
  defaultValue: RubyValue | undefined = undefined;
}

/**
 * Decoded values. Strings carrying an encoding (the `I` wrapper with `E` or
 * `encoding`) become JS strings; strings without one are binary in Ruby
 * (ASCII-8BIT) and stay bytes, so nothing is silently re-interpreted.
 * Integers outside the Fixnum range arrive as `bigint`.
 */
export type RubyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | RubySymbol
  | RubyValue[]
  | RubyHash;

export class MarshalError extends GeneratorError {
  static override readonly kind = "MarshalError";
  constructor(
    readonly file: string,
    readonly offset: number,
    /** What the decoder expected or found wrong, without the location prefix. */
    readonly detail: string,
  ) {
    super(ErrorCode.MARSHAL, `${file}: byte offset ${offset}: ${detail}`);
  }
}

export interface MarshalOptions {
  /** Shown in error messages. */
  file?: string;
  /** Nesting limit; real vmodl.db files nest about 8 deep. */
  maxDepth?: number;
  /** Ruby's Marshal.load ignores bytes after the value; by default we call them corruption. */
  allowTrailing?: boolean;
  /** When given, filled with the tag offset of every decoded Array and Hash, so callers can locate errors. */
  offsets?: WeakMap<object, number>;
}

const DEFAULT_MAX_DEPTH = 256;

/** Tags we recognise but refuse, so the message can say what the stream held. */
const UNSUPPORTED_TAGS: Record<string, string> = {
  o: "Object",
  S: "Struct",
  u: "user-defined _dump",
  U: "user-defined marshal_dump",
  e: "extended object",
  C: "user subclass of String/Array/Hash",
  c: "Class",
  m: "Module",
  M: "old-style Class/Module",
  "/": "Regexp",
  d: "Data",
};

const UTF8 = new TextDecoder("utf-8");
const LATIN1 = new TextDecoder("latin1");

function encodingDecoder(name: string): TextDecoder | undefined {
  try {
    return new TextDecoder(name);
  } catch {
    return undefined;
  }
}

/** A string body waiting for the ivars of its `I` wrapper to learn its encoding. */
class PendingBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly objectIndex: number,
  ) {}
}

class Reader {
  private pos = 0;
  private depth = 0;
  private readonly symbols: RubySymbol[] = [];
  private readonly interned = new Map<string, RubySymbol>();
  private readonly objects: RubyValue[] = [];

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string,
    private readonly maxDepth: number,
    private readonly offsets: WeakMap<object, number> | undefined,
  ) {}

  fail(detail: string, at = this.pos): never {
    throw new MarshalError(this.file, at, detail);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(what: string): number {
    if (this.pos >= this.buf.length) this.fail(`unexpected end of stream, expected ${what}`);
    return this.buf[this.pos++]!;
  }

  bytes(n: number, what: string): Uint8Array {
    if (n > this.remaining) {
      this.fail(`declared length ${n} of ${what} exceeds the ${this.remaining} bytes left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  header(): void {
    const major = this.byte("Marshal major version");
    const minor = this.byte("Marshal minor version");
    // Ruby itself loads any 4.x up to its own 4.8; anything else is not Marshal 4.
    if (major !== 4 || minor > 8) {
      this.fail(`expected Marshal version header 4.8, found ${major}.${minor}`, 0);
    }
  }

  /**
   * The compact integer encoding used for Fixnums and every length:
   * 0 → 0; 6..127 → n-5; -128..-6 → n+5; ±1..±4 → that many little-endian
   * bytes follow (negative counts mean a negative two's-complement value).
   */
  int(what: string): number {
    const c = (this.byte(what) << 24) >> 24;
    if (c === 0) return 0;
    if (c >= 5) return c - 5;
    if (c <= -5) return c + 5;
    if (c > 0) {
      let v = 0;
      for (let i = 0; i < c; i++) v += this.byte(`${what} (byte ${i + 1} of ${c})`) * 2 ** (8 * i);
      return v;
    }
    const n = -c;
    let v = 0;
    for (let i = 0; i < n; i++) v += this.byte(`${what} (byte ${i + 1} of ${n})`) * 2 ** (8 * i);
    return v - 2 ** (8 * n);
  }

  length(what: string, minBytesEach: number): number {
    const at = this.pos;
    const n = this.int(`${what} length`);
    if (n < 0) this.fail(`negative ${what} length ${n}`, at);
    // Every element needs at least `minBytesEach` bytes, so a larger count is a lie
    // we can catch before allocating anything.
    if (n * minBytesEach > this.remaining) {
      this.fail(`declared ${what} length ${n} exceeds the ${this.remaining} bytes left`, at);
    }
    return n;
  }

  symbol(): RubySymbol {
    const at = this.pos;
    const tag = this.byte("symbol (':' or ';')");
    if (tag === 0x3a /* : */) return this.symbolBody();
    if (tag === 0x3b /* ; */) return this.symlink(at);
    return this.fail(`expected a symbol (':' or ';'), found ${describeTag(tag)}`, at);
  }

  private symbolBody(): RubySymbol {
    const n = this.length("symbol", 1);
    const text = UTF8.decode(this.bytes(n, "symbol"));
    let sym = this.interned.get(text);
    if (!sym) {
      sym = new RubySymbol(text);
      this.interned.set(text, sym);
    }
    this.symbols.push(sym);
    return sym;
  }

  /** `at` is the offset of the `;` tag, which is what an error should point to. */
  private symlink(at: number): RubySymbol {
    const i = this.int("symlink index");
    const sym = this.symbols[i];
    if (i < 0 || !sym) this.fail(`bad symlink index ${i} (only ${this.symbols.length} symbols so far)`, at);
    return sym;
  }

  private register(v: RubyValue): number {
    this.objects.push(v);
    return this.objects.length - 1;
  }

  value(): RubyValue {
    if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
    try {
      const v = this.raw();
      return v instanceof PendingBytes ? this.settle(v, undefined) : v;
    } finally {
      this.depth--;
    }
  }

  /** Like `value()`, but string bodies stay pending so an enclosing `I` can pick their encoding. */
  private raw(): RubyValue | PendingBytes {
    const at = this.pos;
    const tag = this.byte("a value tag");
    switch (tag) {
      case 0x30 /* 0 */:
        return null;
      case 0x54 /* T */:
        return true;
      case 0x46 /* F */:
        return false;
      case 0x69 /* i */:
        return this.int("Fixnum");
      case 0x6c /* l */:
        return this.bignum();
      case 0x66 /* f */:
        return this.float(at);
      case 0x22 /* " */: {
        const n = this.length("string", 1);
        const idx = this.register(null);
        const bytes = this.bytes(n, "string");
        return new PendingBytes(bytes, idx);
      }
      case 0x3a /* : */:
        return this.symbolBody();
      case 0x3b /* ; */:
        return this.symlink(at);
      case 0x40 /* @ */: {
        const i = this.int("object link index");
        if (i < 0 || i >= this.objects.length) {
          this.fail(`bad object link index ${i} (only ${this.objects.length} objects so far)`, at);
        }
        return this.objects[i]!;
      }
      case 0x49 /* I */:
        return this.withIvars();
      case 0x5b /* [ */: {
        const n = this.length("array", 1);
        const arr: RubyValue[] = [];
        this.register(arr);
        this.offsets?.set(arr, at);
        for (let i = 0; i < n; i++) arr.push(this.value());
        return arr;
      }
      case 0x7b /* { */:
      case 0x7d /* } */: {
        const n = this.length("hash", 2);
        const h = new RubyHash();
        this.register(h);
        this.offsets?.set(h, at);
        for (let i = 0; i < n; i++) {
          const k = this.value();
          h.set(k, this.value());
        }
        if (tag === 0x7d) h.defaultValue = this.value();
        return h;
      }
      default: {
        const ch = String.fromCharCode(tag);
        const known = UNSUPPORTED_TAGS[ch];
        if (known) return this.fail(`unsupported Marshal type '${ch}' (${known}); only plain data is supported`, at);
        return this.fail(`unknown Marshal tag ${describeTag(tag)}, expected a value`, at);
      }
    }
  }

  private bignum(): bigint {
    const at = this.pos;
    const sign = this.byte("Bignum sign");
    if (sign !== 0x2b && sign !== 0x2d) this.fail(`expected Bignum sign '+' or '-', found ${describeTag(sign)}`, at);
    // The count is in 16-bit words.
    const words = this.length("Bignum", 2);
    const body = this.bytes(words * 2, "Bignum");
    this.register(null);
    let v = 0n;
    for (let i = body.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(body[i]!);
    const out = sign === 0x2d ? -v : v;
    this.objects[this.objects.length - 1] = out;
    return out;
  }

  private float(at: number): number {
    const n = this.length("float", 1);
    const idx = this.register(null);
    const raw = this.bytes(n, "float");
    // Ruby 1.8 appended mantissa bytes after a NUL; the text before it is authoritative.
    const nul = raw.indexOf(0);
    const text = LATIN1.decode(nul >= 0 ? raw.subarray(0, nul) : raw);
    let v: number;
    if (text === "nan") v = NaN;
    else if (text === "inf") v = Infinity;
    else if (text === "-inf") v = -Infinity;
    else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) v = Number(text);
    else return this.fail(`expected a float literal, found ${JSON.stringify(text)}`, at);
    this.objects[idx] = v;
    return v;
  }

  private withIvars(): RubyValue {
    const inner = this.raw();
    const n = this.length("instance variable", 2);
    let decoder: TextDecoder | undefined;
    for (let i = 0; i < n; i++) {
      const nameAt = this.pos;
      const name = this.symbol();
      const valAt = this.pos;
      const val = this.value();
      if (name.name === "E") {
        if (typeof val !== "boolean") this.fail(`expected true/false for the E (encoding) ivar`, valAt);
        // E false is US-ASCII: its bytes are all < 0x80 in valid data, so UTF-8 reads it correctly.
        decoder = UTF8;
      } else if (name.name === "encoding") {
        if (typeof val !== "string" && !(val instanceof Uint8Array)) {
          this.fail(`expected a string naming the encoding ivar`, valAt);
        }
        const encName = typeof val === "string" ? val : LATIN1.decode(val);
        decoder = encodingDecoder(encName);
        if (!decoder) this.fail(`unsupported string encoding ${JSON.stringify(encName)}`, valAt);
      } else if (name.name === "") {
        this.fail(`empty instance variable name`, nameAt);
      }
    }
    return inner instanceof PendingBytes ? this.settle(inner, decoder) : inner;
  }

  private settle(p: PendingBytes, decoder: TextDecoder | undefined): RubyValue {
    const v: RubyValue = decoder ? decoder.decode(p.bytes) : p.bytes.slice();
    this.objects[p.objectIndex] = v;
    return v;
  }
}

function describeTag(b: number): string {
  const printable = b >= 0x20 && b < 0x7f;
  return printable ? `'${String.fromCharCode(b)}' (0x${b.toString(16).padStart(2, "0")})` : `byte 0x${b.toString(16).padStart(2, "0")}`;
}

/** Decode one Marshal stream. Throws `MarshalError` for anything it cannot decode exactly. */
export function decodeMarshal(buf: Uint8Array, opts: MarshalOptions = {}): RubyValue {
  const r = new Reader(buf, opts.file ?? "<buffer>", opts.maxDepth ?? DEFAULT_MAX_DEPTH, opts.offsets);
  r.header();
  const v = r.value();
  if (!opts.allowTrailing && r.remaining > 0) {
    r.fail(`expected end of stream after the top-level value, found ${r.remaining} more bytes`);
  }
  return v;
}
