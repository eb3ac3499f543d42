// The proxy cuts its first page from vcsim's answer while the answer arrives; these check that the
// byte scanner finds the same elements as the text slicer, however the bytes are chunked.
import { describe, expect, it } from "vitest";
import { ChunkList, ReturnvalScanner } from "./returnval-scanner.js";
import { childElements, splitAround } from "./xml-slices.js";

const DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25">' +
  '<returnval><token>t-1</token><objects><obj type="VirtualMachine">vm-1</obj><propSet><name>name</name><val xsi:type="xsd:string">Grüße 😀 a&gt;b</val></propSet></objects>' +
  '<objects><obj type="VirtualMachine">vm-2</obj><propSet><name>x</name><val><returnval>nested</returnval><objects/></val></propSet></objects>' +
  '<objects/></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>';

function scan(doc: string, chunkSize: number): { scanner: ReturnvalScanner; pieces: string[]; head: string } {
  const bytes = Buffer.from(doc);
  const scanner = new ReturnvalScanner();
  const chunks = new ChunkList();
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const chunk = Buffer.from(bytes.subarray(at, at + chunkSize));
    chunks.push(chunk);
    scanner.feed(chunk);
  }
  return {
    scanner,
    pieces: scanner.children.map((c) => chunks.range(c.start, c.end).toString("utf8")),
    head: scanner.contentStart < 0 ? "" : chunks.range(0, scanner.contentStart).toString("utf8"),
  };
}

describe("ReturnvalScanner", () => {
  const expected = splitAround(DOC, "returnval")!;
  const kids = childElements(expected.content);

  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    it(`finds returnval's children, its head and its closers in ${size}-byte chunks`, () => {
      const { scanner, pieces, head } = scan(DOC, size);
      expect(scanner.closed).toBe(true);
      expect(pieces).toEqual(kids.map((k) => k.xml));
      expect(scanner.children.map((c) => c.name)).toEqual(["token", "objects", "objects", "objects"]);
      expect(head).toBe(expected.head);
      expect(scanner.closers).toBe("</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>");
    });
  }

  it("reports an empty <returnval/> as closed with no children", () => {
    const { scanner } = scan('<E><B><R><returnval/></R></B></E>', 5);
    expect(scanner.closed).toBe(true);
    expect(scanner.children).toEqual([]);
    expect(scanner.closers).toBe("</returnval></R></B></E>");
  });

  it("finds nothing in an answer without returnval (a fault)", () => {
    const { scanner } = scan("<E><B><Fault><faultstring>no</faultstring></Fault></B></E>", 4);
    expect(scanner.contentStart).toBe(-1);
    expect(scanner.closed).toBe(false);
    expect(scanner.children).toEqual([]);
  });

  it("reports children as they complete, before the answer ends", () => {
    const bytes = Buffer.from(DOC);
    const scanner = new ReturnvalScanner();
    const cut = DOC.indexOf("<objects><obj type=\"VirtualMachine\">vm-2");
    scanner.feed(bytes.subarray(0, Buffer.byteLength(DOC.slice(0, cut))));
    expect(scanner.children.map((c) => c.name)).toEqual(["token", "objects"]);
    expect(scanner.closed).toBe(false);
  });
});

describe("ChunkList", () => {
  it("cuts ranges within and across chunks, and refuses ranges outside what arrived", () => {
    const list = new ChunkList();
    for (const c of ["abc", "defg", "h", "ijk"]) list.push(Buffer.from(c));
    expect(list.range(0, 3).toString()).toBe("abc");
    expect(list.range(4, 6).toString()).toBe("ef");
    expect(list.range(2, 9).toString()).toBe("cdefghi");
    expect(list.range(1, 2).toString()).toBe("b");
    expect(list.range(7, 11).toString()).toBe("hijk");
    expect(list.all().toString()).toBe("abcdefghijk");
    expect(() => list.range(5, 12)).toThrow(/outside 0..11/);
  });
});
