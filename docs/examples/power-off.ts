// Start a task and wait for it: progress as it runs, the typed fault if it fails.
import { connect, type MoRef } from "../../runtime/index.js";
import { waitForTask } from "../../runtime/task/index.js";
import { schemas, faults, VirtualMachine } from "./bindings.js";
import type { Target } from "./connection.js";

export async function powerOff(target: Target, vm: MoRef<"VirtualMachine">): Promise<"done" | "already off"> {
  await using client = await connect({ ...target, bindings: schemas });
  const task = await client.call(VirtualMachine.PowerOffVM_Task, vm, {});
  try {
    await waitForTask(client, task, {
      bindings: schemas, // lets the fault match its base classes too (InvalidPowerState is an InvalidState)
      onProgress: (percent, info) => console.log(`${info.state} ${percent ?? 0}%`),
    });
    return "done";
  } catch (err) {
    if (err instanceof faults.InvalidPowerState) return "already off"; // err.fault.existingState is typed
    throw err;
  }
}
