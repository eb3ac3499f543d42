import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { WsdlModel } from "../../generator/model/ir.js";
import { readWsdlBundle } from "../../generator/wsdl-reader/index.js";
import { describeOnce, tierShare } from "../support/tier.js";

const XSD = "http://www.w3.org/2001/XMLSchema";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const wsdlRoot = path.join(process.env.TSVMOMI_SHARED ?? path.resolve(repoRoot, "..", "shared"), "wsdl");
const allBundles = existsSync(wsdlRoot)
  ? readdirSync(wsdlRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : [];
/**
 * Reading all 22 bundles (50 MB) is most of this file's time. The unit tier reads the oldest
 * vim25 bundle (one file), the newest (vSAN types included) and pbm's newest; the integration
 * tier reads every other bundle, so `npm test` reads each once.
 */
const inUnit = new Set([
  allBundles.find((b) => b.startsWith("vim25-")),
  allBundles.findLast((b) => b.startsWith("vim25-")),
  allBundles.findLast((b) => b.startsWith("pbm-")),
]);
const bundles = tierShare(allBundles, (b) => inUnit.has(b));

/**
 * The expectations' source: a second, deliberately different walk over the raw
 * files (regex tokenizer and a tag stack, no XML parser), following include/import
 * locations from the entry the same way a person would.
 */
interface Scan {
  files: Set<string>;
  texts: Map<string, string>;
  complexTypes: Set<string>;
  enums: Set<string>;
  arrays: Set<string>;
  elements: Set<string>;
  operations: Set<string>;
}

function entryOf(dir: string): string {
  const names = readdirSync(dir).filter((f) => f.endsWith(".wsdl"));
  if (names.includes("vimService.wsdl")) return "vimService.wsdl";
  const services = names.filter((f) => f.endsWith("Service.wsdl"));
  if (services.length === 1) return services[0]!;
  if (names.length === 1) return names[0]!;
  throw new Error(`no entry in ${dir}`);
}

function scan(dir: string, entry: string): Scan {
  const s: Scan = { files: new Set(), texts: new Map(), complexTypes: new Set(), enums: new Set(), arrays: new Set(), elements: new Set(), operations: new Set() };
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (s.files.has(file)) continue;
    s.files.add(file);
    const text = readFileSync(path.join(dir, file), "utf8").replace(/<!--[\s\S]*?-->/g, "");
    s.texts.set(file, text);
    for (const m of text.matchAll(/<(?:[\w-]+:)?(?:import|include)\b[^>]*?\b(?:schemaLocation|location)="([^"]+)"/g)) {
      queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
    }
    const stack: string[] = [];
    for (const m of text.matchAll(/<(\/?)(?:[\w.-]+:)?([\w.-]+)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g)) {
      const [, closing, tag, attrs, selfClosing] = m;
      if (closing) {
        stack.pop();
        continue;
      }
      const parent = stack[stack.length - 1];
      const name = /\bname\s*=\s*"([^"]*)"/.exec(attrs ?? "")?.[1];
      if (name !== undefined) {
        if (parent === "schema" && tag === "complexType") {
          s.complexTypes.add(name);
          if (name.startsWith("ArrayOf")) s.arrays.add(name);
        } else if (parent === "schema" && tag === "simpleType") s.enums.add(name);
        else if (parent === "schema" && tag === "element") s.elements.add(name);
        else if (parent === "portType" && tag === "operation") s.operations.add(name);
      }
      if (!selfClosing) stack.push(tag!);
    }
  }
  return s;
}

