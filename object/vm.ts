/**
 * Virtual machine operations as small typed functions over the generated
 * descriptors: each starts the vSphere task, waits for it and returns its
 * typed result. Faults arrive as the generated fault classes
 * (`err instanceof faults.InvalidPowerState`).
 *
 *   await powerOn(client, vm);
 *   const copy = await clone(client, vm, { name: "web-02", customization: "linux-dhcp" });
 *   await reconfigure(client, copy, { ...cpuMemory({ numCPUs: 4 }), deviceChange: [addDisk(devices, { sizeGB: 20 })] });
 */
import {
  CustomizationSpecManager,
  retrieveAny,
  VirtualMachine,
  waitForProperties,
  waitForTask,
  type AnyClient,
  type CustomizationSpec,
  type ManagedKind,
  type MoRef,
  type VirtualDevice,
  type VirtualMachineCloneSpec,
  type VirtualMachineConfigSpec,
  type VirtualMachinePowerState,
  type VirtualMachineRelocateSpec,
} from "./bindings.js";
import { NotFoundError } from "./errors.js";
import { callOptions, taskOptions, type TaskOptions } from "./internal.js";

export type VmRef = MoRef<"VirtualMachine">;

export type { TaskOptions };

/** A spec literal; its `_typeName` may be left out (the helpers add it). */
export type SpecInput<T extends { _typeName?: string }> = Omit<T, "_typeName"> & { readonly _typeName?: T["_typeName"] };


function checkVm(method: string, vm: unknown): asserts vm is VmRef {
  const r = vm as MoRef | undefined;
  if (typeof r?.value !== "string" || r.type !== "VirtualMachine") {
    throw new TypeError(`${method}: expected a VirtualMachine reference { type: "VirtualMachine", value }, got ${JSON.stringify(vm)}`);
  }
}

/** Reads properties of one object (untyped paths, values cast by the caller). */
export async function readProperties(client: AnyClient, ref: MoRef, paths: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
  const [obj] = await retrieveAny(client, [ref], paths, callOptions(options));
  if (!obj) throw new NotFoundError(ref.type, `${ref.type}:${ref.value}`, "the server does not know this object (deleted?)");
  return obj as Record<string, unknown>;
}

// ---- power ------------------------------------------------------------------

export async function powerState(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal } = {}): Promise<VirtualMachinePowerState> {
  checkVm("powerState", vm);
  return (await readProperties(client, vm, ["runtime.powerState"], options))["runtime.powerState"] as VirtualMachinePowerState;
}

/** PowerOnVM_Task. On a cluster with DRS, `host` pins the host. */
export async function powerOn(client: AnyClient, vm: VmRef, options: TaskOptions & { host?: MoRef<"HostSystem"> } = {}): Promise<void> {
  checkVm("powerOn", vm);
  const task = await client.call(VirtualMachine.PowerOnVM_Task, vm, options.host ? { host: options.host } : {}, callOptions(options));
  await waitForTask(client, task, taskOptions(client, options));
}

