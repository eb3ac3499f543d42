// Pure application of PropertyCollector changes: every op, keyed and nested
// keyed paths, quoted string keys, and that nothing passed in is mutated.
import { describe, expect, it } from "vitest";
import { applyChange, applyChanges, parsePropertyPath } from "../../runtime/property/property-change.js";
import { PropertyPathError } from "../../runtime/errors/index.js";

const disk = (key: number, fileName: string) => ({ _typeName: "VirtualDisk", key, backing: { _typeName: "VirtualDiskFlatVer2BackingInfo", fileName } });
const nic = (key: number) => ({ _typeName: "VirtualVmxnet3", key, deviceInfo: { label: `nic ${key}` } });
const opt = (key: string, value: string) => ({ _typeName: "OptionValue", key, value });

const DEV = "config.hardware.device";
const EXTRA = "config.extraConfig";

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe("parsePropertyPath", () => {
  it("splits fields, integer keys and quoted string keys", () => {
    expect(parsePropertyPath("config.hardware.device[4000].backing.fileName")).toEqual([
      { field: "config" }, { field: "hardware" }, { field: "device" }, { key: 4000 }, { field: "backing" }, { field: "fileName" },
    ]);
    expect(parsePropertyPath('config.extraConfig["guestinfo.a"]')).toEqual([{ field: "config" }, { field: "extraConfig" }, { key: "guestinfo.a" }]);
  });

  it("unescapes quotes and backslashes, and keeps brackets and dots inside the key", () => {
    expect(parsePropertyPath('x["a\\"b\\\\c].d[1]"]')).toEqual([{ field: "x" }, { key: 'a"b\\c].d[1]' }]);
    expect(parsePropertyPath("x[-1][2]")).toEqual([{ field: "x" }, { key: -1 }, { key: 2 }]);
  });

  it("names the offset and what was expected on bad paths", () => {
    expect(() => parsePropertyPath('x["open')).toThrow(PropertyPathError);
    expect(() => parsePropertyPath('x["open')).toThrow(/offset 7: expected a closing "/);
    expect(() => parsePropertyPath("x[abc]")).toThrow(/offset 2: expected an integer key or a quoted string key/);
    expect(() => parsePropertyPath("x[1]y")).toThrow(/offset 4: expected "\." or "\[" after a key/);
    expect(() => parsePropertyPath("x..y")).toThrow(/offset 2: expected a property name/);
    expect(() => parsePropertyPath("x[12")).toThrow(/offset 2: expected a key closed by "\]"/);
  });
});

describe("applyChange", () => {
  const selected = [DEV, EXTRA, "name", "summary.runtime.powerState"];
  const before = deepFreeze({
    name: "vm1",
    "summary.runtime.powerState": "poweredOff",
    [DEV]: [disk(2000, "[ds] a.vmdk"), nic(4000)],
    [EXTRA]: [opt("a", "1"), opt('we"ird]key', "2")],
  });

  it("assign replaces a whole selected value", () => {
    const after = applyChange(before, { name: "summary.runtime.powerState", op: "assign", val: "poweredOn" }, selected);
    expect(after["summary.runtime.powerState"]).toBe("poweredOn");
    expect(after[DEV]).toBe(before[DEV]); // untouched values are shared, not copied
  });

  it("assign to a keyed element replaces that element only", () => {
    const after = applyChange(before, { name: `${DEV}[4000]`, op: "assign", val: { ...nic(4000), connectable: true } }, selected);
    expect(after[DEV]).toEqual([disk(2000, "[ds] a.vmdk"), { ...nic(4000), connectable: true }]);
  });

  it("assign below a keyed element changes the nested field", () => {
    const after = applyChange(before, { name: `${DEV}[2000].backing.fileName`, op: "assign", val: "[ds] b.vmdk" }, selected);
    expect(after[DEV]).toEqual([disk(2000, "[ds] b.vmdk"), nic(4000)]);
  });

  it("add appends a keyed element, and assign of an unknown key appends too", () => {
    const added = applyChange(before, { name: `${DEV}[4001]`, op: "add", val: nic(4001) }, selected);
    expect(added[DEV]).toEqual([disk(2000, "[ds] a.vmdk"), nic(4000), nic(4001)]);
    const assigned = applyChange(before, { name: `${EXTRA}["b"]`, op: "assign", val: opt("b", "3") }, selected);
    expect(assigned[EXTRA]).toEqual([opt("a", "1"), opt('we"ird]key', "2"), opt("b", "3")]);
  });

  it("add without a key appends to the collection", () => {
    const after = applyChange({}, { name: DEV, op: "add", val: nic(1) }, selected);
    expect(after[DEV]).toEqual([nic(1)]);
  });

  it("remove by integer key and by quoted string key with escapes", () => {
    const a = applyChange(before, { name: `${DEV}[4000]`, op: "remove" }, selected);
    expect(a[DEV]).toEqual([disk(2000, "[ds] a.vmdk")]);
    const b = applyChange(before, { name: `${EXTRA}["we\\"ird]key"]`, op: "remove" }, selected);
    expect(b[EXTRA]).toEqual([opt("a", "1")]);
  });

  it("remove of a missing key changes nothing", () => {
    const after = applyChange(before, { name: `${DEV}[9999]`, op: "remove" }, selected);
    expect(after[DEV]).toEqual(before[DEV]);
    const nested = applyChange(before, { name: `${DEV}[9999].backing.fileName`, op: "remove" }, selected);
    expect(nested[DEV]).toEqual(before[DEV]);
  });

  it("remove of a whole property drops it from the values", () => {
    const after = applyChange(before, { name: "name", op: "remove" }, selected);
    expect("name" in after).toBe(false);
  });

  it("indirectRemove unsets the property or nested field", () => {
    const whole = applyChange(before, { name: DEV, op: "indirectRemove" }, selected);
    expect(DEV in whole).toBe(false);
    const nested = applyChange(before, { name: `${DEV}[2000].backing`, op: "indirectRemove" }, selected);
    expect(nested[DEV]).toEqual([{ _typeName: "VirtualDisk", key: 2000 }, nic(4000)]);
  });

  it("a change above a selected path takes the selected part of its value", () => {
    const after = applyChange(
      { "summary.runtime.powerState": "poweredOff" },
      { name: "summary.runtime", op: "assign", val: { powerState: "suspended", connectionState: "connected" } },
      ["summary.runtime.powerState"],
    );
    expect(after).toEqual({ "summary.runtime.powerState": "suspended" });
  });

  it("keys MoRef arrays by the reference's value", () => {
    const vms = [{ type: "VirtualMachine", value: "vm-1" }, { type: "VirtualMachine", value: "vm-2" }];
    const after = applyChange({ vm: vms }, { name: 'vm["vm-1"]', op: "remove" }, ["vm"]);
    expect(after.vm).toEqual([{ type: "VirtualMachine", value: "vm-2" }]);
  });

  it("applies a change set in order and mutates nothing given", () => {
    const after = applyChanges(
      before,
      [
        { name: `${DEV}[4001]`, op: "add", val: nic(4001) },
        { name: `${DEV}[4001].deviceInfo.label`, op: "assign", val: "renamed" },
        { name: `${DEV}[2000]`, op: "remove" },
      ],
      selected,
    );
    expect(after[DEV]).toEqual([nic(4000), { ...nic(4001), deviceInfo: { label: "renamed" } }]);
    // deepFreeze would have made any mutation throw; the original is still whole.
    expect(before[DEV]).toHaveLength(2);
  });
});
