// The decoder's shortcuts (field search from the previous match, cached
// xsi:type attribute, digit loop, one "&" search per buffer, flat chunk
// joins) must give the same answers as the slow paths they skip.
import { describe, expect, it } from "vitest";
import { decodeResponse, decodeValue } from "../../runtime/codec/index.js";
import { defineRegistry, type MethodSchema } from "../../runtime/schema.js";
import { CodecError } from "../../runtime/errors/index.js";

const reg = defineRegistry({
  namespace: "urn:test",
  types: [
    { name: "Base", fields: [{ name: "a", type: "int", optional: true }] },
    {
      name: "Thing",
      base: "Base",
      fields: [
        { name: "b", type: "string", optional: true },
        { name: "c", type: "long", optional: true },
        { name: "d", type: "int", array: true, optional: true },
        { name: "e", type: "string", optional: true },
      ],
    },
    { name: "SubThing", base: "Thing", fields: [{ name: "f", type: "boolean", optional: true }] },
    { name: "Holder", fields: [{ name: "items", type: "Thing", array: true, optional: true }] },
  ],
});
const Get: MethodSchema = { name: "Get", params: [], returns: { name: "returnval", type: "Holder" }, safe: true };

const XSI = "http://www.w3.org/2001/XMLSchema-instance";

function envelope(inner: string): string {
  return (
    `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="${XSI}">` +
    `<soapenv:Body><GetResponse xmlns="urn:test"><returnval>${inner}</returnval></GetResponse></soapenv:Body></soapenv:Envelope>`
  );
}

