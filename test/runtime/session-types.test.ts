// Compile-time checks of Client.call's typing (run by `tsc --noEmit`), plus
// the few runtime checks call makes before sending.
import { describe, expect, it } from "vitest";
import type { Client } from "../../runtime/index.js";
import { versionsUpTo } from "../../runtime/client/known-versions.js";
import { Folder, ServiceInstance, VirtualMachine, type schemas, type ServiceContent } from "../../generated/vim25-8.0.3/index.js";

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

describe("known versions", () => {
  it("offers every version up to the bindings' own, and that one", () => {
    const v = versionsUpTo("7.0.3.0");
    expect(v).toContain("6.5");
    expect(v).toContain("7.0.3.0");
    expect(v).not.toContain("8.0.0.0");
    expect(versionsUpTo("7.0.3.5")).toContain("7.0.3.5");
  });
});
