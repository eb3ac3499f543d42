/**
 * Ready-made traversal specs, built the way govmomi's and pyVmomi's helpers
 * build them: named TraversalSpecs that refer to each other by name, so one
 * ObjectSpec walks the whole inventory below a folder.
 *
 * Every spec and its references sit in one ObjectSpec's selectSet because
 * the PropertyCollector resolves `SelectionSpec.name` only within the filter
 * spec it was sent with.
 */
import type { MoRef } from "../types.js";
import type { ObjectSpec, SelectionSpec, TraversalSpec } from "./methods.js";

const ref = (name: string): SelectionSpec => ({ name });

function hop(name: string, type: string, path: string, next: readonly string[]): TraversalSpec {
  return { _typeName: "TraversalSpec", name, type, path, skip: false, selectSet: next.map(ref) };
}

/**
 * Folder → childEntity; Datacenter → vmFolder, hostFolder, datastoreFolder,
 * networkFolder; ComputeResource → host, resourcePool; ResourcePool (and so
 * VirtualApp) → resourcePool, vm. Reaches every managed entity of the
 * inventory tree (VMs, templates, hosts, clusters, pools, vApps, datastores,
 * networks, switches, portgroups, folders).
 */
export function inventoryTraversal(): TraversalSpec[] {
  const fromFolder = ["folderChildren", "dcVmFolder", "dcHostFolder", "dcDatastoreFolder", "dcNetworkFolder", "crHost", "crResourcePool", "rpResourcePool", "rpVm"];
  return [
    hop("folderChildren", "Folder", "childEntity", fromFolder),
    hop("dcVmFolder", "Datacenter", "vmFolder", ["folderChildren"]),
    hop("dcHostFolder", "Datacenter", "hostFolder", ["folderChildren"]),
    hop("dcDatastoreFolder", "Datacenter", "datastoreFolder", ["folderChildren"]),
    hop("dcNetworkFolder", "Datacenter", "networkFolder", ["folderChildren"]),
    hop("crHost", "ComputeResource", "host", []),
    hop("crResourcePool", "ComputeResource", "resourcePool", ["rpResourcePool", "rpVm"]),
    hop("rpResourcePool", "ResourcePool", "resourcePool", ["rpResourcePool", "rpVm"]),
    hop("rpVm", "ResourcePool", "vm", []),
  ];
}

/** Everything below `root` (a Folder, Datacenter, ComputeResource or ResourcePool); `root` itself too unless `skipRoot`. */
export function everythingUnder(root: MoRef, options: { skipRoot?: boolean } = {}): ObjectSpec {
  return { obj: root, skip: options.skipRoot ?? false, selectSet: inventoryTraversal() };
}

/** The objects a ContainerView or ListView shows (not the view itself). */
export function viewContents(view: MoRef): ObjectSpec {
  return { obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", type: view.type, path: "view", skip: false }] };
}

/** `entity` and each of its ancestors up to the root folder, in one request (ManagedEntity.parent, repeated). */
export function ancestry(entity: MoRef): ObjectSpec {
  return {
    obj: entity,
    skip: false,
    selectSet: [{ _typeName: "TraversalSpec", name: "parentChain", type: "ManagedEntity", path: "parent", skip: false, selectSet: [ref("parentChain")] }],
  };
}
