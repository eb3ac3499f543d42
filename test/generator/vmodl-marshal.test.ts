import { describe, expect, it } from "vitest";
import { decodeMarshal, MarshalError, RubyHash, RubySymbol, type RubyValue } from "../../generator/vmodl/marshal.js";

/**
 * Byte sequences are written out by hand from the Marshal 4.8 format
 * description, not produced by an encoder of ours, so a shared misreading of
 * the format cannot make both sides agree.
 */
const HEADER = [0x04, 0x08];
const b = (...parts: (number | string)[]): Uint8Array =>
  Uint8Array.from([...HEADER, ...parts.flatMap((p) => (typeof p === "number" ? [p] : [...Buffer.from(p, "latin1")]))]);
const decode = (...parts: (number | string)[]): RubyValue => decodeMarshal(b(...parts), { file: "t.bin" });

function failure(bytes: Uint8Array, opts: { maxDepth?: number } = {}): MarshalError {
  try {
    decodeMarshal(bytes, { file: "t.bin", ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(MarshalError);
    return e as MarshalError;
  }
  throw new Error("expected a MarshalError");
}

describe("immediates", () => {
  it("nil, true, false", () => {
    expect(decode("0")).toBeNull();
    expect(decode("T")).toBe(true);
    expect(decode("F")).toBe(false);
  });
});

describe("Fixnum encodings at their boundaries", () => {
  it.each([
    [[0x00], 0],
    [[0x06], 1],
    [[0x7f], 122],
    [[0x01, 0x7b], 123],
    [[0x01, 0xff], 255],
    [[0x02, 0x00, 0x01], 256],
    [[0x02, 0xff, 0xff], 65535],
    [[0x03, 0x00, 0x00, 0x01], 65536],
    [[0x04, 0xff, 0xff, 0xff, 0x3f], 2 ** 30 - 1],
    [[0xfa], -1],
    [[0x80], -123],
    [[0xff, 0x84], -124],
    [[0xff, 0x00], -256],
    [[0xfe, 0xff, 0xfe], -257],
    [[0xfc, 0x00, 0x00, 0x00, 0xc0], -(2 ** 30)],
  ])("%j → %d", (bytes, want) => {
    expect(decode("i", ...bytes)).toBe(want);
  });

  it("also reads the non-canonical 4-byte form Ruby accepts", () => {
    expect(decode("i", 0x04, 0x00, 0x00, 0x00, 0x40)).toBe(2 ** 30);
  });
});

describe("Bignum", () => {
  it("2^30 is the first value Ruby writes as a Bignum", () => {
    // 'l', sign, length in 16-bit words (2 → 0x07), little-endian bytes.
    expect(decode("l", "+", 0x07, 0x00, 0x00, 0x00, 0x40)).toBe(2n ** 30n);
  });
  it("negative large", () => {
    expect(decode("l", "-", 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01)).toBe(-(2n ** 40n));
  });
  it("beyond 64 bits", () => {
    expect(decode("l", "+", 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00)).toBe(2n ** 64n);
  });
  it("rejects a bad sign byte", () => {
    const e = failure(b("l", "*", 0x06, 0x01, 0x00));
    expect(e.offset).toBe(3);
    expect(e.message).toMatch(/Bignum sign/);
  });
});

describe("Float", () => {
  it.each([
    ["1.5", 1.5],
    ["-0.25", -0.25],
    ["1e+20", 1e20],
    ["inf", Infinity],
    ["-inf", -Infinity],
  ])("%s", (text, want) => {
    expect(decode("f", text.length + 5, text)).toBe(want);
  });
  it("nan", () => {
    expect(decode("f", 0x08, "nan")).toBeNaN();
  });
  it("ignores Ruby 1.8's mantissa bytes after a NUL", () => {
    expect(decode("f", 0x0a, "2.5", 0x00, 0x12)).toBe(2.5);
  });
  it("rejects text that is not a number", () => {
    expect(failure(b("f", 0x08, "abc")).message).toMatch(/float literal/);
  });
});

describe("strings", () => {
  it("UTF-8 via E true", () => {
    expect(decode("I", '"', 0x07, 0xc3, 0xa9, 0x06, ":", 0x06, "E", "T")).toBe("é");
  });
  it("US-ASCII via E false", () => {
    expect(decode("I", '"', 0x0a, "hello", 0x06, ":", 0x06, "E", "F")).toBe("hello");
  });
  it("a named encoding", () => {
    expect(decode("I", '"', 0x06, 0xe9, 0x06, ":", 0x0d, "encoding", '"', 0x0f, "ISO-8859-1")).toBe("é");
  });
  it("binary strings (no encoding ivar) stay bytes", () => {
    expect(decode('"', 0x07, 0x00, 0xff)).toEqual(Uint8Array.from([0x00, 0xff]));
  });
  it("empty string", () => {
    expect(decode("I", '"', 0x00, 0x06, ":", 0x06, "E", "T")).toBe("");
  });
  it("rejects an unknown encoding name", () => {
    expect(failure(b("I", '"', 0x06, "x", 0x06, ":", 0x0d, "encoding", '"', 0x08, "zzz")).message).toMatch(/encoding "zzz"/);
  });
});

describe("symbols and symlinks", () => {
  it("a symlink yields the same symbol", () => {
    const v = decode("[", 0x07, ":", 0x08, "foo", ";", 0x00) as RubyValue[];
    expect(v[0]).toBeInstanceOf(RubySymbol);
    expect((v[0] as RubySymbol).name).toBe("foo");
    expect(v[1]).toBe(v[0]);
  });
  it("ivar names share the symbol table with values", () => {
    // Symbols: 0 = :a, 1 = :E. The last element links back to :E.
    const v = decode("[", 0x08, ":", 0x06, "a", "I", '"', 0x06, "b", 0x06, ":", 0x06, "E", "T", ";", 0x06) as RubyValue[];
    expect((v[0] as RubySymbol).name).toBe("a");
    expect(v[1]).toBe("b");
    expect((v[2] as RubySymbol).name).toBe("E");
  });
  it("rejects a symlink to a symbol not yet seen", () => {
    const e = failure(b("[", 0x06, ";", 0x06));
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/bad symlink index 1/);
  });
});

describe("object links", () => {
  it("link to an earlier string", () => {
    // Objects: 0 = the array, 1 = "a".
    const v = decode("[", 0x07, "I", '"', 0x06, "a", 0x06, ":", 0x06, "E", "T", "@", 0x06);
    expect(v).toEqual(["a", "a"]);
  });
  it("link to an enclosing array makes a cycle", () => {
    const v = decode("[", 0x06, "@", 0x00) as RubyValue[];
    expect(v[0]).toBe(v);
  });
  it("symbols and Fixnums take no object slot", () => {
    // Objects: 0 = outer array, 1 = inner array. `@1` must be the inner one.
    const v = decode("[", 0x09, ":", 0x06, "s", "i", 0x06, "[", 0x00, "@", 0x06) as RubyValue[];
    expect(v[3]).toBe(v[2]);
  });
  it("rejects a link past the object table", () => {
    const e = failure(b("[", 0x06, "@", 0x0a));
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/bad object link index 5/);
  });
  it("rejects a negative link", () => {
    expect(failure(b("@", 0xfa)).message).toMatch(/bad object link index -1/);
  });
});

