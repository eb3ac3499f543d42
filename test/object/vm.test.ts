// Finder, VM operations, device changes and snapshots end to end against vcsim (one simulator for the file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, type Client } from "../../runtime/index.js";
import { faults, schemas } from "../support/bindings.js";
import {
  addDisk,
  addNic,
  clone,
  cpuMemory,
  createSnapshot,
  currentSnapshot,
  devices,
  find,
  findDevice,
  findNetwork,
  findOne,
  findSnapshot,
  findVm,
  isDisk,
  isNic,
  loadInventory,
  MultipleFoundError,
  networkBacking,
  NotFoundError,
  powerOff,
  powerOn,
  powerState,
  readProperties,
  reconfigure,
  relocate,
  removeDevice,
  removeSnapshot,
  reset,
  revertToSnapshot,
  search,
  shutdownGuest,
  snapshots,
  type Found,
  type VmRef,
} from "../../object/index.js";
import type { MoRef } from "../../runtime/types.js";

let sim: Vcsim;
let client: Client<typeof schemas>;

beforeAll(async () => {
  sim = await startVcsim({ dc: 2 });
  client = await connect({ url: sim.url, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, bindings: schemas, keepAlive: false });
});
afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("finder", () => {
  it("finds by inventory path with globs, typed", async () => {
    const vms = await find(client, "/DC0/vm/*", { type: "VirtualMachine" });
    expect(vms.map((v) => v.path).sort()).toEqual(["/DC0/vm/DC0_C0_RP0_VM0", "/DC0/vm/DC0_C0_RP0_VM1", "/DC0/vm/DC0_H0_VM0", "/DC0/vm/DC0_H0_VM1"]);
    const typed: Found<"VirtualMachine">[] = vms;
    expect(typed.every((v) => v.ref.type === "VirtualMachine")).toBe(true);
  });

  it("matches across datacenters with a leading glob, and ** at any depth", async () => {
    const hosts = await find(client, "*/host/*", { type: "ComputeResource" });
    // Both datacenters: a cluster and a standalone host's ComputeResource in each.
    expect(hosts.map((h) => h.path).sort()).toEqual(["/DC0/host/DC0_C0", "/DC0/host/DC0_H0", "/DC1/host/DC1_C0", "/DC1/host/DC1_H0"]);
    expect(hosts.some((h) => h.ref.type === "ClusterComputeResource")).toBe(true);
    const clusterHosts = await find(client, "/**/DC1_C0_H?", { type: "HostSystem" });
    expect(clusterHosts.map((h) => h.path).sort()).toEqual(["/DC1/host/DC1_C0/DC1_C0_H0", "/DC1/host/DC1_C0/DC1_C0_H1", "/DC1/host/DC1_C0/DC1_C0_H2"]);
  });

  it("finds by name across datacenters", async () => {
    const vm = await findOne(client, "DC1_H0_VM1", { type: "VirtualMachine" });
    expect(vm.path).toBe("/DC1/vm/DC1_H0_VM1");
    const ref: VmRef = await findVm(client, "DC1_H0_VM1");
    expect(ref).toEqual(vm.ref);
    expect((await search(client, "*_VM0", { type: "VirtualMachine" })).length).toBe(4);
  });

  it("a literal path resolves without reading the inventory, and checks the type", async () => {
    expect((await findVm(client, "/DC0/vm/DC0_H0_VM0")).type).toBe("VirtualMachine");
    const err = await findVm(client, "/DC0/host/DC0_H0").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/ComputeResource:.* is at that path, not a VirtualMachine/);
  });

  it("a wrong path names the element that matched nothing and what is there", async () => {
    const err = await find(client, "/DC0/vm/nope*").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).query).toBe("/DC0/vm/nope*");
    expect((err as Error).message).toContain('nothing matches "nope*" under /DC0/vm; it has: DC0_C0_RP0_VM0');
    const deeper = await find(client, "/DCX/vm/*").catch((e: unknown) => e);
    expect((deeper as Error).message).toContain('nothing matches "DCX" under /; it has: DC0, DC1');
    const byName = await findVm(client, "DC0_H0").catch((e: unknown) => e);
    expect((byName as Error).message).toContain("the name belongs to ComputeResource /DC0/host/DC0_H0, HostSystem /DC0/host/DC0_H0/DC0_H0, not a VirtualMachine");
    await expect(find(client, "")).rejects.toThrow(TypeError);
  });

  it("an ambiguous single lookup lists the matches", async () => {
    const err = await findOne(client, "VM Network", { type: "Network" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MultipleFoundError);
    expect((err as MultipleFoundError).matches).toEqual(["/DC0/network/VM Network", "/DC1/network/VM Network"]);
  });

  it("an inventory snapshot serves several lookups", async () => {
    const inventory = await loadInventory(client);
    expect(inventory.pathOf(client.serviceContent.rootFolder)).toBe("/");
    const dcs = await find(client, "/*", { type: "Datacenter", inventory });
    expect(dcs.map((d) => d.name)).toEqual(["DC0", "DC1"]);
  });
});

