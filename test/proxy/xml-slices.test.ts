// The proxy serves pages as byte ranges of vcsim's own answer; a wrong offset would hand the
// client half an element, so the UTF-16 → UTF-8 offset arithmetic is checked on its own.
import { describe, expect, it } from "vitest";
import { childElements, elementBytes, splitAround } from "./xml-slices.js";

function cut(doc: string): string[] {
  const body = Buffer.from(doc, "utf8");
  const text = body.toString("utf8");
  const parts = splitAround(text, "returnval")!;
  const kids = childElements(parts.content);
  return elementBytes(body, text, parts.head, parts.content, kids).map((b) => b.toString("utf8"));
}

describe("elementBytes", () => {
  it("cuts each child element's bytes out of an ASCII answer", () => {
    const doc = '<?xml version="1.0"?><E><B><R><returnval><objects><a>1</a></objects> <token>t</token><objects b="x"/></returnval></R></B></E>';
    expect(cut(doc)).toEqual(["<objects><a>1</a></objects>", "<token>t</token>", '<objects b="x"/>']);
  });

  it("keeps multi-byte characters whole, before, inside and between the elements", () => {
    const doc = "<E a=\"é\"><returnval>ü<objects><name>Grüße 😀 ☃</name></objects>日本<objects><name>x€</name></objects></returnval></E>";
    expect(cut(doc)).toEqual(["<objects><name>Grüße 😀 ☃</name></objects>", "<objects><name>x€</name></objects>"]);
  });

  it("returns views into the body, not copies", () => {
    const body = Buffer.from("<returnval><objects>é</objects></returnval>");
    const text = body.toString("utf8");
    const parts = splitAround(text, "returnval")!;
    const [piece] = elementBytes(body, text, parts.head, parts.content, childElements(parts.content));
    expect(piece!.buffer).toBe(body.buffer);
  });
});
