/**
 * Builders for the entries of `VirtualMachineConfigSpec.deviceChange`, and
 * for the CPU and memory fields, to pass to `reconfigure` or `clone`.
 *
 *   const hw = await devices(client, vm);
 *   await reconfigure(client, vm, {
 *     ...cpuMemory({ numCPUs: 4, memoryMB: 8192 }),
 *     deviceChange: [addDisk(hw, { sizeGB: 20, thin: true }), addNic(await networkBacking(client, pg)), removeDevice(findDevice(hw, "CD/DVD drive 1"))],
 *   });
 *
 * The builders are pure: they pick a controller and unit number from the
 * device list they are given. To add two disks in one spec, pass the first
 * one's device along when building the second: `addDisk([...hw, first.device], …)`.
 */
import type {
  AnyClient,
  MoRef,
  VirtualDevice,
  VirtualDeviceBackingInfo,
  VirtualDeviceConfigSpec,
  VirtualDisk,
  VirtualEthernetCard,
  VirtualMachineConfigSpec,
} from "./bindings.js";
import { NotFoundError } from "./errors.js";
import { readProperties } from "./vm.js";

/** New devices get negative keys, unique within this process; the server assigns the real ones. */
let nextKey = -100;
const newKey = () => nextKey--;

const CONTROLLER_UNITS: ReadonlyArray<readonly [type: string, units: number, reserved: number | undefined]> = [
  ["ParaVirtualSCSIController", 16, 7],
  ["VirtualLsiLogicSASController", 16, 7],
  ["VirtualLsiLogicController", 16, 7],
  ["VirtualBusLogicController", 16, 7],
  ["VirtualNVMEController", 15, undefined],
  ["VirtualAHCIController", 30, undefined],
  ["VirtualIDEController", 2, undefined],
];

const NIC_TYPES = new Set(["VirtualE1000", "VirtualE1000e", "VirtualPCNet32", "VirtualSriovEthernetCard", "VirtualVmxnet", "VirtualVmxnet2", "VirtualVmxnet3", "VirtualVmxnet3Vrdma"]);

export function isDisk(d: VirtualDevice): d is VirtualDisk {
  return d._typeName === "VirtualDisk";
}

export function isNic(d: VirtualDevice): d is VirtualEthernetCard {
  return d._typeName !== undefined && NIC_TYPES.has(d._typeName);
}

/** The device whose label (`Hard disk 1`, `Network adapter 1`) or key is given; NotFoundError lists the labels there are. */
export function findDevice(list: readonly VirtualDevice[], labelOrKey: string | number): VirtualDevice {
  const found = list.find((d) => (typeof labelOrKey === "number" ? d.key === labelOrKey : d.deviceInfo?.label === labelOrKey));
  if (!found) {
    const labels = list.map((d) => d.deviceInfo?.label).filter((l): l is string => typeof l === "string");
    throw new NotFoundError("device", String(labelOrKey), `the VM has: ${labels.join(", ") || "no labelled devices"}`);
  }
  return found;
}

/** A controller of `list` with a free unit, and that unit (SCSI first, then NVMe, SATA, IDE; or the controller given). */
function freeSlot(list: readonly VirtualDevice[], controllerKey: number | undefined): { controllerKey: number; unitNumber: number } {
  const candidates = controllerKey !== undefined ? list.filter((d) => d.key === controllerKey) : CONTROLLER_UNITS.flatMap(([type]) => list.filter((d) => d._typeName === type));
  if (controllerKey !== undefined && candidates.length === 0) throw new NotFoundError("controller", String(controllerKey), "no device with that key");
  for (const c of candidates) {
    const spec = CONTROLLER_UNITS.find(([type]) => type === c._typeName);
    const units = spec?.[1] ?? 16;
    const used = new Set(list.filter((d) => d.controllerKey === c.key).map((d) => d.unitNumber));
    if (spec?.[2] !== undefined) used.add(spec[2]);
    for (let u = 0; u < units; u++) if (!used.has(u)) return { controllerKey: c.key, unitNumber: u };
  }
  throw new NotFoundError("free controller slot", controllerKey === undefined ? "disk controller" : String(controllerKey), "every SCSI, NVMe, SATA and IDE unit is taken; add a controller first");
}

export interface AddDiskOptions {
  /** Size in GiB (or give `capacityKB`). */
  readonly sizeGB?: number;
  readonly capacityKB?: number;
  readonly thin?: boolean;
  /** Place the disk file on this datastore (its name, e.g. `datastore1`); default: with the VM's files. */
  readonly datastoreName?: string;
  readonly datastore?: MoRef<"Datastore">;
  /** Controller key; default the first controller with a free unit. */
  readonly controllerKey?: number;
  readonly diskMode?: "persistent" | "independent_persistent" | "independent_nonpersistent";
}

/** A new, empty virtual disk (fileOperation `create`). */
export function addDisk(list: readonly VirtualDevice[], options: AddDiskOptions): VirtualDeviceConfigSpec & { device: VirtualDisk } {
  const kb = options.capacityKB ?? (options.sizeGB !== undefined ? options.sizeGB * 1024 * 1024 : undefined);
  if (kb === undefined || !Number.isInteger(kb) || kb <= 0) throw new TypeError(`addDisk: give sizeGB or capacityKB as a positive whole number, got ${JSON.stringify(options)}`);
  const slot = freeSlot(list, options.controllerKey);
  const device: VirtualDisk = {
    _typeName: "VirtualDisk",
    key: newKey(),
    ...slot,
    capacityInKB: kb,
    backing: {
      _typeName: "VirtualDiskFlatVer2BackingInfo",
      fileName: options.datastoreName ? `[${options.datastoreName}]` : "",
      diskMode: options.diskMode ?? "persistent",
      thinProvisioned: options.thin ?? false,
      ...(options.datastore ? { datastore: options.datastore } : {}),
    },
  };
  return { _typeName: "VirtualDeviceConfigSpec", operation: "add", fileOperation: "create", device };
}

