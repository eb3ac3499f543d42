/**
 * The merged model: WSDL wire shapes joined with what only VMODL knows.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "../../generator/pipeline.js";
import { summarize } from "../../generator/model/merge.js";
import { formatReport } from "../../generator/cli/main.js";
import type { ApiModel } from "../../generator/model/ir.js";

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

describe("merged model of vim25-7.0.3 with vmodl 7.0", () => {
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
    const m = await model("7.0.3");
    const unowned = Object.values(m.methods).filter((x) => x.owners.length === 0).map((x) => x.name);
    const reported = m.checks.filter((c) => c.kind === "operation-without-owner").map((c) => c.subject);
    expect(unowned.length).toBeGreaterThan(0);
    expect(reported.sort()).toEqual(unowned.sort());
    expect(formatReport(m)).toContain("operation-without-owner");
  });
});

describe("a matched pair and a WSDL newer than its VMODL", () => {
  it("vim25-7.0.0 with vmodl 7.0 reports no mismatch", async () => {
    const s = summarize(await model("7.0.0"));
    expect(s.mismatches).toBe(0);
    expect(s.unownedMethods).toBe(0);
  });

  it("vim25-9.1 with vmodl 7.0 leaves operations no managed type owns, and says so", async () => {
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
