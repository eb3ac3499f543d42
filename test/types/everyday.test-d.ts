/**
 * Issue 12's typing defects and issue 11's typed task results, through the
 * runtime's real signatures (Client, retrieve, watch, waitForTask, moref).
 * Checked by tsc through vitest's typecheck mode; nothing here runs.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { Client } from "../../runtime/client/client.js";
import { moref, anyMoref } from "../../runtime/moref.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { watch } from "../../runtime/property/watch.js";
import { waitForTask } from "../../runtime/task/wait-for-task.js";
import type { MoRef, TaskRef } from "../../runtime/types.js";
import {
  ClusterComputeResource,
  ComputeResource,
  Datacenter,
  faults,
  VirtualMachine,
  type schemas,
  type VirtualDevice,
  type VirtualMachineCloneSpec,
  type VirtualMachineConfigSpec,
  type VirtualMachinePowerState,
  type VirtualMachineRelocateSpec,
} from "../../generated/vim25-8.0.3/index.js";

declare const client: Client<typeof schemas>;
declare const vm: MoRef<"VirtualMachine">;
declare const folder: MoRef<"Folder">;
declare const cluster: MoRef<"ClusterComputeResource">;
declare const dc: MoRef<"Datacenter">;

describe("typed task results", () => {
  it("infers the result from the task a descriptor returned, with no type argument", async () => {
    const clone = await client.call(VirtualMachine.CloneVM_Task, vm, { folder, name: "c", spec: { location: {}, powerOn: false, template: false } });
    expectTypeOf(clone).toEqualTypeOf<TaskRef<MoRef<"VirtualMachine">>>();
    expectTypeOf(await waitForTask(client, clone)).toEqualTypeOf<MoRef<"VirtualMachine">>();

    const snap = await client.call(VirtualMachine.CreateSnapshot_Task, vm, { name: "s", memory: false, quiesce: false });
    expectTypeOf(await waitForTask(client, snap)).toEqualTypeOf<MoRef<"VirtualMachineSnapshot">>();

    const on = await client.call(VirtualMachine.PowerOnVM_Task, vm, {});
    expectTypeOf(await waitForTask(client, on)).toEqualTypeOf<undefined>();

    // A data-object result, and an array of them.
    const multi = await client.call(Datacenter.PowerOnMultiVM_Task, dc, { vm: [vm] });
    expectTypeOf(await waitForTask(client, multi)).toMatchTypeOf<{ attempted?: unknown } | undefined>();
    const evc = await client.call(ClusterComputeResource.ReconfigureComputeResource_Task, cluster, { spec: {}, modify: true });
    expectTypeOf(await waitForTask(client, evc)).toEqualTypeOf<undefined>();
  });

  it("keeps unknown for a plain Task reference, and an explicit type argument still works", async () => {
    const plain = {} as MoRef<"Task">;
    expectTypeOf(await waitForTask(client, plain)).toEqualTypeOf<unknown>();
    expectTypeOf(await waitForTask<MoRef<"VirtualMachine">>(client, plain)).toEqualTypeOf<MoRef<"VirtualMachine">>();
  });
});

describe("spec literals", () => {
  it("need no _typeName where the declared type is meant", () => {
    const config: VirtualMachineConfigSpec = { numCPUs: 2, memoryMB: 4096, name: "web-1" };
    const relocate: VirtualMachineRelocateSpec = { datastore: { type: "Datastore", value: "datastore-1" } };
    const clone: VirtualMachineCloneSpec = { location: relocate, powerOn: true, template: false, config };
    void clone;
  });

  it("name a subtype with _typeName, and reject a wrong name", () => {
    const spec: VirtualMachineConfigSpec = {
      deviceChange: [
        {
          operation: "add",
          fileOperation: "create",
          device: {
            _typeName: "VirtualDisk",
            key: -1,
            capacityInKB: 1024 * 1024,
            controllerKey: 1000,
            backing: { _typeName: "VirtualDiskFlatVer2BackingInfo", fileName: "", diskMode: "persistent", thinProvisioned: true },
          },
        },
      ],
    };
    void spec;
    // @ts-expect-error not a VirtualDevice subtype
    const bad: VirtualDevice = { _typeName: "VirtualMachineConfigSpec", key: 1 };
    void bad;
  });

  it("still narrow decoded values on _typeName", () => {
    const devices: VirtualDevice[] = [];
    for (const d of devices) {
      if (d._typeName === "VirtualDisk") expectTypeOf(d.capacityInKB).toEqualTypeOf<number>();
    }
  });
});

describe("base-type retrieve and watch", () => {
  it("type ref as the union of the type and its subtypes", async () => {
    const crs = await retrieve(client, { container: folder, type: "ComputeResource" }, ["name"]);
    expectTypeOf(crs[0]!.ref).toEqualTypeOf<MoRef<"ComputeResource" | "ClusterComputeResource">>();
    for (const c of crs) if (c.ref.type === "ClusterComputeResource") expectTypeOf(c.ref.type).toEqualTypeOf<"ClusterComputeResource">();
    const vms = await retrieve(client, { container: folder, type: "VirtualMachine" }, ["name"]);
    expectTypeOf(vms[0]!.ref).toEqualTypeOf<MoRef<"VirtualMachine">>();

    await using w = await watch(client, { from: { container: folder }, type: "ComputeResource", select: ["name"] });
    for await (const set of w) for (const o of set.objects) expectTypeOf(o.ref).toEqualTypeOf<MoRef<"ComputeResource" | "ClusterComputeResource">>();
    void ComputeResource;
  });
});

describe("required paths", () => {
  it("are exact only on an object the server reported nothing missing for", async () => {
    const [o] = await retrieve(client, [vm], ["name", "summary.runtime.powerState"]);
    if (!o) return;
    expectTypeOf(o.name).toEqualTypeOf<string | undefined>();
    if (o.$missing) {
      expectTypeOf(o.$missing[0]!.path).toEqualTypeOf<string>();
      expectTypeOf(o.name).toEqualTypeOf<string | undefined>();
    } else {
      expectTypeOf(o.name).toEqualTypeOf<string>();
      expectTypeOf(o["summary.runtime.powerState"]).toEqualTypeOf<VirtualMachinePowerState | undefined>();
    }
  });
});

describe("fault fields", () => {
  it("type-check after instanceof: the runtime error's fields and the fault's own", () => {
    const err: unknown = undefined;
    if (err instanceof faults.InvalidLogin) {
      expectTypeOf(err.serverMessage).toEqualTypeOf<string>();
      expectTypeOf(err.faultCode).toEqualTypeOf<string>();
      expectTypeOf(err.faultChain).toEqualTypeOf<readonly string[]>();
      expectTypeOf(err.message).toEqualTypeOf<string>();
    }
    if (err instanceof faults.InvalidPowerState) {
      expectTypeOf(err.fault.existingState).toEqualTypeOf<VirtualMachinePowerState>();
      expectTypeOf(err.fault.requestedState).toEqualTypeOf<VirtualMachinePowerState | undefined>();
      expectTypeOf(err.serverMessage).toEqualTypeOf<string>();
    }
  });
});

describe("moref()", () => {
  it("accepts the bindings' managed type names only; anyMoref is the escape hatch", () => {
    expectTypeOf(moref("VirtualMachine", "vm-1")).toEqualTypeOf<MoRef<"VirtualMachine">>();
    // @ts-expect-error a misspelled managed type
    moref("VirtualMachin", "vm-1");
    const dynamic: string = "FutureType";
    // @ts-expect-error a name known only at run time needs anyMoref
    moref(dynamic, "x-1");
    expectTypeOf(anyMoref(dynamic, "x-1")).toEqualTypeOf<MoRef<string>>();
    expectTypeOf(anyMoref("FutureType", "x-1")).toEqualTypeOf<MoRef<"FutureType">>();
  });
});
