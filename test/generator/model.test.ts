/**
 * The merged model: WSDL wire shapes joined with what only VMODL knows.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { summarize } from "../../generator/model/merge.js";
import { formatReport } from "../../generator/model/report.js";
import type { ApiModel } from "../../generator/model/ir.js";
import { describeOnce, tierShare } from "../support/tier.js";

const models = new Map<string, Promise<ApiModel>>();
const model = (release: string, vmodl?: false) => {
  const key = `${release}:${vmodl}`;
  if (!models.has(key)) models.set(key, loadModel({ service: "vim25", release, ...(vmodl === false ? { vmodl: false as const } : {}) }));
  return models.get(key)!;
};

function baseChain(m: ApiModel, name: string, kind: "managed" | "data"): string[] {
  const chain: string[] = [];
  for (let n: string | undefined = name; n; n = kind === "managed" ? m.managedTypes[n]?.base : m.dataTypes[n]?.base) chain.push(n);
  return chain;
}

describeOnce("merged model of vim25-7.0.3 with pyVmomi 7.0.3 type info", () => {
  it("binds operations to the managed types that own them", async () => {
    const m = await model("7.0.3");
    expect(m.methods.PowerOnVM_Task!.owners).toEqual(["VirtualMachine"]);
    expect(m.methods.CreateContainerView!.owners).toEqual(["ViewManager"]);
    expect(m.managedTypes.VirtualMachine!.methods).toContain("PowerOnVM_Task");
    expect(m.methods.PowerOnVM_Task!.returnsTask).toBe(true);
    expect(m.methods.RetrievePropertiesEx!.safe).toBe(true);
    expect(m.methods.PowerOnVM_Task!.safe).toBe(false);
  });

  it("keeps the managed type behind each MoRef, which only VMODL knows", async () => {
    const m = await model("7.0.3");
    const host = m.methods.PowerOnVM_Task!.params.find((p) => p.name === "host")!;
    expect(host).toMatchObject({ type: "ManagedObjectReference", moType: "HostSystem", optional: true });
    expect(m.methods.PowerOnVM_Task!.params[0]).toMatchObject({ name: "_this", moType: "VirtualMachine" });
    const ds = m.managedTypes.VirtualMachine!.props.find((p) => p.name === "datastore")!;
    expect(ds).toMatchObject({ type: "ManagedObjectReference", moType: "Datastore", array: true });
    const runtimeHost = m.dataTypes.VirtualMachineRuntimeInfo!.fields.find((f) => f.name === "host")!;
    expect(runtimeHost.moType).toBe("HostSystem");
  });

  it("has VirtualMachine's base chain, its summary type and a fault's base chain", async () => {
    const m = await model("7.0.3");
    expect(baseChain(m, "VirtualMachine", "managed")).toEqual(["VirtualMachine", "ManagedEntity", "ExtensibleManagedObject"]);
    expect(m.managedTypes.VirtualMachine!.props.find((p) => p.name === "summary")).toMatchObject({ type: "VirtualMachineSummary", optional: false });
    expect(baseChain(m, "InvalidLogin", "data")).toEqual(["InvalidLogin", "VimFault", "MethodFault"]);
    expect(m.dataTypes.InvalidLogin!.kind).toBe("fault");
    expect(baseChain(m, "TraversalSpec", "data")).toEqual(["TraversalSpec", "SelectionSpec", "DynamicData"]);
  });

  it("resolves every managed property's type to a WSDL type", async () => {
    const m = await model("7.0.3");
    const unresolved = Object.values(m.managedTypes).flatMap((t) =>
      t.props.filter((p) => !p.primitive && p.type !== "ManagedObjectReference" && !m.dataTypes[p.type] && !m.enums[p.type]).map((p) => `${t.name}.${p.name}`),
    );
    expect(unresolved).toEqual([]);
  });

  it("records the gap to a newer WSDL instead of dropping it", async () => {
    const m = await model("9.1");
    const unowned = Object.values(m.methods).filter((x) => x.owners.length === 0).map((x) => x.name);
    const reported = m.checks.filter((c) => c.kind === "operation-without-owner").map((c) => c.subject);
    expect(unowned.length).toBeGreaterThan(0);
    expect(reported.sort()).toEqual(unowned.sort());
    expect(formatReport(m)).toContain("operation-without-owner");
  });
});

describeOnce("a matched pair and a WSDL newer than its VMODL", () => {
  it("vim25-7.0.3 with pyVmomi 7.0.3 reports no mismatch; its notes are enum values the public WSDL leaves out", async () => {
    const m = await model("7.0.3");
    expect(m.sources.vmodl).toBe("pyvmomi-7.0.3");
    const s = summarize(m);
    expect(s.mismatches).toBe(0);
    expect(s.unownedMethods).toBe(0);
    expect(s.checks).toEqual({ "note:enum-values-missing-in-wsdl": 14 });
  });

  it("vim25-9.0.0 and 9.1 with pyVmomi 8.0.3 report only notes, for what 9.x added", async () => {
    for (const r of ["9.0.0", "9.1"]) {
      const m = await model(r);
      expect(m.sources.vmodl, r).toBe("pyvmomi-8.0.3");
      expect(summarize(m).mismatches, r).toBe(0);
    }
    const s = summarize(await model("9.0.0"));
    expect(s.checks["note:wsdl-params-added"]).toBe(7);
    expect(s.checks["note:wsdl-made-optional"]).toBe(1);
  });

  it("vim25-7.0.0 with vmodl 7.0 reports no mismatch", async () => {
    const s = summarize(await model("7.0.0"));
    expect(s.mismatches).toBe(0);
    expect(s.unownedMethods).toBe(0);
  });

  it("vim25-9.1 with pyVmomi 8.0.3 leaves operations no managed type owns, and says so", async () => {
    const m = await model("9.1");
    const s = summarize(m);
    expect(s.unownedMethods).toBeGreaterThan(0);
    expect(s.checks["note:operation-without-owner"]).toBe(s.unownedMethods);
  });

  it("without VMODL, every operation is still there, with no owner", async () => {
    const withV = await model("7.0.3");
    const without = await model("7.0.3", false);
    expect(Object.keys(without.methods).sort()).toEqual(Object.keys(withV.methods).sort());
    expect(Object.keys(without.managedTypes)).toEqual([]);
    expect(without.checks).toEqual([]);
  });
});

describe("pbm, sms, vslm and eam from the same type info", () => {
  // Each merge reads a bundle and the type info: the unit tier merges pbm, the integration tier the others.
  it.each(tierShare(["pbm", "sms", "vslm", "eam"], (s) => s === "pbm"))(
    "merges the %s 9.1 bundle with pyVmomi 8.0.3 without a mismatch, owners and task results included",
    async (service) => {
      const m = await loadModel({ service, release: "9.1" });
      expect(m.sources.vmodl).toBe("pyvmomi-8.0.3");
      expect(summarize(m).mismatches).toBe(0);
      expect(Object.keys(m.managedTypes).length).toBeGreaterThan(0);
      // sms has its own Task type; its task methods are still tasks.
      if (service === "sms") expect(m.methods.SyncReplicationGroup_Task).toMatchObject({ returnsTask: true, owners: ["VasaProvider"] });
    },
  );
});

describeOnce("what the type info adds to every symbol", () => {
  it("since as a wire version, privileges, task results, secrets and VMODL names", async () => {
    const m = await model("8.0.3");
    expect(m.methods.RetrievePropertiesEx!.since).toBe("4.1");
    expect(m.methods.CreateCollectorWithInfoFilterForTasks!.since).toBe("8.0.3.0");
    expect(m.methods.PowerOnVM_Task).toMatchObject({ privilege: "VirtualMachine.Interact.PowerOn", since: "2.0" });
    expect(m.methods.PowerOnVM_Task!.taskResult).toBeUndefined();
    expect(m.methods.CloneVM_Task!.taskResult).toEqual({ type: "VirtualMachine", isArray: false });
    expect(m.methods.CreateSnapshot_Task!.taskResult).toEqual({ type: "VirtualMachineSnapshot", isArray: false });
    expect(m.dataTypes.NamePasswordAuthentication!.fields.find((f) => f.name === "password")).toMatchObject({ secret: true });
    expect(m.dataTypes.VirtualMachineConfigSpec!.vmodlName).toBe("vim.vm.ConfigSpec");
    expect(m.managedTypes.VirtualMachine!.vmodlName).toBe("vim.VirtualMachine");
    expect(m.enums.VirtualMachinePowerState!.vmodlName).toBe("vim.VirtualMachine.PowerState");
    expect(m.managedTypes.CustomFieldsManager!.props.find((p) => p.name === "field")).toMatchObject({ privilege: "System.View" });
    expect(m.methods.SetField!.params.find((p) => p.name === "entity")).toMatchObject({ privilege: "Global.SetCustomField", moType: "ManagedEntity" });
    expect(m.versions?.at(-1)).toBe("8.0.3.0");
    expect(m.versions).toContain("6.7.3");
    // Every type, member and method carries a version.
    const missing = [
      ...Object.values(m.dataTypes).filter((t) => !t.since).map((t) => t.name),
      ...Object.values(m.dataTypes).flatMap((t) => t.fields.filter((f) => !f.since).map((f) => `${t.name}.${f.name}`)),
      ...Object.values(m.methods).filter((x) => !x.since).map((x) => x.name),
      ...Object.values(m.methods).flatMap((x) => x.params.filter((p) => p.name !== "_this" && !p.since).map((p) => `${x.name}(${p.name})`)),
      ...Object.values(m.managedTypes).flatMap((t) => [...(t.since ? [] : [t.name]), ...t.props.filter((p) => !p.since).map((p) => `${t.name}.${p.name}`)]),
      ...Object.values(m.enums).filter((e) => !e.since).map((e) => e.name),
    ];
    expect(missing).toEqual([]);
  });

  it("vim25-8.0.3 comes from the type info alone, with the 8.0.3.0 SOAP action", async () => {
    const m = await model("8.0.3");
    expect(m.sources).toEqual({ wsdl: [], vmodl: "pyvmomi-8.0.3" });
    expect(m.apiVersion).toBe("8.0.3.0");
    expect(summarize(m)).toMatchObject({ managedTypes: 138, unownedMethods: 0, mismatches: 0, notes: 0 });
  });
});