describe("arrays and hashes", () => {
  it("nested array", () => {
    expect(decode("[", 0x07, "i", 0x06, "[", 0x06, "0")).toEqual([1, [null]]);
  });
  it("hash keeps order and keys", () => {
    const h = decode("{", 0x07, "i", 0x07, "T", "I", '"', 0x06, "k", 0x06, ":", 0x06, "E", "T", "F") as RubyHash;
    expect(h).toBeInstanceOf(RubyHash);
    expect([...h]).toEqual([
      [2, true],
      ["k", false],
    ]);
    expect(h.defaultValue).toBeUndefined();
  });
  it("hash with default", () => {
    const h = decode("}", 0x06, "i", 0x06, "i", 0x07, "i", 0x0e) as RubyHash;
    expect(h.get(1)).toBe(2);
    expect(h.defaultValue).toBe(9);
  });
});

describe("errors", () => {
  it("wrong version header", () => {
    for (const head of [[0x05, 0x08], [0x04, 0x09], [0x7b, 0x00]]) {
      const e = failure(Uint8Array.from([...head, 0x30]));
      expect(e.offset).toBe(0);
      expect(e.message).toMatch(/^t\.bin: byte offset 0: expected Marshal version header 4\.8/);
    }
  });
  it("empty and header-only streams", () => {
    expect(failure(new Uint8Array()).message).toMatch(/unexpected end of stream, expected Marshal major version/);
    expect(failure(Uint8Array.from(HEADER)).offset).toBe(2);
  });
  it("truncated array", () => {
    const e = failure(b("[", 0x07, "i", 0x06));
    expect(e.offset).toBe(6);
    expect(e.message).toMatch(/unexpected end of stream, expected a value tag/);
  });
  it("truncated multi-byte Fixnum", () => {
    expect(failure(b("i", 0x02, 0x01)).message).toMatch(/Fixnum \(byte 2 of 2\)/);
  });
  it("declared string length beyond the data", () => {
    const e = failure(b('"', 0x04, 0xff, 0xff, 0xff, 0x7f, "abc"));
    expect(e.offset).toBe(3);
    expect(e.message).toMatch(/declared string length 2147483647 exceeds the 3 bytes left/);
  });
  it("declared array and hash lengths beyond the data", () => {
    expect(failure(b("[", 0x03, 0xff, 0xff, 0xff, "0")).message).toMatch(/array length 16777215 exceeds/);
    // Each pair needs two bytes at least: 2 pairs in 3 bytes cannot be.
    expect(failure(b("{", 0x07, "0", "0", "0")).message).toMatch(/hash length 2 exceeds/);
  });
  it("negative length", () => {
    expect(failure(b('"', 0xfa)).message).toMatch(/negative string length -1/);
  });
  it("unknown tag", () => {
    const e = failure(b("[", 0x06, "Z"));
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/unknown Marshal tag 'Z' \(0x5a\)/);
  });
  it.each([
    ["o", "Object"],
    ["S", "Struct"],
    ["u", "user-defined _dump"],
    ["U", "user-defined marshal_dump"],
    ["/", "Regexp"],
    ["c", "Class"],
    ["e", "extended object"],
  ])("unsupported tag %s", (tag, what) => {
    const e = failure(b(tag, 0x00));
    expect(e.offset).toBe(2);
    expect(e.message).toContain(`unsupported Marshal type '${tag}' (${what})`);
  });
  it("deep nesting stops at the limit instead of overflowing the stack", () => {
    const depth = 100_000;
    const bytes = new Uint8Array(2 + depth * 2 + 1);
    bytes.set(HEADER);
    for (let i = 0; i < depth; i++) bytes.set([0x5b, 0x06], 2 + i * 2);
    bytes[bytes.length - 1] = 0x30;
    const e = failure(bytes);
    expect(e.message).toMatch(/nesting deeper than 256 levels/);
    expect(failure(b("[", 0x06, "[", 0x06, "0"), { maxDepth: 1 }).message).toMatch(/deeper than 1/);
  });
  it("trailing bytes are corruption unless allowed", () => {
    expect(failure(b("0", "0")).message).toMatch(/expected end of stream.*1 more bytes/);
    expect(decodeMarshal(b("0", "0"), { allowTrailing: true })).toBeNull();
  });
  it("an ivar symbol slot holding a non-symbol", () => {
    expect(failure(b("I", '"', 0x06, "a", 0x06, "i", 0x00, "T")).message).toMatch(/expected a symbol/);
  });
  it("E ivar must be boolean", () => {
    expect(failure(b("I", '"', 0x06, "a", 0x06, ":", 0x06, "E", "i", 0x06)).message).toMatch(/true\/false for the E/);
  });
  it("names the file", () => {
    expect(() => decodeMarshal(Uint8Array.from([1]), { file: "some/where.db" })).toThrow(/^some\/where\.db: byte offset/);
  });
});
