// The body's UTF-8 → string step (runtime/codec/utf8.ts) must answer exactly as a
// fatal TextDecoder does, wherever the transport splits the bytes.
import { describe, expect, it } from "vitest";
import { InvalidUtf8, Utf8Chunks } from "../../runtime/codec/utf8.js";
import { decodeResponse, decodeResponseSync } from "../../runtime/codec/index.js";
import { defineRegistry, type MethodSchema } from "../../runtime/schema.js";
import { CodecError } from "../../runtime/errors/index.js";

/** What the fatal TextDecoder says for the whole input: its text, or "invalid". */
function reference(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "invalid";
  }
}

function ours(parts: Uint8Array[]): string {
  const u = new Utf8Chunks();
  try {
    let out = "";
    for (let i = 0; i < parts.length; i++) out += u.decode(parts[i]!, i === parts.length - 1);
    return out;
  } catch (e) {
    if (e instanceof InvalidUtf8) return "invalid";
    throw e;
  }
}

/** Every way to cut `bytes` into three pieces (two cut points, empty pieces included). */
function* splits(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b++) yield [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
  }
}

const enc = new TextEncoder();
const VALID = [
  "",
  "plain ascii",
  "\uFEFF<a>BOM first</a>",
  "<a>\uFEFF not first</a>",
  "é 2-byte, € 3-byte, 𝄞 4-byte",
  "ééé€€€𝄞𝄞",
];
const INVALID: number[][] = [
  [0x3c, 0xff, 0xfe, 0x3e], // bytes that never occur in UTF-8
  [0x61, 0xc3], // truncated 2-byte sequence at the end
  [0x61, 0xe2, 0x82], // truncated 3-byte
  [0xf0, 0x9d, 0x84], // truncated 4-byte
  [0xc3, 0x28], // lead without its continuation
  [0x80, 0x61], // continuation without a lead
  [0xc0, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // UTF-16 surrogate
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xef, 0xbb], // a BOM cut short
];

describe("Utf8Chunks", () => {
  it("decodes valid text like a fatal TextDecoder at every split, dropping only a leading BOM", () => {
    for (const s of VALID) {
      const bytes = enc.encode(s);
      const want = reference(bytes);
      expect(want).not.toBe("invalid");
      for (const parts of splits(bytes)) expect(ours(parts)).toBe(want);
    }
    expect(ours([enc.encode("\uFEFFx")])).toBe("x");
    expect(ours([enc.encode("a\uFEFF")])).toBe("a\uFEFF");
  });

  it("rejects invalid and truncated UTF-8 at every split", () => {
    for (const bad of INVALID) {
      const bytes = Uint8Array.from(bad);
      expect(reference(bytes)).toBe("invalid");
      for (const parts of splits(bytes)) expect(ours(parts)).toBe("invalid");
      // Surrounded by valid text too.
      const framed = Uint8Array.from([...enc.encode("<a>é"), ...bad, ...enc.encode("€</a>")]);
      expect(reference(framed)).toBe("invalid");
      for (const parts of splits(framed)) expect(ours(parts)).toBe("invalid");
    }
  });

  it("agrees with TextDecoder on random byte strings in random pieces", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [0x3c, 0x61, 0x20, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9d, 0x84, 0x9e, 0x80, 0xbf, 0xef, 0xbb];
    let invalid = 0;
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 1 + rnd(12) }, () => alphabet[rnd(alphabet.length)]!);
      const parts: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const step = 1 + rnd(4);
        parts.push(bytes.subarray(at, at + step));
        at += step;
      }
      const want = reference(bytes);
      if (want === "invalid") invalid++;
      expect(ours(parts)).toBe(want);
    }
    // Both answers occurred, so the comparison tested something.
    expect(invalid).toBeGreaterThan(100);
    expect(invalid).toBeLessThan(2900);
  });
});

describe("decoding bodies through Utf8Chunks", () => {
  const reg = defineRegistry({ namespace: "urn:test", types: [] });
  const Get: MethodSchema = { name: "Get", params: [], returns: { name: "returnval", type: "string" }, safe: true };
  const body = (text: string) =>
    `\uFEFF<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><GetResponse xmlns="urn:test"><returnval>${text}</returnval></GetResponse></soapenv:Body></soapenv:Envelope>`;
  async function* pieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }

  it("gives the same value from bytes in memory (sliced past 64 KiB) and from any chunking", async () => {
    const text = "é€𝄞x".repeat(30_000); // 330,000 bytes: several 64 KiB slices, characters cut at their edges
    const bytes = new TextEncoder().encode(body(text));
    expect(decodeResponseSync(reg, Get, bytes)).toBe(text);
    for (const size of [1, 3, 4093, 65536]) {
      if (size < 4093) {
        const small = new TextEncoder().encode(body("é€𝄞x".repeat(50)));
        expect(await decodeResponse(reg, Get, pieces(small, size))).toBe("é€𝄞x".repeat(50));
      } else expect(await decodeResponse(reg, Get, pieces(bytes, size))).toBe(text);
    }
  });

  it("rejects invalid UTF-8 anywhere in the body, past the first slice too", async () => {
    const good = new TextEncoder().encode(body("a".repeat(200_000)));
    for (const at of [0, 65535, 65536, 150_000, good.length - 1]) {
      const bad = good.slice();
      bad[at] = 0xff;
      const code = (e: unknown) => (e instanceof CodecError ? e.code : String(e));
      let sync: unknown;
      try {
        decodeResponseSync(reg, Get, bad);
      } catch (e) {
        sync = code(e);
      }
      expect(sync).toBe("TSVMOMI_ERR_NOT_XML");
      await expect(decodeResponse(reg, Get, pieces(bad, 65536))).rejects.toMatchObject({ code: "TSVMOMI_ERR_NOT_XML", message: expect.stringContaining("not valid UTF-8") });
    }
    // A body that ends inside a character.
    const cut = new TextEncoder().encode(body("é")).slice(0, -1);
    const truncated = Uint8Array.from([...cut.subarray(0, cut.length - 60), 0xc3]);
    await expect(decodeResponse(reg, Get, pieces(truncated, 7))).rejects.toMatchObject({ code: "TSVMOMI_ERR_NOT_XML" });
  });
});
