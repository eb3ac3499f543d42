// Wait until one VM is powered off, or give up after `timeoutMs`.
import { connect, type MoRef } from "../../runtime/index.js";
import { waitForProperties } from "../../runtime/property/watch.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function waitPoweredOff(target: Target, vm: MoRef<"VirtualMachine">, timeoutMs: number): Promise<string | undefined> {
  await using client = await connect({ ...target, bindings: schemas });
  const values = await waitForProperties(
    client,
    vm,
    ["name", "summary.runtime.powerState"],
    (v) => v["summary.runtime.powerState"] === "poweredOff",
    { timeout: timeoutMs },
  );
  return values.name;
}