/** Element names inside `<complexType name="T">…</complexType>` in raw text, in order. */
function rawFieldNames(s: Scan, type: string): string[] | undefined {
  for (const text of s.texts.values()) {
    const block = new RegExp(`<complexType name="${type}">([\\s\\S]*?)</complexType>`).exec(text)?.[1];
    if (block) return [...block.matchAll(/<element name="([^"]+)"/g)].map((m) => m[1]!);
  }
  return undefined;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Each bundle is read and scanned once for the whole file; several describes look at it. */
const loaded = new Map<string, Promise<{ model: WsdlModel; raw: Scan }>>();
function load(bundle: string): Promise<{ model: WsdlModel; raw: Scan }> {
  let p = loaded.get(bundle);
  if (!p) {
    const dir = path.join(wsdlRoot, bundle);
    p = readWsdlBundle(dir).then((model) => ({ model, raw: scan(dir, entryOf(dir)) }));
    loaded.set(bundle, p);
  }
  return p;
}

it("finds the WSDL bundles under ../shared/wsdl", () => {
  expect(allBundles.length).toBeGreaterThan(0);
  expect(bundles.length).toBeGreaterThan(0);
});

describe.each(bundles)("bundle %s", (bundle) => {
  let model: WsdlModel;
  let raw: Scan;

  beforeAll(async () => {
    ({ model, raw } = await load(bundle));
  });

  it("reads every reachable file exactly once", () => {
    expect(sorted(model.files)).toEqual(sorted(raw.files));
    expect(new Set(model.files).size).toBe(model.files.length);
  });

  it("has the complexTypes, enums, ArrayOf types, elements and operations the raw files declare", () => {
    expect(Object.keys(model.complexTypes).length).toBe(raw.complexTypes.size);
    expect(Object.keys(model.enums).length).toBe(raw.enums.size);
    expect(Object.keys(model.arrayTypes).length).toBe(raw.arrays.size);
    expect(Object.keys(model.elements).length).toBe(raw.elements.size);
    expect(Object.keys(model.operations).length).toBe(raw.operations.size);
    expect(sorted(Object.keys(model.complexTypes))).toEqual(sorted(raw.complexTypes));
    expect(sorted(Object.keys(model.enums))).toEqual(sorted(raw.enums));
    expect(sorted(Object.keys(model.operations))).toEqual(sorted(raw.operations));
  });

  it("maps each ArrayOfX to the item type of its only field", () => {
    for (const [name, item] of Object.entries(model.arrayTypes)) {
      const t = model.complexTypes[name]!;
      expect(t.fields).toHaveLength(1);
      expect(t.fields[0]!.array).toBe(true);
      expect(item).toEqual(t.fields[0]!.type);
    }
  });

  it("keeps field order and names as the schema text has them", () => {
    for (const name of ["VirtualMachineConfigSpec", "PropertyFilterSpec", "ObjectContent", "UserSession"]) {
      const expected = rawFieldNames(raw, name);
      if (!expected) continue;
      expect(model.complexTypes[name]!.fields.map((f) => f.name), name).toEqual(expected);
    }
  });

  it("gives every operation a binding and params from its request type", () => {
    for (const op of Object.values(model.operations)) {
      expect(op.binding).toBeTruthy();
      expect(op.params[0]?.name, op.name).toBe("_this");
      expect(op.faults).toEqual([...op.faults].sort());
    }
  });
});

const vim25 = bundles.filter((b) => b.startsWith("vim25-"));

describe.each(vim25)("vim25 shapes in %s", (bundle) => {
  let model: WsdlModel;
  let raw: Scan;

  beforeAll(async () => {
    ({ model, raw } = await load(bundle));
  });

  it("reads vim25 as the service namespace", () => {
    expect(model.namespace).toBe("urn:vim25");
  });

  it("has VirtualMachineConfigSpec starting changeVersion, name, version", () => {
    const fields = model.complexTypes.VirtualMachineConfigSpec!.fields;
    expect(fields.slice(0, 3).map((f) => f.name)).toEqual(["changeVersion", "name", "version"]);
    expect(fields[0]!.type).toEqual({ name: "string", ns: XSD });
    expect(fields[0]!.minOccurs).toBe(0);
  });

  it("resolves base types", () => {
    expect(model.complexTypes.TraversalSpec!.base).toEqual({ name: "SelectionSpec", ns: "urn:vim25" });
    expect(model.complexTypes.InvalidLogin!.base).toEqual({ name: "VimFault", ns: "urn:vim25" });
    expect(model.complexTypes.VimFault!.base).toEqual({ name: "MethodFault", ns: "urn:vim25" });
  });

  it("reads ManagedObjectReference as simpleContent over xsd:string with a type attribute", () => {
    const moref = model.complexTypes.ManagedObjectReference!;
    expect(moref.simpleContentBase).toEqual({ name: "string", ns: XSD });
    expect(moref.attributes.map((a) => a.name)).toEqual(["type"]);
    expect(moref.fields).toEqual([]);
  });

  it("reads enum values in order", () => {
    expect(model.enums.VirtualMachinePowerState!.values).toEqual(["poweredOff", "poweredOn", "suspended"]);
  });

  it("reads RetrievePropertiesEx's params, return and faults", () => {
    if (!raw.operations.has("RetrievePropertiesEx")) return; // before vSphere 4.1
    const op = model.operations.RetrievePropertiesEx!;
    expect(op.params.map((p) => [p.name, p.type.name, p.array])).toEqual([
      ["_this", "ManagedObjectReference", false],
      ["specSet", "PropertyFilterSpec", true],
      ["options", "RetrieveOptions", false],
    ]);
    expect(op.returns?.name).toBe("returnval");
    expect(op.returns?.type).toEqual({ name: "RetrieveResult", ns: "urn:vim25" });
    expect(op.faults).toContain("InvalidProperty");
    expect(op.binding).toBe("VimBinding");
  });

  it("leaves returns empty for operations whose response has no returnval", () => {
    expect(model.operations.Logout!.returns).toBeUndefined();
    expect(model.operations.Login!.faults).toContain("InvalidLogin");
  });

  it("takes soapAction from the binding text", () => {
    const text = raw.texts.get("vim.wsdl")!;
    const action = /<operation name="Login">\s*<soap:operation soapAction="([^"]*)"/.exec(text)?.[1];
    expect(model.operations.Login!.soapAction ?? "").toBe(action);
  });
});

