import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { VmodlModel } from "../../generator/model/ir.js";
import { parseVmodl, readVmodl, VmodlError } from "../../generator/vmodl/vmodl-reader.js";
import { sharedDir } from "../../wsdl/paths.js";

const vmodlDir = path.join(sharedDir(), "vmodl");
const RELEASES = ["5.5", "6.5", "6.7u1", "7.0"] as const;
/** WSDL bundle of the same API release, for the fault cross-check. */
const WSDL_OF: Record<string, string> = { "5.5": "vim25-5.5", "7.0": "vim25-7.0.0" };

const dbPath = (r: string) => path.join(vmodlDir, `vmodl-${r}.db`);

/**
 * Counts type kinds straight from the bytes, without a Marshal decoder.
 *
 * Every type description is a Hash of 2–4 entries whose first key is "kind",
 * so each one starts `{ <count> <"kind"> <value>`. A repeated string may be
 * written literally (`I"` len bytes + encoding ivar) or as an object link
 * `@<index>` to its first occurrence: the 6.5 and 6.7u1 dbs link the "kind"
 * key (one shared Ruby object), so a plain search for `kind` would find it
 * once. The pattern accepts either form for key and value. A value link's
 * index cannot be named without counting objects (a decoder's job), but object
 * indices grow with stream position, so sorted link indices pair with the kind
 * words in order of their first literal appearance. (In the public dbs the
 * values are always literal; the link branch keeps the count honest anyway.)
 */
function scanKinds(buf: Buffer): Record<"managed" | "data" | "enum", number> {
  const s = buf.toString("latin1");
  const FIX = String.raw`(?:[\x06-\x7f]|\x01[\s\S]|\x02[\s\S]{2}|\x03[\s\S]{3})`;
  const ENC = String.raw`\x06(?::\x06E|;(?:\x00|${FIX}))[TF]`;
  const re = new RegExp(
    String.raw`\{[\x07-\x09](?:I"\x09kind${ENC}|@(${FIX}))(?:I"(\x0cmanaged|\x09data|\x09enum)${ENC}|@(${FIX}))`,
    "g",
  );
  const counts = { managed: 0, data: 0, enum: 0 };
  const firstLiteral = new Map<string, number>();
  const linked = new Map<number, number>();
  const keyLinks = new Set<number>();
  for (const m of s.matchAll(re)) {
    if (m[1] !== undefined) keyLinks.add(fixnum(m[1]));
    if (m[2] !== undefined) {
      const word = m[2].slice(1) as keyof typeof counts;
      counts[word]++;
      if (!firstLiteral.has(word)) firstLiteral.set(word, m.index);
    } else {
      const idx = fixnum(m[3]!);
      linked.set(idx, (linked.get(idx) ?? 0) + 1);
    }
  }
  expect(keyLinks.size).toBeLessThanOrEqual(1);
  const words = [...firstLiteral].sort((a, b) => a[1] - b[1]).map(([w]) => w as keyof typeof counts);
  const indices = [...linked.keys()].sort((a, b) => a - b);
  expect(indices.length).toBeLessThanOrEqual(words.length);
  indices.forEach((idx, i) => {
    counts[words[i]!] += linked.get(idx)!;
  });
  return counts;
}

/** Marshal's compact integer, as written before a link index (spec: "Fixnum and long"). */
function fixnum(code: string): number {
  const c = code.charCodeAt(0);
  if (c >= 6 && c <= 0x7f) return c - 5;
  let v = 0;
  for (let i = 0; i < c; i++) v += code.charCodeAt(1 + i) * 256 ** i;
  return v;
}

/** Entries in the top-level Hash: the length right after the header and the `{` tag. */
function topLevelCount(buf: Buffer): number {
  expect(buf[2]).toBe(0x7b);
  const c = buf[3]!;
  return fixnum(buf.subarray(3, c <= 4 ? 4 + c : 4).toString("latin1"));
}

/**
 * Fault types according to the WSDL of the same release: complexTypes whose
 * extension chain reaches MethodFault, read with a regex over the XSD text.
 */