/** PowerOffVM_Task: a hard power off (see `shutdownGuest` for a clean one). */
export async function powerOff(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  checkVm("powerOff", vm);
  await waitForTask(client, await client.call(VirtualMachine.PowerOffVM_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}

/** ResetVM_Task: a hard reset. */
export async function reset(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  checkVm("reset", vm);
  await waitForTask(client, await client.call(VirtualMachine.ResetVM_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}

export async function suspend(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  checkVm("suspend", vm);
  await waitForTask(client, await client.call(VirtualMachine.SuspendVM_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}

/** Resolves once the VM reaches `state`; `timeout` (ms) rejects with WaitTimeoutError. */
export async function waitForPowerState(
  client: AnyClient,
  vm: VmRef,
  state: VirtualMachinePowerState,
  options: { signal?: AbortSignal; timeout?: number } = {},
): Promise<void> {
  checkVm("waitForPowerState", vm);
  await waitForProperties(client, vm, ["runtime.powerState"] as never[], (v: Record<string, unknown>) => v["runtime.powerState"] === state, {
    ...callOptions(options),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  });
}

/**
 * ShutdownGuest asks VMware Tools to shut the guest down and returns at once;
 * this waits until the VM is powered off. `timeout` (ms, default 10 minutes)
 * bounds the wait with a WaitTimeoutError; the guest may still be shutting
 * down then. `signal` aborts the wait (not the shutdown).
 */
export async function shutdownGuest(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal; timeout?: number } = {}): Promise<void> {
  checkVm("shutdownGuest", vm);
  await client.call(VirtualMachine.ShutdownGuest, vm, {}, callOptions(options));
  await waitForPowerState(client, vm, "poweredOff", { ...callOptions(options), timeout: options.timeout ?? 10 * 60_000 });
}

/** RebootGuest: asks VMware Tools to restart the guest; returns once the request is accepted. */
export async function rebootGuest(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal } = {}): Promise<void> {
  checkVm("rebootGuest", vm);
  await client.call(VirtualMachine.RebootGuest, vm, {}, callOptions(options));
}

// ---- clone, relocate, reconfigure --------------------------------------------

export interface CloneOptions extends TaskOptions {
  readonly name: string;
  /** Default: the source's folder. */
  readonly folder?: MoRef<ManagedKind<"Folder">>;
  /** Default: the source's pool; for a template, the root pool of its host's cluster or host. */
  readonly pool?: MoRef<ManagedKind<"ResourcePool">>;
  readonly host?: MoRef<"HostSystem">;
  readonly datastore?: MoRef<"Datastore">;
  /** Mark the clone as a template. */
  readonly template?: boolean;
  /**
   * Power the clone on once it exists: a separate PowerOnVM_Task (not the
   * spec's `powerOn` flag, which not every server honours), so a failure to
   * power on rejects with its own fault while the clone remains.
   */
  readonly powerOn?: boolean;
  /** A guest customization spec, or the name of one saved in vCenter's CustomizationSpecManager. */
  readonly customization?: SpecInput<CustomizationSpec> | string;
  /** Changes applied to the clone (hardware, device changes from device-change.ts). */
  readonly config?: SpecInput<VirtualMachineConfigSpec>;
  /** Clone from this snapshot; with `linked`, as a linked clone sharing its disks. */
  readonly snapshot?: MoRef<"VirtualMachineSnapshot">;
  readonly linked?: boolean;
}

/** The customization spec saved under `name` (CustomizationSpecManager.GetCustomizationSpec). */
export async function customizationSpec(client: AnyClient, name: string, options: { signal?: AbortSignal } = {}): Promise<CustomizationSpec> {
  const csm = (client.serviceContent as { customizationSpecManager?: MoRef<"CustomizationSpecManager"> }).customizationSpecManager;
  if (!csm) throw new NotFoundError("customization spec", name, "this server has no CustomizationSpecManager (an ESXi host?)");
  const exists = await client.call(CustomizationSpecManager.DoesCustomizationSpecExist, csm, { name }, callOptions(options));
  if (!exists) throw new NotFoundError("customization spec", name);
  return (await client.call(CustomizationSpecManager.GetCustomizationSpec, csm, { name }, callOptions(options))).spec;
}

/** CloneVM_Task from a VM or a template; resolves with the new VM. */
export async function clone(client: AnyClient, source: VmRef, options: CloneOptions): Promise<VmRef> {
  checkVm("clone", source);
  if (typeof options?.name !== "string" || options.name === "") throw new TypeError(`clone: options.name must be the new VM's name, got ${JSON.stringify(options?.name)}`);
  if (options.linked && !options.snapshot) throw new TypeError("clone: a linked clone needs `snapshot` (the disks it shares)");
  const src = await readProperties(client, source, ["parent", "resourcePool", "config.template", "runtime.host"], options);
  const folder = options.folder ?? (src.parent as MoRef<"Folder"> | undefined);
  if (!folder) throw new TypeError("clone: the source VM has no parent folder (inside a vApp?); pass options.folder");
  let pool = options.pool ?? (src.resourcePool as MoRef<"ResourcePool"> | undefined);
  if (!pool && src["config.template"] === true) pool = await templatePool(client, (options.host ?? src["runtime.host"]) as MoRef<"HostSystem"> | undefined, options);
  const customization = typeof options.customization === "string" ? await customizationSpec(client, options.customization, options) : options.customization;
  const location: VirtualMachineRelocateSpec = {
    _typeName: "VirtualMachineRelocateSpec",
    ...(pool ? { pool } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.datastore ? { datastore: options.datastore } : {}),
    ...(options.linked ? { diskMoveType: "createNewChildDiskBacking" } : {}),
  };
  const spec: VirtualMachineCloneSpec = {
    _typeName: "VirtualMachineCloneSpec",
    location,
    template: options.template ?? false,
    powerOn: false,
    ...(options.config ? { config: { ...options.config, _typeName: "VirtualMachineConfigSpec" } as VirtualMachineConfigSpec } : {}),
    ...(customization ? { customization: { ...customization, _typeName: "CustomizationSpec" } as CustomizationSpec } : {}),
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
  };
  const task = await client.call(VirtualMachine.CloneVM_Task, source, { folder, name: options.name, spec }, callOptions(options));
  const vm = await waitForTask<VmRef>(client, task, taskOptions(client, options));
  if (options.powerOn) await powerOn(client, vm, callOptions(options));
  return vm;
}

/** A template has no pool: use the root pool of the compute resource its host belongs to. */
async function templatePool(client: AnyClient, host: MoRef<"HostSystem"> | undefined, options: { signal?: AbortSignal }): Promise<MoRef<"ResourcePool">> {
  if (!host) throw new TypeError("clone: the source is a template without a host; pass options.pool");
  const cr = (await readProperties(client, host, ["parent"], options)).parent as MoRef | undefined;
  const pool = cr ? ((await readProperties(client, cr, ["resourcePool"], options)).resourcePool as MoRef<"ResourcePool"> | undefined) : undefined;
  if (!pool) throw new TypeError(`clone: cannot tell the resource pool of template host ${host.value}; pass options.pool`);
  return pool;
}

/** RelocateVM_Task: move the VM to another pool, host, datastore or folder. */
export async function relocate(
  client: AnyClient,
  vm: VmRef,
  spec: SpecInput<VirtualMachineRelocateSpec>,
  options: TaskOptions & { priority?: "defaultPriority" | "highPriority" | "lowPriority" } = {},
): Promise<void> {
  checkVm("relocate", vm);
  const task = await client.call(
    VirtualMachine.RelocateVM_Task,
    vm,
    { spec: { ...spec, _typeName: "VirtualMachineRelocateSpec" } as VirtualMachineRelocateSpec, ...(options.priority ? { priority: options.priority } : {}) },
    callOptions(options),
  );
  await waitForTask(client, task, taskOptions(client, options));
}

/** ReconfigVM_Task with a config spec (see device-change.ts for its `deviceChange` entries and `cpuMemory`). */
export async function reconfigure(client: AnyClient, vm: VmRef, spec: SpecInput<VirtualMachineConfigSpec>, options: TaskOptions = {}): Promise<void> {
  checkVm("reconfigure", vm);
  const task = await client.call(VirtualMachine.ReconfigVM_Task, vm, { spec: { ...spec, _typeName: "VirtualMachineConfigSpec" } as VirtualMachineConfigSpec }, callOptions(options));
  await waitForTask(client, task, taskOptions(client, options));
}

/** The VM's virtual hardware (`config.hardware.device`). */
export async function devices(client: AnyClient, vm: VmRef, options: { signal?: AbortSignal } = {}): Promise<VirtualDevice[]> {
  checkVm("devices", vm);
  return ((await readProperties(client, vm, ["config.hardware.device"], options))["config.hardware.device"] as VirtualDevice[] | undefined) ?? [];
}

/** Destroy_Task: deletes the VM and its files. */
export async function destroy(client: AnyClient, vm: VmRef, options: TaskOptions = {}): Promise<void> {
  checkVm("destroy", vm);
  await waitForTask(client, await client.call(VirtualMachine.Destroy_Task, vm, {}, callOptions(options)), taskOptions(client, options));
}
