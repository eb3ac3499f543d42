/**
 * Type-level proof of the generated bindings: paths, discriminants, enums,
 * MoRef kinds, method parameters and fault classes. Checked by tsc through
 * vitest's typecheck mode; nothing here runs.
 */
import { describe, expectTypeOf, it } from "vitest";
import type {
  ManagedKind,
  ManagedPaths,
  MethodDescriptor,
  MoRef,
  VirtualDevice,
  VirtualMachinePath,
  VirtualMachinePaths,
  HostSystemPaths,
  VirtualMachineConfigSpec,
  InvalidLogin,
} from "../support/bindings.js";
import { VirtualMachinePowerState, faults, VirtualMachine, Folder } from "../support/bindings.js";
import type { Selected } from "../../runtime/property/selection.js";

declare function select<const P extends VirtualMachinePath>(paths: readonly P[]): Selected<VirtualMachinePaths, P>;
declare function selectOn<T extends keyof ManagedPaths, const P extends keyof ManagedPaths[T] & string>(
  type: T,
  paths: readonly P[],
): Selected<ManagedPaths[T], P>;
declare function call<T extends string, P, R>(m: MethodDescriptor<T, P, R>, self: MoRef<NoInfer<T>>, params: P): Promise<R>;
declare const vm: MoRef<"VirtualMachine">;
declare const host: MoRef<"HostSystem">;
declare const folder: MoRef<"Folder">;

describe("property paths", () => {
  it("types a selection exactly", () => {
    const r = select(["name", "summary.runtime.powerState"]);
    expectTypeOf(r).toEqualTypeOf<{ name: string; "summary.runtime.powerState": VirtualMachinePowerState | undefined }>();
  });

  it("offers inherited and nested paths, and ends a path at an array", () => {
    expectTypeOf<VirtualMachinePaths["name"]>().toEqualTypeOf<string>();
    expectTypeOf<VirtualMachinePaths["config.hardware.device"]>().toEqualTypeOf<VirtualDevice[] | undefined>();
    expectTypeOf<VirtualMachinePaths["runtime.host"]>().toEqualTypeOf<MoRef<ManagedKind<"HostSystem">> | undefined>();
    expectTypeOf<HostSystemPaths["summary.hardware.numCpuCores"]>().toEqualTypeOf<number | undefined>();
    const hostSel = selectOn("HostSystem", ["name", "runtime.connectionState"]);
    expectTypeOf(hostSel.name).toEqualTypeOf<string>();
  });

  it("rejects misspelled and array-crossing paths", () => {
    // @ts-expect-error a misspelled path
    select(["summary.runtime.powerStat"]);
    // @ts-expect-error an array ends a path
    select(["config.hardware.device.key"]);
    // @ts-expect-error a HostSystem path on a VirtualMachine
    selectOn("VirtualMachine", ["hardware.cpuInfo.numCpuCores"]);
  });
});

describe("data objects", () => {
  it("narrows polymorphic values by _typeName", () => {
    const devices: VirtualDevice[] = [];
    for (const d of devices) {
      if (d._typeName === "VirtualDisk") expectTypeOf(d.capacityInKB).toEqualTypeOf<number>();
      // @ts-expect-error capacityInKB exists on VirtualDisk only
      d.capacityInKB;
    }
  });

  it("has required and optional fields as the schema says", () => {
    expectTypeOf<VirtualMachineConfigSpec["name"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VirtualMachineConfigSpec["deviceChange"]>().toEqualTypeOf<import("../support/bindings.js").VirtualDeviceConfigSpec[] | undefined>();
  });
});

describe("enums", () => {
  it("are string-literal unions backed by frozen values", () => {
    expectTypeOf(VirtualMachinePowerState.poweredOn).toEqualTypeOf<"poweredOn">();
    expectTypeOf<VirtualMachinePowerState>().toEqualTypeOf<"poweredOff" | "poweredOn" | "suspended">();
    // @ts-expect-error not a power state
    const bad: VirtualMachinePowerState = "running";
    void bad;
  });
});

describe("MoRef kinds and method parameters", () => {
  it("accepts the managed type and its subtypes, rejects siblings", async () => {
    const task = await call(VirtualMachine.PowerOnVM_Task, vm, { host });
    expectTypeOf(task).toEqualTypeOf<import("../../runtime/types.js").TaskRef<undefined>>();
    // A StoragePod is a Folder: where a Folder is accepted, so is a StoragePod, and a result may be either.
    // @ts-expect-error a HostSystem is not a VirtualMachine
    await call(VirtualMachine.PowerOnVM_Task, host, {});
    // @ts-expect-error the host parameter takes a HostSystem
    await call(VirtualMachine.PowerOnVM_Task, vm, { host: vm });
    // A VirtualMachine is a ManagedEntity: the inherited Rename_Task accepts it.
    await call(VirtualMachine.Rename_Task, vm, { newName: "x" });
    // @ts-expect-error newName is required
    await call(VirtualMachine.Rename_Task, vm, {});
    const child = await call(Folder.CreateFolder, folder, { name: "f" });
    expectTypeOf(child).toEqualTypeOf<MoRef<"Folder" | "StoragePod">>();
  });
});

describe("faults", () => {
  it("narrow with instanceof along the fault chain", () => {
    const err: unknown = undefined;
    if (err instanceof faults.InvalidLogin) {
      expectTypeOf(err).toMatchTypeOf<faults.VimFault>();
      expectTypeOf(err.fault).toMatchTypeOf<InvalidLogin>();
      expectTypeOf(err.fault._typeName).toEqualTypeOf<"InvalidLogin" | "InvalidClientCertificate" | "PasswordExpired">();
    }
  });
});
