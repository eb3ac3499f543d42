import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diffModels, renderDiffMarkdown } from "../../generator/diff/diff.js";
import type { ApiModel, IrField } from "../../generator/model/ir.js";
import { loadModel } from "../../generator/pipeline.js";
import { sharedDir } from "../../wsdl/paths.js";

const f = (name: string, type: string, extra: Partial<IrField> = {}): IrField => ({
  name,
  type,
  primitive: ["string", "int", "boolean"].includes(type),
  optional: false,
  array: false,
  ...extra,
});

function model(release: string, build: (m: ApiModel) => void): ApiModel {
  const m: ApiModel = {
    service: "vim25",
    release,
    namespace: "urn:vim25",
    sources: { wsdl: ["vim.wsdl"] },
    dataTypes: {},
    enums: {},
    managedTypes: {},
    methods: {},
    checks: [],
  };
  build(m);
  return m;
}

const A = model("1.0", (m) => {
  m.dataTypes.DynamicData = { name: "DynamicData", kind: "data", fields: [], subtypes: [] };
  m.dataTypes.Spec = { name: "Spec", kind: "data", base: "DynamicData", subtypes: [], fields: [f("name", "string"), f("size", "int"), f("gone", "string"), f("tags", "string", { array: true })] };
  m.dataTypes.OldOnly = { name: "OldOnly", kind: "data", base: "DynamicData", fields: [], subtypes: [] };
  m.dataTypes.Moved = { name: "Moved", kind: "data", base: "DynamicData", fields: [], subtypes: [] };
  m.dataTypes.BadThing = { name: "BadThing", kind: "fault", fields: [], subtypes: [] };
  m.enums.Power = { name: "Power", values: ["on", "off", "standby"] };
  m.enums.Dropped = { name: "Dropped", values: ["x"] };
  m.managedTypes.Vm = { name: "Vm", props: [f("config", "Spec", { optional: true })], methods: ["PowerOn"], subtypes: [] };
  m.methods.PowerOn = { name: "PowerOn", params: [f("_this", "ManagedObjectReference"), f("host", "ManagedObjectReference", { optional: true, moType: "Host" })], faults: ["BadThing"], returnsTask: true, safe: false, owners: ["Vm"], returns: f("returnval", "ManagedObjectReference", { moType: "Task" }) };
  m.methods.Old = { name: "Old", params: [f("_this", "ManagedObjectReference")], faults: [], returnsTask: false, safe: false, owners: ["Vm"] };
});

const B = model("2.0", (m) => {
  m.dataTypes.DynamicData = { name: "DynamicData", kind: "data", fields: [], subtypes: [] };
  m.dataTypes.Spec = { name: "Spec", kind: "data", base: "DynamicData", subtypes: [], fields: [f("name", "string"), f("size", "int", { optional: true }), f("tags", "string"), f("fresh", "boolean", { optional: true })] };
  m.dataTypes.NewOnly = { name: "NewOnly", kind: "data", base: "Spec", fields: [f("x", "int")], subtypes: [] };
  m.dataTypes.Moved = { name: "Moved", kind: "data", base: "Spec", fields: [], subtypes: [] };
  m.dataTypes.BadThing = { name: "BadThing", kind: "fault", fields: [], subtypes: [] };
  m.enums.Power = { name: "Power", values: ["on", "off", "suspended"] };
  m.enums.Added = { name: "Added", values: ["a"] };
  m.managedTypes.Vm = { name: "Vm", props: [f("config", "Spec", { optional: true }), f("runtime", "Spec")], methods: ["PowerOn"], subtypes: [] };
  m.managedTypes.Host = { name: "Host", props: [], methods: [], subtypes: [] };
  m.methods.PowerOn = { name: "PowerOn", params: [f("_this", "ManagedObjectReference"), f("host", "ManagedObjectReference", { moType: "Host" }), f("force", "boolean", { optional: true })], faults: ["BadThing", "Busy"], returnsTask: true, safe: false, owners: ["Vm"], returns: f("returnval", "string") };
  m.methods.Brand = { name: "Brand", params: [f("_this", "ManagedObjectReference")], faults: [], returnsTask: false, safe: true, owners: ["Host"] };
});

