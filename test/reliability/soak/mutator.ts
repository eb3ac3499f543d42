/**
 * The soak's writer: a client of its own (straight to vcsim, never through
 * a fault proxy) that changes VM properties as fast as vcsim lets it, and
 * keeps its own record of what each VM should look like afterwards. That
 * record is the soak's second, independent expectation: the watch cache
 * must equal a fresh retrieve, and the fresh retrieve must equal what the
 * writer last set.
 */
import { moRefKey, type Client, type MoRef } from "../../../runtime/index.js";
import { RetrievePropertiesEx } from "../../../runtime/property/methods.js";
import { ManagedEntity, VirtualMachine, type schemas } from "../../support/bindings.js";
import { seededRandom } from "../../faults/fault-proxy.js";

type Bindings = typeof schemas;
// No ReconfigVM_Task annotation changes: vcsim (govmomi 0.24) applies them in
// place without telling its PropertyCollectors (no Map.Update), so no watch
// could ever see them there; vCenter does report them.
export type ChangeKind = "rename" | "power";

export interface Expected {
  name: string;
  powerState: string;
}

export interface MutatorOptions {
  readonly vms: readonly MoRef<"VirtualMachine">[];
  /** Starting values of each VM, keyed by moRefKey. */
  readonly initial: ReadonlyMap<string, Expected>;
  readonly seed: number;
  /** Parallel writers; each owns a disjoint slice of the VMs so the expected record stays exact. */
  readonly workers: number;
  /** Stop after this many changes… */
  readonly maxChanges: number;
  /** …or when this fires, whichever comes first. */
  readonly signal: AbortSignal;
  /** Called after every completed change (the soak uses it to schedule session terminations). */
  readonly onChange?: (done: number) => void | Promise<void>;
}

export interface MutatorResult {
  readonly changes: number;
  readonly byKind: Readonly<Record<ChangeKind, number>>;
  readonly expected: ReadonlyMap<string, Expected>;
  readonly ms: number;
}

/** Polls the task's state with RetrievePropertiesEx: one call per poll, cheaper than a watch per task. */
async function finish(client: Client<Bindings>, task: MoRef<"Task">): Promise<void> {
  for (let polls = 0; polls < 2_000; polls++) {
    const r = await client.call(RetrievePropertiesEx, client.serviceContent.propertyCollector, {
      specSet: [{ propSet: [{ type: "Task", pathSet: ["info.state", "info.error"] }], objectSet: [{ obj: task }] }],
      options: {},
    });
    const props = new Map((r?.objects[0]?.propSet ?? []).map((p) => [p.name, p.val]));
    const state = props.get("info.state");
    if (state === "success") return;
    if (state === "error") throw new Error(`soak writer: task ${task.value} failed: ${JSON.stringify(props.get("info.error"))}`);
    await new Promise((resolve) => setTimeout(resolve, polls < 5 ? 1 : 10));
  }
  throw new Error(`soak writer: task ${task.value} did not finish after 2000 polls`);
}

export async function runMutator(client: Client<Bindings>, opts: MutatorOptions): Promise<MutatorResult> {
  const expected = new Map([...opts.initial].map(([k, v]) => [k, { ...v }]));
  const byKind: Record<ChangeKind, number> = { rename: 0, power: 0 };
  let changes = 0;
  let claimed = 0;
  const started = performance.now();

  const worker = async (w: number) => {
    const mine = opts.vms.filter((_, i) => i % opts.workers === w);
    const random = seededRandom(opts.seed * 31 + w);
    let serial = 0;
    while (!opts.signal.aborted && claimed < opts.maxChanges && mine.length > 0) {
      claimed++;
      const vm = mine[Math.floor(random() * mine.length)]!;
      const exp = expected.get(moRefKey(vm))!;
      const kind: ChangeKind = random() < 0.6 ? "rename" : "power";
      serial++;
      if (kind === "rename") {
        // Unique per worker and serial, so no two VMs ever race for one name (DuplicateName).
        const newName = `soak-${vm.value}-w${w}-${serial}`;
        await finish(client, await client.call(ManagedEntity.Rename_Task, vm, { newName }));
        exp.name = newName;
      } else {
        const on = exp.powerState === "poweredOn";
        await finish(client, await client.call(on ? VirtualMachine.PowerOffVM_Task : VirtualMachine.PowerOnVM_Task, vm, {}));
        exp.powerState = on ? "poweredOff" : "poweredOn";
      }
      byKind[kind]++;
      changes++;
      await opts.onChange?.(changes);
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  return { changes, byKind, expected, ms: performance.now() - started };
}
