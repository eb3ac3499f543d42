import { describe, expect, it } from "vitest";
import { privilegesOf } from "../../runtime/client/privileges.js";
import { VirtualMachine } from "../support/bindings.js";

describe("privilegesOf", () => {
  it("lists the distinct privileges the descriptors carry, sorted, from an array or a module", () => {
    const withPriv = (d: object, privilege: string) => ({ ...d, privilege });
    const on = withPriv(VirtualMachine.PowerOnVM_Task, "VirtualMachine.Interact.PowerOn");
    const off = withPriv(VirtualMachine.PowerOffVM_Task, "VirtualMachine.Interact.PowerOff");
    const clone = withPriv(VirtualMachine.CloneVM_Task, "VirtualMachine.Provisioning.Clone");
    expect(privilegesOf([clone, on, off, on])).toEqual(["VirtualMachine.Interact.PowerOff", "VirtualMachine.Interact.PowerOn", "VirtualMachine.Provisioning.Clone"]);
    expect(privilegesOf({ on, clone, other: 42, text: "x" })).toEqual(["VirtualMachine.Interact.PowerOn", "VirtualMachine.Provisioning.Clone"]);
    // The default release's descriptors carry pyVmomi's privileges: a whole module lists them, sorted and distinct.
    const all = privilegesOf(VirtualMachine);
    expect(all).toContain("VirtualMachine.Interact.PowerOn");
    expect(all).toEqual([...new Set(all)].sort());
  });
});
