// Sample performance counters by name: the latest realtime values, and an hour of 5-minute history.
import { connect, type MoRef } from "../../runtime/index.js";
import { perfCounters, queryPerf } from "../../object/index.js";
import { schemas } from "./bindings.js";
import type { Target } from "./connection.js";

export async function cpuAndMemory(target: Target, vm: MoRef<"VirtualMachine">): Promise<Array<{ counter: string; instance: string; unit: string; values: Array<number | undefined> }>> {
  await using client = await connect({ ...target, bindings: schemas });
  const counterIndex = await perfCounters(client); // names <-> ids, read once and reused
  const realtime = await queryPerf(client, { entities: [vm], counters: ["cpu.usage.average", "mem.usage.average"], maxSample: 3, counterIndex });
  const end = new Date();
  const history = await queryPerf(client, {
    entities: [vm],
    counters: ["cpu.usage.average"],
    intervalId: 300, // historical: 5-minute rollups
    start: new Date(end.getTime() - 3600_000),
    end,
    counterIndex,
  });
  return [...realtime, ...history].map((s) => ({ counter: s.counter.name, instance: s.instance, unit: s.counter.unit, values: s.samples.map((x) => x.value) }));
}