describe("9.x vim25 with vSAN types", () => {
  const nine = vim25.filter((b) => existsSync(path.join(wsdlRoot, b, "vsan-types.xsd")));

  it.each(nine)("%s: inlines urn:vsan groups into vim25 types with their namespace", async (bundle) => {
    const dir = path.join(wsdlRoot, bundle);
    const { model } = await load(bundle);
    const vimTypes = readFileSync(path.join(dir, "vim-types.xsd"), "utf8");
    const vsanTypes = readFileSync(path.join(dir, "vsan-types.xsd"), "utf8");
    const use = /<complexType name="(\w+)">(?:(?!<\/complexType>)[\s\S])*?<group ref="vsan:(\w+)"/.exec(vimTypes);
    expect(use).not.toBeNull();
    const [, typeName, groupName] = use!;
    const groupBody = new RegExp(`<group name="${groupName}">([\\s\\S]*?)</group>`).exec(vsanTypes)![1]!;
    const groupFields = [...groupBody.matchAll(/<element name="([^"]+)"/g)].map((m) => m[1]);
    const fields = model.complexTypes[typeName!]!.fields.filter((f) => f.ns === "urn:vsan").map((f) => f.name);
    expect(fields).toEqual(groupFields);
    expect(model.complexTypes.LocalizedMethodFault!.ns).toBe("urn:vim25");
    expect(model.complexTypes.LocalizedMethodFault!.aliasNs).toEqual(["urn:vsan"]);
  });

  it.each(nine)("%s: vsanService.wsdl reads as its own urn:vsan service", async (bundle) => {
    const model = await readWsdlBundle(path.join(wsdlRoot, bundle, "vsanService.wsdl"));
    expect(model.namespace).toBe("urn:vsan");
    expect(model.services.map((s) => s.name)).toEqual(["VsanhealthService"]);
  });
});