function wsdlFaults(bundle: string): Set<string> {
  const dir = path.join(sharedDir(), "wsdl", bundle);
  const base = new Map<string, string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".xsd"))) {
    const text = readFileSync(path.join(dir, f), "utf8");
    for (const m of text.matchAll(/<complexType name="(\w+)">([\s\S]*?)<\/complexType>/g)) {
      const ext = /<extension base="\w+:(\w+)"/.exec(m[2]!);
      if (ext) base.set(m[1]!, ext[1]!);
      else base.set(m[1]!, "");
    }
  }
  const out = new Set<string>();
  for (const name of base.keys()) {
    for (let cur: string | undefined = name, n = 0; cur && n < 50; cur = base.get(cur), n++) {
      if (cur === "MethodFault") {
        out.add(name);
        break;
      }
    }
  }
  return out;
}

const models = new Map<string, VmodlModel>();
beforeAll(async () => {
  for (const r of RELEASES) models.set(r, await readVmodl(dbPath(r)));
});

describe.each(RELEASES)("vmodl-%s.db", (release) => {
  const model = () => models.get(release)!;

  it("has as many managed/data/enum types as the raw bytes say", () => {
    const buf = readFileSync(dbPath(release));
    const kinds = scanKinds(buf);
    const m = model();
    const data = Object.values(m.data);
    expect(Object.keys(m.managed).length).toBe(kinds.managed);
    expect(Object.keys(m.enums).length).toBe(kinds.enum);
    // Faults are data types in the db; the reader only relabels them.
    expect(data.length).toBe(kinds.data);
    // `_typenames` and `_versions` are the only non-type entries.
    expect(kinds.managed + kinds.data + kinds.enum).toBe(topLevelCount(buf) - 2);
  });

  it("labels as faults exactly the MethodFault descendants", () => {
    const m = model();
    const faults = Object.values(m.data).filter((d) => d.kind === "fault");
    expect(faults.length).toBeGreaterThan(0);
    for (const f of faults) {
      let cur: string | undefined = f.name;
      const chain: string[] = [];
      while (cur && cur !== "MethodFault") {
        chain.push(cur);
        cur = m.data[cur]?.base;
      }
      expect(cur, `${f.name} chain ${chain.join(" → ")}`).toBe("MethodFault");
    }
    const bundle = WSDL_OF[release];
    if (bundle) {
      // Independent source: the WSDL of the same release. VMODL also carries
      // faults the WSDL omits (internal ones), so check containment one way.
      const expected = wsdlFaults(bundle);
      expect(expected.size).toBeGreaterThan(100);
      const missing = [...expected].filter((n) => m.data[n]?.kind !== "fault");
      expect(missing).toEqual([]);
    }
  });

  it("knows the well-known shapes", () => {
    const m = model();
    const vm = m.managed.VirtualMachine!;
    expect(vm.base).toBe("ManagedEntity");
    expect(m.managed.ManagedEntity!.props.find((p) => p.name === "name")).toMatchObject({ type: "string", primitive: true });
    expect(vm.props.find((p) => p.name === "datastore")).toMatchObject({
      type: "ManagedObjectReference",
      moType: "Datastore",
      array: true,
    });
    const powerOn = vm.methods.find((x) => x.name === "PowerOnVM_Task")!;
    expect(powerOn.returnsTask).toBe(true);
    expect(powerOn.result).toEqual({ name: "returnval", type: "ManagedObjectReference", moType: "Task", optional: false, array: false });
    expect(powerOn.params).toHaveLength(1);
    expect(powerOn.params[0]).toMatchObject({ name: "host", type: "ManagedObjectReference", moType: "HostSystem", optional: true, array: false });
    expect(m.enums.VirtualMachinePowerState!.values).toEqual(["poweredOff", "poweredOn", "suspended"]);
    expect(m.data.InvalidLogin).toMatchObject({ kind: "fault", base: "VimFault" });
    expect(m.data.DynamicData!.base).toBeUndefined();
    expect(m.data.DynamicData!.kind).toBe("data");
  });

  it("ties returnsTask to the _Task suffix and moves the task's yield to taskResult", () => {
    for (const mt of Object.values(model().managed)) {
      for (const meth of mt.methods) {
        expect(meth.returnsTask, `${mt.name}.${meth.name}`).toBe(meth.name.endsWith("_Task"));
        if (meth.returnsTask) expect(meth.result?.moType).toBe("Task");
        else expect(meth.taskResult).toBeUndefined();
      }
    }
  });

  it("sorts record keys and method names", () => {
    const m = model();
    for (const rec of [m.managed, m.data, m.enums, m.versions]) {
      const keys = Object.keys(rec);
      expect(keys).toEqual([...keys].sort());
    }
    for (const mt of Object.values(m.managed)) {
      const names = mt.methods.map((x) => x.name);
      expect(names).toEqual([...names].sort());
    }
  });

  it("gives every member version a release when the id is a known one", () => {
    const m = model();
    for (const [id, v] of Object.entries(m.versions)) {
      if (/^vim\.version\.(version\d+|v\d+(_\d+)+)$/.test(id)) expect(v.release, id).toMatch(/^\d+\.\d+/);
    }
  });
});

