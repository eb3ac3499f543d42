// ContainerView and ListView handles against vcsim: what they show, and that
// destroying them (explicitly or by `await using`) removes them on the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, isFault, moRefKey, type Client, type MoRef } from "../../runtime/index.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import { createContainerView, createListView } from "../../runtime/view/index.js";
import { findByInventoryPath } from "../../runtime/inventory/index.js";
import { schemas, View } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";

let sim: Vcsim;
let client: Client<typeof schemas>;

beforeAll(async () => {
  sim = await startVcsim({ vm: 3 });
  client = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
}, 60_000);

afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

async function gone(view: MoRef): Promise<boolean> {
  const err = await client.call(View.DestroyView, view as MoRef<"ListView">).catch((e: unknown) => e);
  return isFault(err, "ManagedObjectNotFound");
}

describe("views", () => {
  it("a ListView shows exactly its objects", async () => {
    const all = await retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["name"]);
    const pick = all.slice(0, 2).map((v) => v.ref);
    const view = await createListView(client, pick);
    try {
      const seen = await retrieve(client, { view, type: "VirtualMachine" }, ["name"]);
      expect(seen.map((v) => moRefKey(v.ref)).sort()).toEqual(pick.map(moRefKey).sort());
    } finally {
      await view.destroy();
    }
    expect(await gone(view.ref)).toBe(true);
  });

  it("a non-recursive ContainerView shows only direct children", async () => {
    const dc = (await findByInventoryPath(client, "/DC0"))!;
    const vmFolder = (await findByInventoryPath(client, "/DC0/vm"))!;
    const flat = async (container: MoRef) => {
      await using view = await createContainerView(client, container, ["VirtualMachine"], false);
      // `return await`: returning the bare promise would let the view be destroyed before the retrieve ran.
      return await retrieve(client, { view, type: "VirtualMachine" }, ["name"]);
    };
    const deep = await retrieve(client, { container: dc, type: "VirtualMachine", recursive: true }, ["name"]);
    expect(deep.length).toBeGreaterThan(0);
    // VMs are children of the datacenter's vmFolder, never of the datacenter itself.
    expect(await flat(dc)).toHaveLength(0);
    expect((await flat(vmFolder)).map((v) => moRefKey(v.ref)).sort()).toEqual(deep.map((v) => moRefKey(v.ref)).sort());
  });

  it("await using destroys the view when the block throws", async () => {
    let ref: MoRef | undefined;
    await expect(
      (async () => {
        await using view = await createContainerView(client, client.serviceContent.rootFolder, ["VirtualMachine"], true);
        ref = view.ref;
        throw new Error("inside");
      })(),
    ).rejects.toThrow("inside");
    expect(await gone(ref!)).toBe(true);
  });
});