describe.each(bundles.filter((b) => !b.startsWith("vim25-")))("service bundle %s", (bundle) => {
  it("keeps vim25 types in urn:vim25 next to the service's own namespace", async () => {
    const { model } = await load(bundle);
    const service = bundle.split("-")[0]!;
    expect(model.namespace).toBe(`urn:${service}`);
    expect(model.complexTypes.DynamicData!.ns).toBe("urn:vim25");
    expect(model.complexTypes.ManagedObjectReference!.ns).toBe("urn:vim25");
    const own = Object.values(model.complexTypes).filter((t) => t.ns === `urn:${service}`);
    expect(own.length).toBeGreaterThan(0);
    for (const op of Object.values(model.operations)) {
      expect(op.params[0]!.type).toEqual({ name: "ManagedObjectReference", ns: "urn:vim25" });
    }
  });
});

describeOnce("tiny hand-written bundle", () => {
  const dir = fileURLToPath(new URL("../fixtures/wsdl/tiny/", import.meta.url));
  let m: WsdlModel;
  beforeAll(async () => {
    m = await readWsdlBundle(dir);
  });

  it("follows the import cycle between the two schemas, reading each file once", () => {
    expect(m.files).toEqual(["tinyService.wsdl", "tiny.wsdl", "tiny-types.xsd", "other.xsd"]);
  });

  it("merges an identical copy from another namespace and resolves references to it", () => {
    expect(m.complexTypes.DynamicData).toMatchObject({ ns: "urn:tiny", aliasNs: ["urn:other"] });
    expect(m.complexTypes.Note!.base).toEqual({ name: "DynamicData", ns: "urn:other" });
  });

  it("reads occurs, nillable, documentation and group fields in schema order", () => {
    const fields = m.complexTypes.PingRequestType!.fields;
    expect(fields.map((f) => f.name)).toEqual(["_this", "count", "note", "extra", "last"]);
    expect(fields[1]).toMatchObject({ array: true, minOccurs: 0 });
    expect(fields[2]).toMatchObject({ nillable: true, type: { name: "Note", ns: "urn:other" } });
    expect(fields[3]).toMatchObject({ ns: "urn:other", type: { name: "long", ns: XSD } });
    expect(fields[4]!.ns).toBeUndefined();
    expect(m.complexTypes.MethodFault!.doc).toBe("Base of all faults.");
  });

  it("builds operations from portType, messages and binding", () => {
    const ping = m.operations.Ping!;
    expect(ping.params.map((p) => p.name)).toEqual(["_this", "count", "note", "extra", "last"]);
    expect(ping.returns).toMatchObject({ name: "returnval", array: true, type: { name: "Color", ns: "urn:tiny" } });
    expect(ping.faults).toEqual(["PingFailed"]);
    expect(ping.soapAction).toBe("urn:tiny/1.0");
    expect(ping.binding).toBe("TinyBinding");
    expect(ping.doc).toBe("Checks that the service answers.");
    expect(ping.loc.file).toBe("tiny.wsdl");
    expect(m.operations.Reset!.returns).toBeUndefined();
  });

  it("reads services, enums, arrays and the namespace", () => {
    expect(m.namespace).toBe("urn:tiny");
    expect(m.services).toEqual([{ name: "TinyService", port: "TinyPort", binding: "TinyBinding", location: "https://localhost/tiny" }]);
    expect(m.enums.Color!.values).toEqual(["red", "green"]);
    expect(m.arrayTypes).toEqual({ ArrayOfString: { name: "string", ns: XSD } });
    expect(m.elements.PingResponse!.fields?.[0]?.name).toBe("returnval");
  });

  it("accepts the entry file path as well as its directory", async () => {
    const byFile = await readWsdlBundle(path.join(dir, "tinyService.wsdl"));
    expect(byFile).toEqual(m);
  });
});