describe("VM operations", () => {
  it("power off, on, reset; guest shutdown waits for poweredOff", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM0");
    expect(await powerState(client, vm)).toBe("poweredOn");
    await powerOff(client, vm);
    expect(await powerState(client, vm)).toBe("poweredOff");
    const again = await powerOff(client, vm).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(faults.InvalidPowerState);
    expect(again).toBeInstanceOf(faults.InvalidState); // base class too: the client's registry is used
    const progress: Array<number | undefined> = [];
    await powerOn(client, vm, { onProgress: (p) => progress.push(p) });
    await reset(client, vm);
    await shutdownGuest(client, vm);
    expect(await powerState(client, vm)).toBe("poweredOff");
    await expect(shutdownGuest(client, vm)).rejects.toBeInstanceOf(faults.InvalidPowerState);
  });

  it("an aborted wait rejects with the signal's reason", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM1");
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(powerOff(client, vm, { signal: ac.signal })).rejects.toThrow("stop");
    expect(await powerState(client, vm)).toBe("poweredOn");
  });

  it("clones a VM with a saved customization spec, then a template", async () => {
    const source = await findVm(client, "/DC0/vm/DC0_C0_RP0_VM0");
    const copy = await clone(client, source, { name: "clone-a", customization: "vcsim-linux", config: cpuMemory({ numCPUs: 2 }) });
    expect((await findOne(client, "clone-a", { type: "VirtualMachine" })).ref).toEqual(copy);
    const tmpl = await clone(client, source, { name: "tmpl-a", template: true });
    expect((await readProperties(client, tmpl, ["config.template"]))["config.template"]).toBe(true);
    const fromTemplate = await clone(client, tmpl, { name: "from-tmpl", powerOn: true });
    expect(await powerState(client, fromTemplate)).toBe("poweredOn");
    await expect(clone(client, source, { name: "x", customization: "no-such-spec" })).rejects.toThrow(/customization spec not found: "no-such-spec"/);
    await expect(clone(client, source, { name: "" })).rejects.toThrow(TypeError);
  });

  it("reconfigures: CPU and memory, add a disk, add NICs on a portgroup and a dvportgroup, remove a device", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_C0_RP0_VM1");
    const before = await devices(client, vm);
    const disk1 = addDisk(before, { sizeGB: 1, thin: true });
    const disk2 = addDisk([...before, disk1.device], { capacityKB: 2048 });
    expect(disk2.device.unitNumber).not.toBe(disk1.device.unitNumber);
    const pg = await findNetwork(client, "/DC0/network/VM Network");
    const dvpg = await findNetwork(client, "/DC0/network/DC0_DVPG0");
    expect(dvpg.type).toBe("DistributedVirtualPortgroup");
    const dvBacking = await networkBacking(client, dvpg as MoRef<"DistributedVirtualPortgroup">);
    expect(dvBacking._typeName).toBe("VirtualEthernetCardDistributedVirtualPortBackingInfo");
    await reconfigure(client, vm, {
      ...cpuMemory({ numCPUs: 3, memoryMB: 2048 }),
      deviceChange: [disk1, disk2, addNic(await networkBacking(client, pg as MoRef<"Network">)), addNic(dvBacking, { adapter: "e1000e" })],
    });
    const after = await devices(client, vm);
    expect(after.filter(isDisk).length).toBe(before.filter(isDisk).length + 2);
    expect(after.filter(isNic).length).toBe(before.filter(isNic).length + 2);
    const hw = await readProperties(client, vm, ["config.hardware.numCPU", "config.hardware.memoryMB"]);
    expect(hw).toMatchObject({ "config.hardware.numCPU": 3, "config.hardware.memoryMB": 2048 });

    const nic = after.filter(isNic).at(-1)!;
    await reconfigure(client, vm, { deviceChange: [removeDevice(nic)] });
    expect((await devices(client, vm)).some((d) => d.key === nic.key)).toBe(false);
    expect(() => findDevice(after, "Floppy 9")).toThrow(/device not found: "Floppy 9" \(the VM has: /);
    expect(() => cpuMemory({ numCPUs: 0 })).toThrow(TypeError);
  });

  it("relocates to another host", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_C0_RP0_VM1");
    const host = (await find(client, "/DC0/host/DC0_C0/*", { type: "HostSystem" })).map((h) => h.ref);
    const current = (await readProperties(client, vm, ["runtime.host"]))["runtime.host"] as MoRef;
    const target = host.find((h) => h.value !== current.value)!;
    await relocate(client, vm, { host: target });
    expect(((await readProperties(client, vm, ["runtime.host"]))["runtime.host"] as MoRef).value).toBe(target.value);
  });
});

describe("snapshots", () => {
  it("create, walk the tree, revert, remove", async () => {
    const vm = await findVm(client, "/DC1/vm/DC1_H0_VM0");
    expect(await snapshots(client, vm)).toEqual([]);
    const base = await createSnapshot(client, vm, { name: "base", description: "first" });
    const child = await createSnapshot(client, vm, { name: "child" });
    await revertToSnapshot(client, base);
    await createSnapshot(client, vm, { name: "child" }); // a second "child", under base
    const tree = await snapshots(client, vm);
    expect(tree.map((s) => [s.path, s.depth])).toEqual([["base", 0], ["base/child", 1], ["base/child", 1]]);
    expect(tree[0]!.description).toBe("first");
    expect(tree.filter((s) => s.current).length).toBe(1);

    expect(await findSnapshot(client, vm, "base")).toEqual(base);
    await expect(findSnapshot(client, vm, "child")).rejects.toBeInstanceOf(MultipleFoundError);
    await expect(findSnapshot(client, vm, "nope")).rejects.toThrow(/snapshot not found: "nope" \(VM .* has: base, base\/child, base\/child\)/);

    await revertToSnapshot(client, child);
    expect(await currentSnapshot(client, vm)).toEqual(child);
    await removeSnapshot(client, child);
    expect((await snapshots(client, vm)).length).toBe(2);
    await removeSnapshot(client, base, { removeChildren: true });
    expect(await snapshots(client, vm)).toEqual([]);
    await expect(revertToSnapshot(client, base)).rejects.toBeInstanceOf(faults.ManagedObjectNotFound);
  });
});
