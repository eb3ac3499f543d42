/**
 * Real vcsim response bodies, captured at test time byte for byte by a
 * recording proxy (the trace channel redacts, by design), as seeds for the decoder fuzz and for stub servers. Nothing is committed:
 * the simulator is the source.
 */
import { connect, subscribeTrace, type MoRef } from "../../runtime/index.js";
import { PropertyCollector, SearchIndex, SessionManager, ServiceInstance, schemas } from "../support/bindings.js";
import { startVcsim } from "../vcsim/harness.js";
import { startRecorder } from "../fixtures/sts/recorder.js";

export interface Captured {
  /** SOAP operation the body answers. */
  readonly method: string;
  readonly body: string;
  readonly label: string;
}

const USER = "fuzz-user";
const PASS = "fuzz-Pass-31337";

export async function captureVcsimResponses(): Promise<Captured[]> {
  const sim = await startVcsim({ username: USER, password: PASS, tls: false });
  const recorder = await startRecorder(new URL(sim.url).origin);
  // The trace names each call's method; the recorder keeps its exact answer. Calls run one at a time, so the n-th SOAP answer is the n-th traced one.
  const methods: string[] = [];
  const unsubscribe = subscribeTrace({ onResponse: (m) => void methods.push(m.method) });
  const answers = () => recorder.responses.filter((r) => r.soapAction !== "");
  const out: Captured[] = [];
  const last = (label: string) => {
    const all = answers();
    const i = all.length - 1;
    out.push({ method: methods[i]!, body: all[i]!.body, label });
  };
  try {
    const client = await connect({ url: `${recorder.origin}${new URL(sim.url).pathname}`, bindings: schemas, keepAlive: false });
    const sc = client.serviceContent;
    const first = methods.indexOf("RetrieveServiceContent");
    out.push({ method: "RetrieveServiceContent", body: answers()[first]!.body, label: "RetrieveServiceContent" });

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
    await recorder.close();
    await sim.stop();
  }
  return out;
}
