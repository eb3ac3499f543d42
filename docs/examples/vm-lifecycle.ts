// Clone a VM with a saved customization spec, resize it, add a disk and a NIC, power it on, shut it down.
import { connect } from "../../runtime/index.js";
import { addDisk, addNic, clone, cpuMemory, devices, findNetwork, findVm, networkBacking, powerOn, reconfigure, shutdownGuest } from "../../object/index.js";
import { schemas, type MoRef } from "./bindings.js";
import type { Target } from "./connection.js";

export async function vmLifecycle(target: Target, source: string, name: string): Promise<MoRef<"VirtualMachine">> {
  await using client = await connect({ ...target, bindings: schemas });
  const template = await findVm(client, source); // a path or a name
  // The customization spec is looked up by name in vCenter's CustomizationSpecManager.
  const vm = await clone(client, template, { name, customization: "vcsim-linux" });

  const hardware = await devices(client, vm);
  const network = await findNetwork(client, "/DC0/network/DC0_DVPG0"); // a distributed portgroup
  await reconfigure(client, vm, {
    ...cpuMemory({ numCPUs: 2, memoryMB: 4096 }),
    deviceChange: [
      addDisk(hardware, { sizeGB: 10, thin: true }), // picks a free unit on the first SCSI controller
      addNic(await networkBacking(client, network as MoRef<"DistributedVirtualPortgroup">)),
    ],
  });

  await powerOn(client, vm, { onProgress: (percent) => console.log(`power on ${percent ?? 0}%`) });
  await shutdownGuest(client, vm, { timeout: 5 * 60_000 }); // resolves once the VM is powered off
  return vm;
}
