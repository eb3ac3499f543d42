import { describe, expect, it } from "vitest";
import { anyMoref, formatMoRef, isMoRef, moRefEquals, moRefKey, moref, parseMoRef } from "../../runtime/moref.js";

describe("moref helpers", () => {
  it("makes frozen references and validates input", () => {
    const r = moref("VirtualMachine", "vm-42");
    expect(r).toEqual({ type: "VirtualMachine", value: "vm-42" });
    expect(Object.isFrozen(r)).toBe(true);
    expect(moref("Folder", "group-d1", "guid-1")).toEqual({ type: "Folder", value: "group-d1", serverGuid: "guid-1" });
    // Names the bindings do not know need anyMoref, which still validates them at run time.
    expect(() => anyMoref("", "vm-1")).toThrow(/anyMoref: managed object type/);
    expect(() => anyMoref("Virtual Machine", "vm-1")).toThrow(/identifier/);
    expect(anyMoref("FutureManagedType", "x-1")).toEqual({ type: "FutureManagedType", value: "x-1" });
    expect(() => moref("VirtualMachine", "")).toThrow(/non-empty/);
    expect(() => moref("VirtualMachine", "vm-1", "a/b")).toThrow(/serverGuid/);
  });

  it("parses what formatMoRef and moRefKey write", () => {
    expect(parseMoRef("VirtualMachine:vm-42")).toEqual({ type: "VirtualMachine", value: "vm-42" });
    expect(parseMoRef("HostSystem:host:with:colons")).toEqual({ type: "HostSystem", value: "host:with:colons" });
    expect(parseMoRef("g-1/Datastore:ds/1")).toEqual({ type: "Datastore", value: "ds/1", serverGuid: "g-1" });
    const withGuid = moref("Datastore", "datastore-11", "5d0a");
    expect(moRefKey(withGuid)).toBe("5d0a/Datastore:datastore-11");
    expect(parseMoRef(moRefKey(withGuid))).toEqual(withGuid);
    expect(formatMoRef(withGuid)).toBe("Datastore:datastore-11");
    for (const bad of ["vm-42", ":vm-1", "VirtualMachine:", "/VirtualMachine:vm-1", "Virtual-Machine:vm-1"]) {
      expect(() => parseMoRef(bad), bad).toThrow(TypeError);
    }
  });

  it("compares and keys by type, value and serverGuid", () => {
    const a = moref("VirtualMachine", "vm-1");
    expect(moRefEquals(a, { type: "VirtualMachine", value: "vm-1" })).toBe(true);
    expect(moRefEquals(a, moref("VirtualMachine", "vm-2"))).toBe(false);
    expect(moRefEquals(a, moref("HostSystem", "vm-1"))).toBe(false);
    expect(moRefEquals(a, moref("VirtualMachine", "vm-1", "g"))).toBe(false);
    expect(moRefEquals(moref("VirtualMachine", "vm-1", "g"), moref("VirtualMachine", "vm-1", "g"))).toBe(true);
    expect(moRefEquals(undefined, undefined)).toBe(true);
    expect(moRefEquals(a, undefined)).toBe(false);
    const m = new Map([[moRefKey(a), 1]]);
    expect(m.get(moRefKey({ type: "VirtualMachine", value: "vm-1" }))).toBe(1);
    expect(moRefKey(moref("VirtualMachine", "vm-1", "g"))).not.toBe(moRefKey(a));
  });

  it("recognises MoRef-shaped values", () => {
    expect(isMoRef({ type: "A", value: "b" })).toBe(true);
    expect(isMoRef({ type: "A", value: "b", extra: 1 })).toBe(false);
    expect(isMoRef({ type: "A" })).toBe(false);
    expect(isMoRef(null)).toBe(false);
  });
});