async function* chunked(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("decoder fast paths", () => {
  it("finds fields sent out of schema order, interleaved with array items", () => {
    const value = decodeValue(reg, "Thing", "<v><e>5th</e><d>1</d><a>7</a><d>2</d><b>x</b><d>3</d></v>");
    expect(value).toEqual({ _typeName: "Thing", e: "5th", d: [1, 2, 3], a: 7, b: "x" });
  });

  it("parses plain and unusual integer text alike", () => {
    for (const [text, want] of [
      ["42", 42],
      ["-17", -17],
      ["0", 0],
      [" 8 ", 8],
      ["+9", 9],
      ["2147483647", 2147483647],
    ] as const) {
      expect(decodeValue(reg, "int", `<v>${text}</v>`)).toBe(want);
    }
    expect(decodeValue(reg, "long", "<v>123456789012345</v>")).toBe(123456789012345);
    expect(decodeValue(reg, "long", "<v>-9007199254740991</v>")).toBe(-9007199254740991);
    for (const bad of ["", "-", "1x", "0x10", "1e3", "--1"]) {
      expect(() => decodeValue(reg, "int", `<v>${bad}</v>`), bad).toThrow(CodecError);
    }
  });

  it("keeps long strings exact when it copies them out of the body text", async () => {
    // 13+ characters take the copy that stops a value pinning its chunk of the body.
    const odd = ['quote " and back\\slash \\u0041 here', "tab\tnewline\ncr é € 𝄞 end of it", "x".repeat(70_000)];
    const xml = (v: string) => v.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll("\t", "&#9;").replaceAll("\n", "&#10;");
    for (const v of odd) {
      expect(decodeValue(reg, "string", `<v>${xml(v)}</v>`)).toBe(v);
      const out = (await decodeResponse(reg, Get, chunked(envelope(`<items><b>${xml(v)}</b></items>`), 4096))) as { items: { b: string }[] };
      expect(out.items[0]!.b).toBe(v);
    }
  });

  it("stops treating a prefix as xsi once a nested xmlns rebinds it", async () => {
    const body = envelope(
      `<items xmlns:p="${XSI}" p:type="SubThing"><f>true</f></items>` +
        `<items xmlns:p="urn:other" p:type="SubThing"><b>plain</b></items>` +
        `<items xmlns:p="${XSI}" p:type="SubThing"><f>false</f></items>`,
    );
    const out = (await decodeResponse(reg, Get, chunked(body, 64 * 1024))) as { items: unknown[] };
    expect(out.items).toEqual([
      { _typeName: "SubThing", f: true },
      { _typeName: "Thing", b: "plain" },
      { _typeName: "SubThing", f: false },
    ]);
  });

  it("decodes entities in some text runs and leaves the others untouched, whatever the chunk size", async () => {
    const items = Array.from({ length: 40 }, (_, i) => `<items><a>${i}</a><b>${i % 3 === 0 ? `n&amp;${i}&lt;` : `n${i}`}</b><e>e${i}</e></items>`).join("");
    const body = envelope(items);
    const want = Array.from({ length: 40 }, (_, i) => ({ _typeName: "Thing", a: i, b: i % 3 === 0 ? `n&${i}<` : `n${i}`, e: `e${i}` }));
    for (const size of [1, 7, 64, 1000, 1 << 20]) {
      const out = (await decodeResponse(reg, Get, chunked(body, size))) as { items: unknown[] };
      expect(out.items, `chunk size ${size}`).toEqual(want);
    }
  });

  it("still rejects '<' in attribute values and decodes their entities", () => {
    expect(() => decodeValue(reg, "Thing", `<v xmlns:x="a<b"><a>1</a></v>`)).toThrow(/"<" inside attribute/);
    const out = decodeValue(reg, "Holder", `<v xmlns:q="${XSI.replace(/\//g, "&#47;")}"><items q:type="SubThing"><f>true</f></items></v>`);
    expect(out).toEqual({ _typeName: "Holder", items: [{ _typeName: "SubThing", f: true }] });
  });

  it("decodes text-only elements in one event exactly as open, text and close would", async () => {
    // Leaves that are self-closing, empty, entity-laden, CDATA (not a leaf event), commented, or carry attributes.
    const items =
      `<items><a>1</a><b/><d>4</d><d>5</d><e></e></items>` +
      `<items><b>x&amp;y</b><b2>unknown</b2><e><![CDATA[c<d]]></e></items>` +
      `<items><b>be<!-- note -->fore</b><e xmlns:z="urn:z">attrs</e><a xsi:nil="true"/></items>`;
    const want = [
      { _typeName: "Thing", a: 1, b: "", d: [4, 5], e: "" },
      { _typeName: "Thing", b: "x&y", b2: "unknown", e: "c<d" },
      { _typeName: "Thing", b: "before", e: "attrs" },
    ];
    for (const size of [1, 3, 16, 1 << 20]) {
      const out = (await decodeResponse(reg, Get, chunked(envelope(items), size))) as { items: unknown[] };
      expect(out.items, `chunk size ${size}`).toEqual(want);
    }
  });

  it("names the element of a bad or too-deep leaf value", () => {
    expect(() => decodeValue(reg, "Holder", "<v><items><a>7</a><d>1</d><d>z</d></items></v>")).toThrow(/expected xsd:int, got "z".*at v\/items\/d/);
    expect(() => decodeValue(reg, "Holder", "<v><items><a>1</a></items></v>", { maxDepth: 2 })).toThrow(/deeper than 2/);
    expect(() => decodeValue(reg, "Holder", "<v><items><b>ok</b></items></v>", { maxElements: 2 })).toThrow(/more than 2 elements/);
  });

  it("shares repeated short strings and keeps each value exact when they collide in its table", () => {
    // 600 distinct values over 4 repeats: more than fit without collisions in a few slots.
    const values = Array.from({ length: 2400 }, (_, i) => `v${(i * 7919) % 600}`);
    const xml = `<v>${values.map((v) => `<items><b>${v}</b></items>`).join("")}</v>`;
    const out = decodeValue(reg, "Holder", xml) as { items: { b: string }[] };
    expect(out.items.map((i) => i.b)).toEqual(values);
  });
});
