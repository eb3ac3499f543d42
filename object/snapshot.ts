/**
 * Snapshots: create, revert, remove, and walk the tree.
 *
 *   const snap = await createSnapshot(client, vm, { name: "before-upgrade" });
 *   for (const s of await snapshots(client, vm)) console.log(s.path, s.current ? "(current)" : "");
 *   await revertToSnapshot(client, await findSnapshot(client, vm, "before-upgrade"));
 *   await removeSnapshot(client, snap, { removeChildren: false });
 *
 * A snapshot is named by its name or by its path in the tree
 * (`base/before-upgrade`); names need not be unique, so an ambiguous name is a
 * MultipleFoundError that lists the paths.
 */
import {
  VirtualMachine,
  VirtualMachineSnapshot,
  waitForTask,
  type AnyClient,
  type MoRef,
  type VirtualMachinePowerState,
  type VirtualMachineSnapshotTree,
} from "./bindings.js";
import { MultipleFoundError, NotFoundError } from "./errors.js";
import { callOptions, taskOptions, type TaskOptions } from "./internal.js";
import { readProperties, type VmRef } from "./vm.js";

export type SnapshotRef = MoRef<"VirtualMachineSnapshot">;

/** One snapshot, as the tree walk yields it. */
export interface SnapshotNode {
  readonly ref: SnapshotRef;
  readonly name: string;
  /** Names from the root down, `/`-joined: `base/before-upgrade`. */
  readonly path: string;
  /** 0 for a root snapshot. */
  readonly depth: number;
  readonly parent: SnapshotRef | undefined;
  readonly description: string;
  readonly createTime: Date;
  /** The VM's power state when the snapshot was taken. */
  readonly state: VirtualMachinePowerState;
  readonly quiesced: boolean;
  /** The VM's current snapshot (what a revert-to-current returns to). */
  readonly current: boolean;
  /** The server's node, children included. */
  readonly tree: VirtualMachineSnapshotTree;
}


export interface CreateSnapshotOptions extends TaskOptions {
  readonly name: string;
  readonly description?: string;
  /** Include the VM's memory (a powered-on VM then reverts to running). Default false. */
  readonly memory?: boolean;
  /** Quiesce the guest file system through VMware Tools. Default false. */
  readonly quiesce?: boolean;
}

/** CreateSnapshot_Task; resolves with the new snapshot. */
export async function createSnapshot(client: AnyClient, vm: VmRef, options: CreateSnapshotOptions): Promise<SnapshotRef> {
  if (typeof options?.name !== "string" || options.name === "") throw new TypeError(`createSnapshot: options.name must be a non-empty string, got ${JSON.stringify(options?.name)}`);
  const task = await client.call(
    VirtualMachine.CreateSnapshot_Task,
    vm,
    { name: options.name, ...(options.description !== undefined ? { description: options.description } : {}), memory: options.memory ?? false, quiesce: options.quiesce ?? false },
    callOptions(options),
  );
  return waitForTask<SnapshotRef>(client, task, taskOptions(client, options));
}

/** Every snapshot of the VM, depth first in tree order; empty when it has none. */
export async function snapshots(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal } = {}): Promise<SnapshotNode[]> {
  const props = await readProperties(client, vm, ["snapshot"], options);
  const info = props.snapshot as { currentSnapshot?: SnapshotRef; rootSnapshotList?: VirtualMachineSnapshotTree[] } | undefined;
  const out: SnapshotNode[] = [];
  const walk = (nodes: readonly VirtualMachineSnapshotTree[] | undefined, parent: SnapshotNode | undefined) => {
    for (const tree of nodes ?? []) {
      const node: SnapshotNode = {
        ref: tree.snapshot as SnapshotRef,
        name: tree.name,
        path: parent ? `${parent.path}/${tree.name}` : tree.name,
        depth: parent ? parent.depth + 1 : 0,
        parent: parent?.ref,
        description: tree.description,
        createTime: tree.createTime,
        state: tree.state,
        quiesced: tree.quiesced,
        current: info?.currentSnapshot?.value === tree.snapshot.value,
        tree,
      };
      out.push(node);
      walk(tree.childSnapshotList, node);
    }
  };
  walk(info?.rootSnapshotList, undefined);
  return out;
}

/** The snapshot with this name or tree path (`base/child`); NotFoundError or MultipleFoundError otherwise. */
export async function findSnapshot(client: AnyClient, vm: VmRef, nameOrPath: string, options: { signal?: AbortSignal } = {}): Promise<SnapshotRef> {
  const all = await snapshots(client, vm, options);
  const byPath = all.filter((s) => s.path === nameOrPath);
  const found = byPath.length > 0 ? byPath : all.filter((s) => s.name === nameOrPath);
  if (found.length === 0) {
    throw new NotFoundError("snapshot", nameOrPath, all.length === 0 ? `VM ${vm.value} has no snapshots` : `VM ${vm.value} has: ${all.map((s) => s.path).join(", ")}`);
  }
  if (found.length > 1) throw new MultipleFoundError("snapshot", nameOrPath, found.map((s) => s.path));
  return found[0]!.ref;
}

/** The VM's current snapshot, or undefined. */
export async function currentSnapshot(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal } = {}): Promise<SnapshotRef | undefined> {
  const props = await readProperties(client, vm, ["snapshot"], options);
  return (props.snapshot as { currentSnapshot?: SnapshotRef } | undefined)?.currentSnapshot;
}

/** RevertToSnapshot_Task. `suppressPowerOn` keeps a memory snapshot's VM powered off. */
export async function revertToSnapshot(client: AnyClient, snapshot: SnapshotRef, options: TaskOptions & { suppressPowerOn?: boolean } = {}): Promise<void> {
  const task = await client.call(
    VirtualMachineSnapshot.RevertToSnapshot_Task,
    snapshot,
    options.suppressPowerOn !== undefined ? { suppressPowerOn: options.suppressPowerOn } : {},
    callOptions(options),
  );
  await waitForTask(client, task, taskOptions(client, options));
}

/** RevertToCurrentSnapshot_Task. */
export async function revertToCurrentSnapshot(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  await waitForTask(client, await client.call(VirtualMachine.RevertToCurrentSnapshot_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}

/** RemoveSnapshot_Task; `removeChildren` removes the subtree below it too. */
export async function removeSnapshot(client: AnyClient, snapshot: SnapshotRef, options: TaskOptions & { removeChildren?: boolean; consolidate?: boolean } = {}): Promise<void> {
  const task = await client.call(
    VirtualMachineSnapshot.RemoveSnapshot_Task,
    snapshot,
    { removeChildren: options.removeChildren ?? false, ...(options.consolidate !== undefined ? { consolidate: options.consolidate } : {}) },
    callOptions(options),
  );
  await waitForTask(client, task, taskOptions(client, options));
}

/** RemoveAllSnapshots_Task. */
export async function removeAllSnapshots(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  await waitForTask(client, await client.call(VirtualMachine.RemoveAllSnapshots_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}
