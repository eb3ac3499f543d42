/**
 * Real vcsim response bodies, captured at test time from the trace channel,
 * as seeds for the decoder fuzz and for stub servers. Nothing is committed:
 * the simulator is the source.
 */
import { connect, subscribeTrace, type MoRef } from "../../runtime/index.js";
import { PropertyCollector, SearchIndex, SessionManager, ServiceInstance, schemas } from "../support/bindings.js";
import { startVcsim } from "../vcsim/harness.js";

export interface Captured {
  /** SOAP operation the body answers. */
  readonly method: string;
  readonly body: string;
  readonly label: string;
}

const USER = "fuzz-user";
const PASS = "fuzz-Pass-31337";

export async function captureVcsimResponses(): Promise<Captured[]> {
  const sim = await startVcsim({ username: USER, password: PASS });
  const bodies = new Map<number, { method: string; body: string }>();
  const unsubscribe = subscribeTrace({
    onResponse: (m) => {
      if (m.body !== undefined) bodies.set(m.id, { method: m.method, body: m.body });
    },
  });
  const out: Captured[] = [];
  const last = (label: string) => {
    const id = Math.max(...bodies.keys());
    const b = bodies.get(id)!;
    out.push({ ...b, label });
  };
  try {
    const client = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, keepAlive: false });
    const sc = client.serviceContent;
    out.push({ ...[...bodies.values()].find((b) => b.method === "RetrieveServiceContent")!, label: "RetrieveServiceContent" });

    await client.call(SessionManager.Login, sc.sessionManager!, { userName: USER, password: "not-the-password" }).catch(() => undefined);
    last("InvalidLogin fault");
    await client.login(USER, PASS);

    const vms: Array<MoRef<"VirtualMachine">> = [];
    for (const p of ["DC0/vm/DC0_H0_VM0", "DC0/vm/DC0_H0_VM1", "DC0/vm/DC0_C0_RP0_VM0", "DC0/vm/DC0_C0_RP0_VM1"]) {
      const vm = await client.call(SearchIndex.FindByInventoryPath, sc.searchIndex!, { inventoryPath: p });
      if (vm) vms.push(vm as MoRef<"VirtualMachine">);
    }
    if (vms.length === 0) throw new Error("vcsim capture: found no VMs");
    await client.call(PropertyCollector.RetrievePropertiesEx, sc.propertyCollector, {
      specSet: [
        {
          _typeName: "PropertyFilterSpec",
          propSet: [{ _typeName: "PropertySpec", type: "VirtualMachine", pathSet: ["name", "config.hardware.device", "runtime.powerState"] }],
          objectSet: vms.map((obj) => ({ _typeName: "ObjectSpec" as const, obj })),
        },
      ],
      options: { _typeName: "RetrieveOptions" },
    });
    last("RetrievePropertiesEx VMs config.hardware.device");
    await client.call(ServiceInstance.CurrentTime, client.serviceInstance);
    last("CurrentTime");
    await client.logout();
    await client.close();
  } finally {
    unsubscribe();
    await sim.stop();
  }
  return out;
}
