// The vCenter-like proxy against vcsim: RetrievePropertiesEx answers cut into
// token pages, Continue/Cancel served from memory, unknown tokens faulted the
// way vCenter does, and WaitForUpdatesEx answers truncated and resumed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, isFault, moRefKey, type Client, type MoRef } from "../../runtime/index.js";
import * as pc from "../../runtime/property/methods.js";
import { schemas } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startVcenterProxy, type VcenterProxy } from "../proxy/vcenter-proxy.js";

const VMS_PER_POOL = 70; // one cluster pool + one standalone host: 140 VMs, more than one page of 50

let sim: Vcsim;
let proxy: VcenterProxy;
let viaProxy: Client<typeof schemas>;
let direct: Client<typeof schemas>;

function vmSpec(view: MoRef): pc.PropertyFilterSpec {
  return {
    propSet: [{ type: "VirtualMachine", pathSet: ["name"] }],
    objectSet: [{ obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", type: "ContainerView", path: "view", skip: false }] }],
  };
}

async function containerView(client: Client<typeof schemas>): Promise<MoRef> {
  const sc = pc.propertyServices(client, "test");
  return client.call(pc.CreateContainerView, sc.viewManager!, { container: sc.rootFolder, type: ["VirtualMachine"], recursive: true });
}

beforeAll(async () => {
  sim = await startVcsim({ vm: VMS_PER_POOL, host: 1 });
  proxy = await startVcenterProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, pageSize: 50, maxObjectUpdates: 1000 });
  viaProxy = await connect({ url: proxy.url, bindings: schemas, username: sim.username, password: sim.password });
  direct = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
}, 60_000);

afterAll(async () => {
  await viaProxy?.[Symbol.asyncDispose]();
  await direct?.[Symbol.asyncDispose]();
  await proxy?.close();
  await sim?.stop();
});

describe("vcenter proxy: RetrievePropertiesEx paging", () => {
  it("cuts vcsim's answer into token pages that add up to what vcsim returns unpaged", async () => {
    const sc = pc.propertyServices(direct, "test");
    const all = await direct.call(pc.RetrievePropertiesEx, sc.propertyCollector, { specSet: [vmSpec(await containerView(direct))], options: {} });
    expect(all?.token).toBeUndefined(); // vcsim itself never pages
    const expected = all!.objects.map((o) => moRefKey(o.obj)).sort();
    expect(expected.length).toBeGreaterThan(50);

    const psc = pc.propertyServices(viaProxy, "test");
    const before = { ...proxy.counters };
    let page = await viaProxy.call(pc.RetrievePropertiesEx, psc.propertyCollector, { specSet: [vmSpec(await containerView(viaProxy))], options: {} });
    const seen: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      sizes.push(page!.objects.length);
      seen.push(...page!.objects.map((o) => moRefKey(o.obj)));
      if (!page!.token) break;
      page = await viaProxy.call(pc.ContinueRetrievePropertiesEx, psc.propertyCollector, { token: page!.token });
    }
    expect(seen.sort()).toEqual(expected);
    expect(sizes.slice(0, -1).every((n) => n === 50)).toBe(true);
    expect(sizes.length).toBe(Math.ceil(expected.length / 50));
    expect(proxy.counters.continues - before.continues).toBe(sizes.length - 1);
    expect(proxy.heldTokens()).toBe(0);
  });

  it("honours a smaller options.maxObjects and drops the rest on Cancel", async () => {
    const psc = pc.propertyServices(viaProxy, "test");
    const first = await viaProxy.call(pc.RetrievePropertiesEx, psc.propertyCollector, { specSet: [vmSpec(await containerView(viaProxy))], options: { maxObjects: 7 } });
    expect(first!.objects).toHaveLength(7);
    expect(first!.token).toBeTruthy();
    expect(proxy.heldTokens()).toBe(1);
    await viaProxy.call(pc.CancelRetrievePropertiesEx, psc.propertyCollector, { token: first!.token! });
    expect(proxy.heldTokens()).toBe(0);
    const err = await viaProxy.call(pc.ContinueRetrievePropertiesEx, psc.propertyCollector, { token: first!.token! }).catch((e: unknown) => e);
    expect(isFault(err, "InvalidArgument")).toBe(true);
  });

  it("answers an unknown token with InvalidArgument, as vCenter does", async () => {
    const psc = pc.propertyServices(viaProxy, "test");
    const err = await viaProxy.call(pc.ContinueRetrievePropertiesEx, psc.propertyCollector, { token: "no-such-token" }).catch((e: unknown) => e);
    expect(isFault(err, "InvalidArgument")).toBe(true);
  });
});

describe("vcenter proxy: WaitForUpdatesEx truncation", () => {
  it("truncates the initial update set and hands out the rest on the synthetic version", async () => {
    const psc = pc.propertyServices(viaProxy, "test");
    const collector = await viaProxy.call(pc.CreatePropertyCollector, psc.propertyCollector);
    try {
      await viaProxy.call(pc.CreateFilter, collector, { spec: vmSpec(await containerView(viaProxy)), partialUpdates: false });
      const expected = (await viaProxy.call(pc.RetrievePropertiesEx, psc.propertyCollector, { specSet: [vmSpec(await containerView(viaProxy))], options: { maxObjects: 10_000 } }))!;
      // The retrieve above may itself be paged by the proxy; count through Continue.
      const want: string[] = expected.objects.map((o) => moRefKey(o.obj));
      for (let t = expected.token; t; ) {
        const next = await viaProxy.call(pc.ContinueRetrievePropertiesEx, psc.propertyCollector, { token: t });
        want.push(...next.objects.map((o) => moRefKey(o.obj)));
        t = next.token;
      }
      const before = proxy.counters.truncations;
      const seen: string[] = [];
      let version = "";
      let truncatedAnswers = 0;
      for (;;) {
        const set = await viaProxy.call(pc.WaitForUpdatesEx, collector, { version, options: { maxWaitSeconds: 0, maxObjectUpdates: 30 } });
        if (!set) break;
        const updates = (set.filterSet ?? []).flatMap((f) => f.objectSet ?? []);
        expect(updates.length).toBeLessThanOrEqual(30);
        for (const u of updates) {
          expect(u.kind).toBe("enter");
          seen.push(moRefKey(u.obj));
        }
        version = set.version;
        if (!set.truncated) break;
        truncatedAnswers++;
      }
      expect(seen.sort()).toEqual(want.sort());
      expect(truncatedAnswers).toBe(Math.ceil(want.length / 30) - 1);
      expect(proxy.counters.truncations - before).toBe(truncatedAnswers);
      expect(proxy.heldUpdateSets()).toBe(0);
      // The last answer carried vcsim's real version: vcsim accepts it and has nothing new.
      const after = await viaProxy.call(pc.WaitForUpdatesEx, collector, { version, options: { maxWaitSeconds: 0 } });
      expect((after?.filterSet ?? []).flatMap((f) => f.objectSet ?? [])).toHaveLength(0);
    } finally {
      await viaProxy.call(pc.DestroyPropertyCollector, collector);
    }
  });
});
