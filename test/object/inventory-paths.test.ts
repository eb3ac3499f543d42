// Inventory paths from names and parents (object/inventory-paths.ts), including
// what vcsim cannot show: vSphere leaves `parent` unset on a VM inside a vApp,
// and the finder links it through `parentVApp` instead.
import { describe, expect, it } from "vitest";
import { pathLookup, type PathEntry } from "../../object/inventory-paths.js";

const entries = new Map<string, PathEntry>([
  ["Folder:group-d1", { name: "Datacenters", parent: undefined }],
  ["Datacenter:dc-1", { name: "DC0", parent: "Folder:group-d1" }],
  ["Folder:group-v1", { name: "vm", parent: "Datacenter:dc-1" }],
  ["Folder:group-h1", { name: "host", parent: "Datacenter:dc-1" }],
  ["ClusterComputeResource:c-1", { name: "C0", parent: "Folder:group-h1" }],
  ["ResourcePool:rp-1", { name: "Resources", parent: "ClusterComputeResource:c-1" }],
  ["VirtualApp:vapp-1", { name: "app%2f1", parent: "ResourcePool:rp-1" }],
  ["VirtualMachine:vm-1", { name: "web-01", parent: "Folder:group-v1" }],
  // In a vApp: the finder set this parent from parentVApp.
  ["VirtualMachine:vm-2", { name: "db-01", parent: "VirtualApp:vapp-1" }],
  // Left as vSphere reports it (no parentVApp either), a cycle, and a link outside the snapshot.
  ["VirtualMachine:vm-3", { name: "lost", parent: undefined }],
  ["Folder:loop-a", { name: "a", parent: "Folder:loop-b" }],
  ["Folder:loop-b", { name: "b", parent: "Folder:loop-a" }],
  ["VirtualMachine:vm-4", { name: "elsewhere", parent: "Folder:not-read" }],
]);

describe("pathLookup", () => {
  const pathOf = pathLookup("Folder:group-d1", entries);

  it("joins names from the root down; the root is /", () => {
    expect(pathOf("Folder:group-d1")).toBe("/");
    expect(pathOf("Datacenter:dc-1")).toBe("/DC0");
    expect(pathOf("VirtualMachine:vm-1")).toBe("/DC0/vm/web-01");
  });

  it("places a VM in a vApp under the vApp, names as vCenter stores them", () => {
    expect(pathOf("VirtualMachine:vm-2")).toBe("/DC0/host/C0/Resources/app%2f1/db-01");
    // Memoized: asking again (and for the ancestors walked on the way) gives the same answers.
    expect(pathOf("VirtualApp:vapp-1")).toBe("/DC0/host/C0/Resources/app%2f1");
    expect(pathOf("VirtualMachine:vm-2")).toBe("/DC0/host/C0/Resources/app%2f1/db-01");
  });

  it("gives no path where the chain does not reach the root", () => {
    expect(pathOf("VirtualMachine:vm-3")).toBeUndefined();
    expect(pathOf("Folder:loop-a")).toBeUndefined();
    expect(pathOf("Folder:loop-b")).toBeUndefined();
    expect(pathOf("VirtualMachine:vm-4")).toBeUndefined();
    expect(pathOf("VirtualMachine:not-there")).toBeUndefined();
  });
});
