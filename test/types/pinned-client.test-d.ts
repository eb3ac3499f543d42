/**
 * Version-pinned typing: a client pinned with a literal API version at connect
 * refuses, at compile time, methods, parameters and property paths newer than
 * that version. The messages themselves are checked in
 * test/generator/bindings-tsc.test.ts.
 */
import { describe, expectTypeOf, it } from "vitest";
import { connect, type Client } from "../../runtime/client/client.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { waitForProperties, watch } from "../../runtime/property/watch.js";
import type { MoRef } from "../../runtime/types.js";
import { HostVsanInternalSystem, schemas, VirtualMachine } from "../support/bindings.js";

declare const at65: Client<typeof schemas, "6.5">;
declare const at60: Client<typeof schemas, "6.0">;
declare const at55: Client<typeof schemas, "5.5">;
declare const at70: Client<typeof schemas, "7.0">;
declare const unpinned: Client<typeof schemas>;
declare const vm: MoRef<"VirtualMachine">;
declare const vsi: MoRef<"HostVsanInternalSystem">;
declare const folder: MoRef<"Folder">;

describe("connect", () => {
  it("carries a literal version into the client type; no version leaves it unpinned", async () => {
    const pinned = await connect({ url: "https://vc/sdk", bindings: schemas, version: "6.5" });
    expectTypeOf(pinned).toEqualTypeOf<Client<typeof schemas, "6.5">>();
    const free = await connect({ url: "https://vc/sdk", bindings: schemas });
    expectTypeOf(free).toEqualTypeOf<Client<typeof schemas, string>>();
  });
});

describe("methods", () => {
  it("newer than the pin do not compile; the same call on a newer pin or unpinned does", async () => {
    // @ts-expect-error ApplyEvcModeVM_Task needs API 6.7
    await at65.call(VirtualMachine.ApplyEvcModeVM_Task, vm, { completeMasks: true });
    await at70.call(VirtualMachine.ApplyEvcModeVM_Task, vm, { completeMasks: true });
    await unpinned.call(VirtualMachine.ApplyEvcModeVM_Task, vm, { completeMasks: true });
    // Methods as old as the API, and results, are untouched by the pin.
    const task = await at60.call(VirtualMachine.PowerOnVM_Task, vm, {});
    expectTypeOf(task.type).toEqualTypeOf<"Task">();
  });
});

describe("parameters", () => {
  it("newer than the pin do not compile; leaving them out does", async () => {
    // @ts-expect-error CanProvisionObjects' ignoreSatisfiability needs API 6.0 (the method: 5.5)
    await at55.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [], ignoreSatisfiability: true });
    await at55.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [] });
    await at60.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [], ignoreSatisfiability: true });
    await unpinned.call(HostVsanInternalSystem.CanProvisionObjects, vsi, { npbs: [], ignoreSatisfiability: true });
  });
});

describe("property paths", () => {
  it("newer than the pin do not compile in retrieve, watch and waitForProperties", async () => {
    // @ts-expect-error config.sgxInfo needs API 7.0
    await retrieve(at65, { container: folder, type: "VirtualMachine" }, ["name", "config.sgxInfo"]);
    const ok = await retrieve(at65, { container: folder, type: "VirtualMachine" }, ["name", "config.keyId"]);
    expectTypeOf(ok[0]!["config.keyId"]).not.toBeNever();
    await retrieve(at70, { container: folder, type: "VirtualMachine" }, ["name", "config.sgxInfo"]);
    await retrieve(unpinned, { container: folder, type: "VirtualMachine" }, ["config.sgxInfo"]);
    // @ts-expect-error config.keyId needs API 6.5
    await watch(at60, { from: [vm], type: "VirtualMachine", select: ["config.keyId"] });
    // @ts-expect-error config.keyId needs API 6.5
    await waitForProperties(at60, vm, ["config.keyId"], () => true);
    await waitForProperties(at65, vm, ["config.keyId"], () => true);
  });
});
