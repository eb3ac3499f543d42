// Watch every VM's power state; stop after `limit` changes (or when `signal` aborts).
import { connect, moRefKey, type MoRef } from "../../runtime/index.js";
import { watch } from "../../runtime/property/watch.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function watchPower(
  target: Target,
  onChange: (vm: MoRef<"VirtualMachine">, name: string | undefined, power: string | undefined) => void,
  options: { limit: number; signal?: AbortSignal; ready?: () => void },
): Promise<number> {
  await using client = await connect({ ...target, bindings: schemas });
  await using w = await watch(
    client,
    { from: { container: client.serviceContent.rootFolder }, type: "VirtualMachine", select: ["name", "summary.runtime.powerState"] },
    { maxWaitSeconds: 30, ...(options.signal ? { signal: options.signal } : {}) },
  );
  let changes = 0;
  for await (const set of w) {
    if (set.kind === "initial") {
      console.log(`watching ${w.cache.size} VMs`);
      options.ready?.();
      continue;
    }
    for (const o of set.objects) {
      if (o.kind === "leave") continue;
      // o.values is the object's whole state after this change set, typed per selected path.
      onChange(o.ref, o.values?.name, o.values?.["summary.runtime.powerState"]);
      if (++changes >= options.limit) return changes; // leaving the loop destroys the collector on the server
    }
  }
  return changes;
}

/** The same state, read from the cache at any time: */
export function poweredOn(cache: ReadonlyMap<string, { values: { "summary.runtime.powerState"?: string } }>, vm: MoRef): boolean {
  return cache.get(moRefKey(vm))?.values["summary.runtime.powerState"] === "poweredOn";
}
