import { describe, expect, it } from "vitest";
import { decodeResponse, decodeResponseSync } from "../../runtime/codec/index.js";
import { envelope } from "../fixtures/codec/envelope.js";
import { vimMethod, vimSubset } from "../fixtures/codec/vim-subset.js";
import { CodecError } from "../../runtime/errors/index.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return e.code;
    throw e;
  }
  throw new Error("expected a CodecError");
}

const decode = (body: string | Uint8Array, opts = {}) => decodeResponseSync(vimSubset, vimMethod("RetrieveProperties"), body, opts);
const ok = (inner: string) => envelope("RetrieveProperties", inner);

describe("hostile and broken input", () => {
  it("rejects DOCTYPE, external entities and undefined entities without expanding anything", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ok("<returnval><obj type='A'>&x;</obj></returnval>")}`;
    expect(codeOf(() => decode(xxe))).toBe("TSVMOMI_ERR_DOCTYPE_FORBIDDEN");
    const bomb = `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>`;
    expect(codeOf(() => decode(bomb))).toBe("TSVMOMI_ERR_DOCTYPE_FORBIDDEN");
    expect(codeOf(() => decode(ok("<returnval><obj type='A'>&x;</obj></returnval>")))).toBe("TSVMOMI_ERR_UNKNOWN_ENTITY");
    expect(codeOf(() => decode(ok("<returnval><obj type='A'>a & b</obj></returnval>")))).toBe("TSVMOMI_ERR_MALFORMED_XML");
    expect(codeOf(() => decode(ok("<returnval><obj type='A'>&#0;</obj></returnval>")))).toBe("TSVMOMI_ERR_MALFORMED_XML");
  });

  it("bounds nesting depth", () => {
    const deep = "<a>".repeat(600) + "</a>".repeat(600);
    expect(codeOf(() => decode(ok(`<returnval>${deep}</returnval>`)))).toBe("TSVMOMI_ERR_TOO_DEEP");
    expect(codeOf(() => decode(ok(`<returnval>${"<a>".repeat(20)}${"</a>".repeat(20)}</returnval>`), { maxDepth: 10 }))).toBe("TSVMOMI_ERR_TOO_DEEP");
  });

  it("enforces maxBytes on whole bodies and on streams", async () => {
    const body = ok("<returnval><obj type='A'>x</obj></returnval>");
    expect(codeOf(() => decode(new TextEncoder().encode(body), { maxBytes: 100 }))).toBe("TSVMOMI_ERR_TOO_LARGE");
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield new Uint8Array(64).fill(32);
    }
    const err = await decodeResponse(vimSubset, vimMethod("RetrieveProperties"), chunks(), { maxBytes: 300 }).catch((e: unknown) => e);
    expect((err as CodecError).code).toBe("TSVMOMI_ERR_TOO_LARGE");
  });

  it("reports truncated documents", () => {
    const full = ok("<returnval><obj type='A'>x</obj></returnval>");
    for (const cut of [10, full.indexOf("<returnval>") + 5, full.indexOf("</obj>"), full.length - 3]) {
      expect(codeOf(() => decode(full.slice(0, cut))), `cut at ${cut}`).toBe("TSVMOMI_ERR_TRUNCATED");
    }
    expect(codeOf(() => decode(""))).toBe("TSVMOMI_ERR_NOT_XML");
  });

  it("reports mismatched tags with both names and an offset", () => {
    const bad = ok("<returnval><obj type='A'>x</objx></returnval>");
    try {
      decode(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as CodecError).code).toBe("TSVMOMI_ERR_MALFORMED_XML");
      expect((e as CodecError).message).toMatch(/expected <\/obj>, found <\/objx>/);
      expect((e as CodecError).offset).toBe(bad.indexOf("</objx>"));
    }
  });

  it("gives a short excerpt for non-XML and HTML bodies", () => {
    const html = `<!DOCTYPE html><html><body>${"Service Unavailable ".repeat(50)}</body></html>`;
    try {
      decode(html);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
      expect((e as CodecError).excerpt).toBe(html.slice(0, 200));
    }
    const text = "503 Service Unavailable";
    try {
      decode(text);
      expect.unreachable();
    } catch (e) {
      expect((e as CodecError).code).toBe("TSVMOMI_ERR_NOT_XML");
      expect((e as CodecError).excerpt).toBe(text);
    }
    expect(codeOf(() => decode("<html><body>oops</body></html>"))).toBe("TSVMOMI_ERR_NOT_SOAP");
    expect(codeOf(() => decode(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])))).toBe("TSVMOMI_ERR_NOT_XML");
  });

  it("rejects the wrong response element and stray content", () => {
    expect(codeOf(() => decodeResponseSync(vimSubset, vimMethod("Login"), ok("")))).toBe("TSVMOMI_ERR_UNEXPECTED_ELEMENT");
    expect(codeOf(() => decode(`${ok("")}<again/>`))).toBe("TSVMOMI_ERR_MALFORMED_XML");
    expect(codeOf(() => decode(`${ok("")}junk`))).toBe("TSVMOMI_ERR_MALFORMED_XML");
    expect(codeOf(() => decode(ok("<returnval><obj type=A>x</obj></returnval>")))).toBe("TSVMOMI_ERR_MALFORMED_XML");
    expect(codeOf(() => decode('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"></soapenv:Envelope>'))).toBe("TSVMOMI_ERR_NOT_SOAP");
  });
});
