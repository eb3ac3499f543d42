// Read a VM's recent power events, then follow new ones until one matches `until`.
import { connect, type MoRef } from "../../runtime/index.js";
import { events } from "../../object/index.js";
import { schemas, type Event } from "./bindings.js";
import type { Target } from "./connection.js";

export async function vmEvents(
  target: Target,
  vm: MoRef<"VirtualMachine">,
  options: { until: (e: Event) => boolean; onFollowing?: () => void; signal?: AbortSignal },
): Promise<{ history: string[]; followed: string[] }> {
  await using client = await connect({ ...target, bindings: schemas });
  const filter = { entity: vm, types: ["VmPoweredOnEvent", "VmPoweredOffEvent"] };
  const line = (e: Event) => `${e.createdTime.toISOString()} ${e._typeName} ${e.fullFormattedMessage ?? ""}`;

  const history: string[] = [];
  for await (const e of events(client, filter, { signal: options.signal })) history.push(line(e)); // oldest first

  // Only what happens from now on; `break` (like abort or an exception) destroys the collector.
  const followed: string[] = [];
  for await (const e of events(client, filter, { follow: true, history: false, ...options })) {
    followed.push(line(e));
    if (options.until(e)) break;
  }
  return { history, followed };
}
