// On vCenter, a retrieve token (and a ContainerView) dies with the session
// that made it. When the client logs in again while paging, the next
// ContinueRetrievePropertiesEx faults; retrieve then reads again from the
// start, once, and hands out only the objects it had not handed out yet.
// vcsim keeps tokens across sessions, so this runs over a scripted client.
import { describe, expect, it } from "vitest";
import type { Client } from "../../runtime/client/client.js";
import type { BindingTables } from "../../runtime/client/descriptor.js";
import { retrieveAny } from "../../runtime/property/retrieve.js";
import { MethodFaultError } from "../../runtime/errors/index.js";

const vm = (n: number) => ({ obj: { type: "VirtualMachine", value: `vm-${n}` }, propSet: [{ name: "name", val: `VM ${n}` }] });
const fault = (type: string, method: string) =>
  new MethodFaultError({ typeName: type, fields: { _typeName: type }, message: "", faultCode: "ServerFaultCode", method }, [type, "MethodFault"]);

function scriptedClient(continueFault: { changeSession: boolean }) {
  const calls: string[] = [];
  const warnings: string[] = [];
  let views = 0;
  let retrieves = 0;
  const client = {
    serviceContent: {
      propertyCollector: { type: "PropertyCollector", value: "propertyCollector" },
      rootFolder: { type: "Folder", value: "group-d1" },
      viewManager: { type: "ViewManager", value: "ViewManager" },
    },
    serviceInstance: { type: "ServiceInstance", value: "ServiceInstance" },
    userSession: { key: "s1" },
    logger: { warn: (m: string) => void warnings.push(m) },
    async call(d: { name: string }, ref: { value: string }, params: { token?: string }) {
      calls.push(`${d.name}${params?.token ? `(${params.token})` : ""}${d.name === "DestroyView" ? `(${ref.value})` : ""}`);
      switch (d.name) {
        case "CreateContainerView":
          return { type: "ContainerView", value: `view-${++views}` };
        case "RetrievePropertiesEx":
          return { objects: [vm(1), vm(2), vm(3)], token: `t${++retrieves}` };
        case "ContinueRetrievePropertiesEx":
          if (params.token === "t1") {
            if (continueFault.changeSession) client.userSession = { key: "s2" }; // the session layer logged in again
            throw fault("InvalidArgument", d.name);
          }
          return { objects: [vm(4), vm(5)] };
        case "DestroyView":
          if (ref.value === "view-1") throw fault("ManagedObjectNotFound", d.name); // died with the old session
          return undefined;
        default:
          throw new Error(`unexpected ${d.name}`);
      }
    },
  };
  return { client: client as unknown as Client<BindingTables>, calls, warnings };
}

describe("retrieve after a session change while paging", () => {
  it("reads again once and hands out every object exactly once", async () => {
    const { client, calls, warnings } = scriptedClient({ changeSession: true });
    const out = await retrieveAny(client, { container: { type: "Folder", value: "group-d1" } as never, type: "VirtualMachine" }, ["name"], { checkPaths: false });
    expect(out.map((o) => o.ref.value)).toEqual(["vm-1", "vm-2", "vm-3", "vm-4", "vm-5"]);
    expect(calls).toEqual([
      "CreateContainerView",
      "RetrievePropertiesEx",
      "ContinueRetrievePropertiesEx(t1)",
      "DestroyView(view-1)",
      "CreateContainerView",
      "RetrievePropertiesEx",
      "ContinueRetrievePropertiesEx(t2)",
      "DestroyView(view-2)",
    ]);
    expect(warnings).toEqual([]);
  });

  it("without a session change, the fault is the caller's", async () => {
    const { client } = scriptedClient({ changeSession: false });
    const err = await retrieveAny(client, { container: { type: "Folder", value: "group-d1" } as never, type: "VirtualMachine" }, ["name"], { checkPaths: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MethodFaultError);
    expect((err as MethodFaultError).faultChain[0]).toBe("InvalidArgument");
  });
});
