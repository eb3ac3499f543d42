// Take a snapshot, walk the tree, go back to it, remove it.
import { connect } from "../../runtime/index.js";
import { createSnapshot, findSnapshot, findVm, removeSnapshot, revertToSnapshot, snapshots } from "../../object/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function snapshotRoundTrip(target: Target, vmPath: string): Promise<string[]> {
  await using client = await connect({ ...target, bindings: schemas });
  const vm = await findVm(client, vmPath);
  await createSnapshot(client, vm, { name: "before-upgrade", description: "taken by the guide" });
  await createSnapshot(client, vm, { name: "after-upgrade" });

  // Depth first, with each snapshot's path in the tree and whether it is the current one.
  const tree = (await snapshots(client, vm)).map((s) => `${"  ".repeat(s.depth)}${s.name}${s.current ? " (current)" : ""}`);

  await revertToSnapshot(client, await findSnapshot(client, vm, "before-upgrade"));
  await removeSnapshot(client, await findSnapshot(client, vm, "before-upgrade"), { removeChildren: true });
  return tree;
}