describe("version mapping", () => {
  it("maps ids to the releases that introduced the members", () => {
    const m = models.get("7.0")!;
    const vm = m.managed.VirtualMachine!;
    // layoutEx and storage are documented "Since vSphere API 4.0"; rootSnapshot and parentVApp "Since 4.1".
    expect(vm.props.find((p) => p.name === "layoutEx")).toMatchObject({ version: "vim.version.version5", since: "4.0" });
    expect(vm.props.find((p) => p.name === "parentVApp")).toMatchObject({ version: "vim.version.version6", since: "4.1" });
    const rpe = m.managed.PropertyCollector!.methods.find((x) => x.name === "RetrievePropertiesEx")!;
    expect(rpe.since).toBe("4.1");
    // Members present from the start carry no version.
    expect(vm.props.find((p) => p.name === "config")!.version).toBeUndefined();
  });

  it("keeps the task's own result type", () => {
    const snap = models.get("7.0")!.managed.VirtualMachine!.methods.find((x) => x.name === "CreateSnapshot_Task")!;
    expect(snap.taskResult).toMatchObject({ type: "ManagedObjectReference", moType: "VirtualMachineSnapshot" });
  });

  it("maps VMODL's string aliases to xsd string", () => {
    const pfs = models.get("7.0")!.data.PropertySpec!;
    expect(pfs.props.find((p) => p.name === "type")).toMatchObject({ type: "string", primitive: true, vmodlType: "TypeName" });
    expect(pfs.props.find((p) => p.name === "pathSet")).toMatchObject({ type: "string", vmodlType: "PropertyPath", array: true });
  });
});

describe("readVmodl errors", () => {
  it("names a missing file", async () => {
    const p = path.join(vmodlDir, "no-such.db");
    await expect(readVmodl(p)).rejects.toThrow(VmodlError);
    await expect(readVmodl(p)).rejects.toThrow(/no-such\.db: cannot read.*ENOENT/);
  });

  it("honours an aborted signal", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(readVmodl(dbPath("7.0"), { signal: ac.signal })).rejects.toThrow("stop");
  });

  it("names the entry of a structurally corrupt type", () => {
    // A tiny db built by hand: { "Broken" => { "kind" => "data", "props" => 5, "wsdl_base" => "DynamicData" } }
    const str = (t: string) => [0x49, 0x22, t.length + 5, ...Buffer.from(t), 0x06, 0x3a, 0x06, 0x45, 0x54];
    const bytes = Uint8Array.from([
      0x04, 0x08, 0x7b, 0x06, ...str("Broken"),
      0x7b, 0x08, ...str("kind"), ...str("data"), ...str("props"), 0x69, 0x0a, ...str("wsdl_base"), ...str("DynamicData"),
    ]);
    let err: unknown;
    try {
      parseVmodl(bytes, "hand.db");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VmodlError);
    const ve = err as VmodlError;
    expect(ve.entry).toBe("Broken");
    expect(ve.file).toBe("hand.db");
    expect(ve.message).toMatch(/'props' to be an Array, found number 5/);
    // The offset is that of the Broken hash: header (2) + "{" + count (1) + key string.
    expect(ve.offset).toBe(4 + str("Broken").length);
  });
});
