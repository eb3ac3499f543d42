/**
 * The second client of the watch workload: powers a fixed set of VMs off (the
 * measured burst) and back on (the untimed reset between rounds). It does not
 * wait for the tasks: the watchers are what tell when the changes landed.
 */
import { connect, type Client } from "../../runtime/index.js";
import { PropertyCollector, View, ViewManager, VirtualMachine, schemas } from "../../test/support/bindings.js";
import type { MoRef } from "../../runtime/types.js";

type Bindings = typeof schemas;

/** Power calls in flight at once: enough to keep vcsim busy without queueing hundreds of sockets. */
const IN_FLIGHT = 8;

export interface PowerDriver {
  readonly vms: readonly MoRef<"VirtualMachine">[];
  /** Issues PowerOffVM_Task on every VM; resolves with the epoch ms it started and how long issuing took. */
  powerOff(): Promise<{ startEpochMs: number; issueMs: number }>;
  /** Powers every VM back on and waits until the server reports them all poweredOn. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function pool<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, lane));
}

/** powerState by VM id: the collector does not promise to answer in request order. */
async function powerStates(client: Client<Bindings>, vms: readonly MoRef[]): Promise<Map<string, unknown>> {
  const states = new Map<string, unknown>();
  let page = await client.call(PropertyCollector.RetrievePropertiesEx, client.serviceContent.propertyCollector, {
    specSet: [
      {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["runtime.powerState"] }],
        objectSet: vms.map((obj) => ({ _typeName: "ObjectSpec" as const, obj })),
      },
    ],
    options: { _typeName: "RetrieveOptions" },
  });
  while (page) {
    for (const o of page.objects) states.set(o.obj.value, o.propSet?.[0]?.val);
    if (!page.token) break;
    page = await client.call(PropertyCollector.ContinueRetrievePropertiesEx, client.serviceContent.propertyCollector, { token: page.token });
  }
  return states;
}

export async function powerDriver(url: string, thumbprint: string, username: string, password: string, count: number): Promise<PowerDriver> {
  const client = await connect({ url, bindings: schemas, thumbprint, username, password, keepAlive: false });
  const view = await client.call(ViewManager.CreateContainerView, client.serviceContent.viewManager!, {
    container: client.serviceContent.rootFolder,
    type: ["VirtualMachine"],
    recursive: true,
  });
  const page = await client.call(PropertyCollector.RetrievePropertiesEx, client.serviceContent.propertyCollector, {
    specSet: [
      {
        _typeName: "PropertyFilterSpec",
        propSet: [{ _typeName: "PropertySpec", type: "ContainerView", pathSet: ["view"] }],
        objectSet: [{ _typeName: "ObjectSpec", obj: view }],
      },
    ],
    options: { _typeName: "RetrieveOptions" },
  });
  await client.call(View.DestroyView, view);
  const all = (page?.objects[0]?.propSet?.[0]?.val ?? []) as MoRef<"VirtualMachine">[];
  if (all.length < count) throw new Error(`watch: the inventory has ${all.length} VMs, fewer than the ${count} to power-cycle`);
  const vms = all.slice(0, count);

  const reset = async () => {
    const before = await powerStates(client, vms);
    // Powering on a VM that is already on is an InvalidPowerState fault.
    await pool(vms.filter((vm) => before.get(vm.value) !== "poweredOn"), (vm) => client.call(VirtualMachine.PowerOnVM_Task, vm, {}));
    for (let i = 0; i < 600; i++) {
      const states = await powerStates(client, vms);
      if (vms.every((vm) => states.get(vm.value) === "poweredOn")) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("watch: VMs did not all return to poweredOn within 60 s");
  };

  // vcsim starts every VM poweredOn, but a failed earlier round may have left some off.
  await reset();

  return {
    vms,
    async powerOff() {
      const startEpochMs = Date.now();
      const t0 = performance.now();
      await pool(vms, (vm) => client.call(VirtualMachine.PowerOffVM_Task, vm));
      return { startEpochMs, issueMs: performance.now() - t0 };
    },
    reset,
    close: () => client[Symbol.asyncDispose](),
  };
}
