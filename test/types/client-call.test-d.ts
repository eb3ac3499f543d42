/**
 * Client.call's typing: parameters, `this` kinds and results follow the
 * descriptor. Checked by tsc through vitest's typecheck mode; nothing here runs.
 */
import { describe, it } from "vitest";
import type { Client } from "../../runtime/index.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { Folder, ServiceInstance, VirtualMachine, type schemas, type ServiceContent } from "../support/bindings.js";

type C = Client<typeof schemas>;
declare const client: C;

describe("Client.call", () => {
  it("types parameters, the managed object and the result from the descriptor", async () => {
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
  });
});

describe("retrieve", () => {
  it("refuses a path the type does not have", () => {
    // @ts-expect-error not a VirtualMachine path
    void retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["summary.runtime.powerstate"]);
  });
});