export type NicAdapter = "vmxnet3" | "e1000" | "e1000e" | "pcnet32" | "sriov";

const ADAPTERS: Readonly<Record<NicAdapter, VirtualEthernetCard["_typeName"]>> = {
  vmxnet3: "VirtualVmxnet3",
  e1000: "VirtualE1000",
  e1000e: "VirtualE1000e",
  pcnet32: "VirtualPCNet32",
  sriov: "VirtualSriovEthernetCard",
};

/**
 * The backing that connects a NIC to `network`: a standard portgroup
 * (Network), a distributed portgroup (its switch's UUID and the portgroup
 * key, read from the server) or an NSX opaque network.
 */
export async function networkBacking(
  client: AnyClient,
  network: MoRef<"Network" | "DistributedVirtualPortgroup" | "OpaqueNetwork">,
  options: { signal?: AbortSignal } = {},
): Promise<VirtualDeviceBackingInfo> {
  switch (network?.type) {
    case "Network": {
      const { name } = await readProperties(client, network, ["name"], options);
      return { _typeName: "VirtualEthernetCardNetworkBackingInfo", deviceName: String(name), network };
    }
    case "DistributedVirtualPortgroup": {
      const pg = await readProperties(client, network, ["key", "config.distributedVirtualSwitch"], options);
      const dvs = pg["config.distributedVirtualSwitch"] as MoRef | undefined;
      if (!dvs) throw new NotFoundError("distributed switch", `${network.type}:${network.value}`, "the portgroup reports no switch");
      const { uuid } = await readProperties(client, dvs, ["uuid"], options);
      return {
        _typeName: "VirtualEthernetCardDistributedVirtualPortBackingInfo",
        port: { _typeName: "DistributedVirtualSwitchPortConnection", switchUuid: String(uuid), portgroupKey: String(pg.key) },
      };
    }
    case "OpaqueNetwork": {
      const s = await readProperties(client, network, ["summary.opaqueNetworkId", "summary.opaqueNetworkType"], options);
      return {
        _typeName: "VirtualEthernetCardOpaqueNetworkBackingInfo",
        opaqueNetworkId: String(s["summary.opaqueNetworkId"]),
        opaqueNetworkType: String(s["summary.opaqueNetworkType"]),
      };
    }
    default:
      throw new TypeError(`networkBacking: expected a Network, DistributedVirtualPortgroup or OpaqueNetwork reference, got ${JSON.stringify(network)}`);
  }
}

/** A new NIC on `backing` (from `networkBacking`), connected at power on, MAC assigned by the server. */
export function addNic(backing: VirtualDeviceBackingInfo, options: { adapter?: NicAdapter } = {}): VirtualDeviceConfigSpec & { device: VirtualEthernetCard } {
  const type = ADAPTERS[options.adapter ?? "vmxnet3"];
  if (!type) throw new TypeError(`addNic: adapter must be one of ${Object.keys(ADAPTERS).join(", ")}, got ${JSON.stringify(options.adapter)}`);
  const device = {
    _typeName: type,
    key: newKey(),
    backing,
    addressType: "generated",
    connectable: { _typeName: "VirtualDeviceConnectInfo", startConnected: true, allowGuestControl: true, connected: false },
  } as VirtualEthernetCard;
  return { _typeName: "VirtualDeviceConfigSpec", operation: "add", device };
}

/** Removes a device; with `destroyFile`, a disk's file is deleted too. */
export function removeDevice(device: VirtualDevice, options: { destroyFile?: boolean } = {}): VirtualDeviceConfigSpec {
  if (typeof device?.key !== "number") throw new TypeError(`removeDevice: expected a device from config.hardware.device, got ${JSON.stringify(device)}`);
  return { _typeName: "VirtualDeviceConfigSpec", operation: "remove", ...(options.destroyFile ? { fileOperation: "destroy" } : {}), device };
}

/** Changes an existing device (e.g. a disk's capacity, a NIC's backing): pass the edited copy. */
export function editDevice(device: VirtualDevice): VirtualDeviceConfigSpec {
  if (typeof device?.key !== "number") throw new TypeError(`editDevice: expected a device from config.hardware.device, got ${JSON.stringify(device)}`);
  return { _typeName: "VirtualDeviceConfigSpec", operation: "edit", device };
}

/** CPU and memory fields of a config spec; spread it into the spec given to `reconfigure`. */
export function cpuMemory(options: { numCPUs?: number; coresPerSocket?: number; memoryMB?: number }): Pick<VirtualMachineConfigSpec, "numCPUs" | "numCoresPerSocket" | "memoryMB"> {
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new TypeError(`cpuMemory: ${k} must be a positive whole number, got ${JSON.stringify(v)}`);
  }
  return {
    ...(options.numCPUs !== undefined ? { numCPUs: options.numCPUs } : {}),
    ...(options.coresPerSocket !== undefined ? { numCoresPerSocket: options.coresPerSocket } : {}),
    ...(options.memoryMB !== undefined ? { memoryMB: options.memoryMB } : {}),
  };
}