describe("diffModels on hand-built models", () => {
  const d = diffModels(A, B);

  it("finds added, removed and rebased types of each kind", () => {
    expect(d.types.added.map((t) => `${t.category}:${t.name}`)).toEqual(["enum:Added", "managed:Host", "data:NewOnly"]);
    expect(d.types.removed.map((t) => `${t.category}:${t.name}`)).toEqual(["enum:Dropped", "data:OldOnly"]);
    expect(d.types.changed).toEqual([{ name: "Moved", category: "data", base: "Spec", details: ["base: DynamicData → Spec"] }]);
  });

  it("finds field and property changes only on types present in both", () => {
    expect(d.properties.added.map((p) => `${p.owner}.${p.name}:${p.type}`)).toEqual(["Spec.fresh:boolean?", "Vm.runtime:Spec"]);
    expect(d.properties.removed.map((p) => `${p.owner}.${p.name}`)).toEqual(["Spec.gone"]);
    expect(d.properties.changed.map((p) => `${p.owner}.${p.name}:${p.before}→${p.type}`)).toEqual(["Spec.size:int→int?", "Spec.tags:string[]→string"]);
    expect(d.properties.added.find((p) => p.owner === "Vm")?.category).toBe("managed");
  });

  it("finds method additions, removals and param/return/fault changes", () => {
    expect(d.methods.added.map((m) => m.name)).toEqual(["Brand"]);
    expect(d.methods.removed.map((m) => m.name)).toEqual(["Old"]);
    expect(d.methods.changed).toHaveLength(1);
    expect(d.methods.changed[0]!.details).toEqual([
      "param changed: host: ManagedObjectReference@Host? → ManagedObjectReference@Host",
      "param added: force: boolean?",
      "returns: ManagedObjectReference@Task → string",
      "faults added: Busy",
    ]);
  });

  it("finds enum value changes", () => {
    expect(d.enumValues.added).toEqual([{ enum: "Power", value: "suspended" }]);
    expect(d.enumValues.removed).toEqual([{ enum: "Power", value: "standby" }]);
  });

  it("is empty for a model against itself", () => {
    const same = diffModels(B, B);
    expect([same.types, same.properties, same.methods].flatMap((g) => Object.values(g).flat())).toEqual([]);
    expect(same.enumValues.added.length + same.enumValues.removed.length).toBe(0);
  });

  it("renders a summary table and every entry, deterministically", () => {
    const md = renderDiffMarkdown(d, { header: ["Produced by a test."] });
    expect(md).toBe(renderDiffMarkdown(diffModels(A, B), { header: ["Produced by a test."] }));
    expect(md).toContain("| data types | 1 | 1 | 1 |");
    expect(md).toContain("| methods | 1 | 1 | 1 |");
    expect(md).toContain("| enum values | 1 | 1 | – |");
    for (const s of ["`NewOnly` extends `Spec`", "`Spec.size`: `int` → `int?`", "`Vm.runtime`: `Spec`", "`Power`: `suspended`", "`Old` on `Vm`", "param added: `force: boolean?`"]) {
      expect(md).toContain(s);
    }
    expect(md.indexOf("## Summary")).toBeLessThan(md.indexOf("## Types"));
  });
});

/** Independent of the WSDL reader: names straight out of the XSD/WSDL text. */
function grepNames(release: string, pattern: RegExp, ext: string): Set<string> {
  const dir = path.join(sharedDir(), "wsdl", `vim25-${release}`);
  const out = new Set<string>();
  for (const file of readdirSync(dir).filter((n) => n.endsWith(ext))) {
    for (const m of readFileSync(path.join(dir, file), "utf8").matchAll(pattern)) out.add(m[1]!);
  }
  return out;
}

function complexTypeElements(release: string, type: string): string[] {
  const text = readFileSync(path.join(sharedDir(), "wsdl", `vim25-${release}`, "vim-types.xsd"), "utf8");
  const start = text.indexOf(`<complexType name="${type}">`);
  const end = text.indexOf("</complexType>", start);
  return [...text.slice(start, end).matchAll(/<element name="([^"]+)"/g)].map((m) => m[1]!);
}

describe("diffModels on real bundles (vim25 7.0.2 → 7.0.3, WSDL only)", () => {
  it("reports the types, enums, operations and fields that the files themselves add", async () => {
    const [a, b] = await Promise.all([loadModel({ release: "7.0.2", vmodl: false }), loadModel({ release: "7.0.3", vmodl: false })]);
    const d = diffModels(a, b);
    const minus = (x: Set<string>, y: Set<string>) => [...x].filter((n) => !y.has(n)).sort();

    const complex = /<complexType name="([^"]+)"/g;
    const newTypes = minus(grepNames("7.0.3", complex, ".xsd"), grepNames("7.0.2", complex, ".xsd")).filter(
      (n) => !n.startsWith("ArrayOf") && !n.endsWith("RequestType"),
    );
    expect(newTypes.length).toBeGreaterThan(0);
    expect(d.types.added.filter((t) => t.category === "data" || t.category === "fault").map((t) => t.name)).toEqual(newTypes);

    const simple = /<simpleType name="([^"]+)"/g;
    expect(d.types.added.filter((t) => t.category === "enum").map((t) => t.name)).toEqual(minus(grepNames("7.0.3", simple, ".xsd"), grepNames("7.0.2", simple, ".xsd")));

    const op = /<operation name="([^"]+)"/g;
    const opsA = grepNames("7.0.2", op, ".wsdl");
    const opsB = grepNames("7.0.3", op, ".wsdl");
    expect(d.methods.added.map((m) => m.name)).toEqual(minus(opsB, opsA));
    expect(d.methods.removed.map((m) => m.name)).toEqual(minus(opsA, opsB));

    for (const type of ["VirtualMachineQuickStats", "VirtualMachineConfigSpec"]) {
      const added = minus(new Set(complexTypeElements("7.0.3", type)), new Set(complexTypeElements("7.0.2", type)));
      expect(added.length, type).toBeGreaterThan(0);
      expect(d.properties.added.filter((p) => p.owner === type).map((p) => p.name).sort()).toEqual(added);
    }
  });
});
