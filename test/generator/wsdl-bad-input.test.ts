import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readWsdlBundle, WsdlError } from "../../generator/wsdl-reader/index.js";

const fixtures = fileURLToPath(new URL("../fixtures/wsdl/", import.meta.url));
const fixture = (...p: string[]) => path.join(fixtures, ...p);

async function failure(entry: string): Promise<WsdlError> {
  const err: unknown = await readWsdlBundle(entry).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected readWsdlBundle to reject").toBeInstanceOf(WsdlError);
  const w = err as WsdlError;
  // One readable line: no parser stack or internals leak into the message.
  expect(w.message).not.toMatch(/\n|\bat .*\.js:\d+/);
  if (w.line !== undefined) expect(w.message.startsWith(`${w.file}:${w.line}: `)).toBe(true);
  if (w.element !== undefined) expect(w.message).toContain(`: ${w.element}: `);
  return w;
}

/** 1-based line of the first line of `file` containing `needle`, read independently of the reader. */
async function lineOf(file: string, needle: string): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const lines = (await readFile(file, "utf8")).split("\n");
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `${needle} in ${file}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe("readWsdlBundle on bad input", () => {
  it("names the including file and line when an include is missing", async () => {
    const e = await failure(fixture("missing-include"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("include");
    expect(e.line).toBe(await lineOf(fixture("missing-include", "service.wsdl"), "missing-types.xsd"));
    expect(e.message).toContain("missing-types.xsd");
  });

  it("rejects a field type that no schema defines", async () => {
    const e = await failure(fixture("undefined-type"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("complexType Holder");
    expect(e.line).toBe(await lineOf(fixture("undefined-type", "service.wsdl"), 'name="Holder"'));
    expect(e.message).toMatch(/field broken .*NoSuchType/);
  });

  it("rejects an xsd: reference that is not an XML Schema built-in", async () => {
    const e = await failure(fixture("unknown-xsd-type"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("complexType Typo");
    expect(e.message).toMatch(/field when refers to xsd:dateTme/);
  });

  it("rejects an extension cycle", async () => {
    const e = await failure(fixture("extension-cycle"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toMatch(/^complexType (Chicken|Egg)$/);
    expect(e.message).toMatch(/extension cycle (Chicken → Egg → Chicken|Egg → Chicken → Egg)/);
  });

  it("rejects a duplicate type whose content differs, naming the second definition", async () => {
    const e = await failure(fixture("duplicate-type"));
    expect(e.file).toBe("second.xsd");
    expect(e.element).toBe("complexType Twin");
    expect(e.line).toBe(await lineOf(fixture("duplicate-type", "second.xsd"), 'name="Twin"'));
    expect(e.message).toContain("first.xsd:");
  });

  it("reports a truncated file at its last line, naming the innermost open element", async () => {
    const e = await failure(fixture("truncated"));
    expect(e.file).toBe("cut-types.xsd");
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(fixture("truncated", "cut-types.xsd"), "utf8");
    expect(e.line).toBe(text.trimEnd().split("\n").length);
    expect(e.element).toBe("sequence");
    expect(e.message).toMatch(/malformed XML: file ends inside <schema> > <complexType> > <sequence>/);
  });

  it("wraps the XML validator's verdict on a mismatched closing tag", async () => {
    const e = await failure(fixture("mismatched-tag"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("schema");
    expect(e.line).toBe(await lineOf(fixture("mismatched-tag", "service.wsdl"), "</types>"));
    expect(e.message).toMatch(/malformed XML: .*closing tag/);
  });

  it("rejects a WSDL without a SOAP binding", async () => {
    const e = await failure(fixture("not-soap"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("definitions");
    expect(e.message).toMatch(/not a vim-style SOAP service: .*soap:binding/);
  });

  it("rejects a WSDL without a portType", async () => {
    const e = await failure(fixture("no-porttype"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("definitions");
    expect(e.message).toMatch(/not a vim-style SOAP service: .*portType/);
  });

  it("rejects a document that is not WSDL at all", async () => {
    const e = await failure(fixture("not-wsdl"));
    expect(e.file).toBe("service.wsdl");
    expect(e.element).toBe("html");
    expect(e.line).toBe(await lineOf(fixture("not-wsdl", "service.wsdl"), "<html"));
    expect(e.message).toMatch(/expected a WSDL 1\.1 <definitions> root element/);
  });

  it("rejects a schema file used as the entry", async () => {
    const e = await failure(fixture("duplicate-type", "first.xsd"));
    expect(e.file).toBe("first.xsd");
    expect(e.element).toBe("schema");
  });

  it("rejects a path that does not exist, and a directory without a WSDL", async () => {
    const missing = await failure(fixture("no-such-bundle"));
    expect(missing.file).toContain("no-such-bundle");
    const empty = await failure(fixtures);
    expect(empty.message).toMatch(/expected vimService\.wsdl/);
  });

  it("stops when the signal is aborted", async () => {
    const ctl = new AbortController();
    ctl.abort(new Error("stop"));
    await expect(readWsdlBundle(fixture("tiny"), { signal: ctl.signal })).rejects.toThrow("stop");
  });
});
