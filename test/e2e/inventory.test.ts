// Inventory paths against vcsim: govc-style paths found through SearchIndex,
// and the path of an entity rebuilt from its parent chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, moRefKey, type Client } from "../../runtime/index.js";
import { findByInventoryPath, inventoryPath } from "../../runtime/inventory/index.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { schemas } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";

let sim: Vcsim;
let client: Client<typeof schemas>;

beforeAll(async () => {
  sim = await startVcsim({ dc: 2, cluster: 1, host: 1, standaloneHost: 1, vm: 2 });
  client = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
}, 60_000);

afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("findByInventoryPath", () => {
  it("finds a standalone host's VM by its govc path (vcsim names it DC0_H0_VM0)", async () => {
    const ref = await findByInventoryPath(client, "/DC0/vm/DC0_H0_VM0");
    expect(ref?.type).toBe("VirtualMachine");
    const [vm] = await retrieve(client, [ref as { type: "VirtualMachine"; value: string }], ["name"]);
    expect(vm?.name).toBe("DC0_H0_VM0");
  });

  it("finds datacenters, clusters and hosts; a trailing or missing leading slash does not matter", async () => {
    const dc = await findByInventoryPath(client, "/DC1");
    expect(dc?.type).toBe("Datacenter");
    expect(await findByInventoryPath(client, "DC1/")).toEqual(dc);
    expect((await findByInventoryPath(client, "/DC0/host/DC0_C0"))?.type).toBe("ClusterComputeResource");
    expect((await findByInventoryPath(client, "/DC0/host/DC0_C0/DC0_C0_H0"))?.type).toBe("HostSystem");
    expect(await findByInventoryPath(client, "/")).toEqual(client.serviceContent.rootFolder);
  });

  it("returns undefined for a path that names nothing", async () => {
    expect(await findByInventoryPath(client, "/DC0/vm/no-such-vm")).toBeUndefined();
    expect(await findByInventoryPath(client, "/NoSuchDC/vm/DC0_H0_VM0")).toBeUndefined();
  });
});

describe("inventoryPath", () => {
  it("rebuilds /DC0/vm/DC0_H0_VM0 from the parent chain", async () => {
    const ref = await findByInventoryPath(client, "/DC0/vm/DC0_H0_VM0");
    expect(await inventoryPath(client, ref!)).toBe("/DC0/vm/DC0_H0_VM0");
    expect(await inventoryPath(client, client.serviceContent.rootFolder)).toBe("/");
  });

  it("round-trips through findByInventoryPath for every VM and host", async () => {
    const root = client.serviceContent.rootFolder;
    const entities = [
      ...(await retrieve(client, { container: root, type: "VirtualMachine" }, ["name"])),
      ...(await retrieve(client, { container: root, type: "HostSystem" }, ["name"])),
    ];
    expect(entities.length).toBeGreaterThan(0);
    for (const e of entities) {
      const path = await inventoryPath(client, e.ref);
      expect(path.endsWith(`/${e.name}`)).toBe(true);
      expect(moRefKey((await findByInventoryPath(client, path))!)).toBe(moRefKey(e.ref));
    }
  });
});
