// Find inventory objects by path (with globs) or by name, typed by what you ask for.
import { connect } from "../../runtime/index.js";
import { find, findOne, findVm, NotFoundError } from "../../object/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function findObjects(target: Target): Promise<{ vms: string[]; clusterHosts: string[]; byName: string; missing: string }> {
  await using client = await connect({ ...target, bindings: schemas });
  // A path pattern: `*` and `?` match within one element, `**` any number of them.
  const vms = await find(client, "/*/vm/*", { type: "VirtualMachine" }); // Found<"VirtualMachine">[]
  const hosts = await find(client, "/**/DC0_C0/*", { type: "HostSystem" });
  // A name (no `/`): searched across every datacenter; one match or an error listing them.
  const cluster = await findOne(client, "DC0_C0", { type: "ClusterComputeResource" });
  let missing = "";
  try {
    await findVm(client, "/DC0/vm/no-such-vm");
  } catch (err) {
    // The message names the element that matched nothing and what is there instead.
    if (err instanceof NotFoundError) missing = err.message;
    else throw err;
  }
  return { vms: vms.map((v) => v.path), clusterHosts: hosts.map((h) => h.name), byName: cluster.path, missing };
}
