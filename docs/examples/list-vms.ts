// List every VM with typed properties.
import { connect } from "../../runtime/index.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function listVms(target: Target): Promise<Array<{ name: string; power: string; cpus: number }>> {
  await using client = await connect({ ...target, bindings: schemas });
  const vms = await retrieve(
    client,
    { container: client.serviceContent.rootFolder, type: "VirtualMachine" },
    ["name", "summary.runtime.powerState", "config.hardware.numCPU"],
  );
  // Each value is typed by its path: powerState is "poweredOn" | "poweredOff" | "suspended" | undefined.
  return vms.map((vm) => ({
    name: vm.name ?? vm.ref.value,
    power: vm["summary.runtime.powerState"] ?? "unknown",
    cpus: vm["config.hardware.numCPU"] ?? 0,
  }));
}
