// Compile-time checks of Client.call's typing (run by `tsc --noEmit`), plus
// the few runtime checks call makes before sending.
import { describe, expect, it } from "vitest";
import type { Client } from "../../runtime/index.js";
import { offeredVersions } from "../../runtime/client/known-versions.js";
import { Folder, ServiceInstance, VirtualMachine, schemas, type ServiceContent } from "../support/bindings.js";

type C = Client<typeof schemas>;

// Never called: only type-checked.
export async function typing(client: C): Promise<void> {
  const sc: ServiceContent = client.serviceContent;
  const folder = await client.call(Folder.CreateFolder, sc.rootFolder, { name: "x" });
  const t: "Folder" | "StoragePod" = folder.type;
  const now: Date = await client.call(ServiceInstance.CurrentTime, client.serviceInstance);
  // @ts-expect-error required parameter `name` is missing
  await client.call(Folder.CreateFolder, sc.rootFolder);
  // @ts-expect-error parameters must match the method
  await client.call(Folder.CreateFolder, sc.rootFolder, { nome: "x" });
  // @ts-expect-error a Folder is not a VirtualMachine
  await client.call(VirtualMachine.PowerOnVM_Task, sc.rootFolder, {});
  // @ts-expect-error the result is a MoRef, not a string
  const s: string = await client.call(Folder.CreateFolder, sc.rootFolder, { name: "x" });
  void [t, now, s];
}

describe("offered versions", () => {
  it("are the list the generator wrote into the bindings, ending at their own version", () => {
    const v = offeredVersions(schemas);
    expect(v).toEqual(schemas.apiVersions);
    expect(v).toContain("6.5");
    expect(v.at(-1)).toBe(schemas.apiVersion);
  });

  it("add the bindings' own version when the list lacks it, and nothing else", () => {
    expect(offeredVersions({ apiVersion: "7.0.3.5", apiVersions: ["6.7", "7.0.3.0"] })).toEqual(["6.7", "7.0.3.0", "7.0.3.5"]);
    expect(offeredVersions({ apiVersion: "1.0" })).toEqual(["1.0"]);
    expect(offeredVersions({})).toEqual([]);
  });
});
