// Typed, paged retrieve against vcsim behind the vCenter-like proxy (which
// pages what vcsim sends unpaged): every object exactly once, early stop and
// abort cancel the token and destroy the view, missing properties reported,
// NotAuthenticated in a missingSet recovers through the session layer.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { connect, isFault, moRefKey, SessionError, subscribeTrace, type Client, type MoRef } from "../../runtime/index.js";
import { retrieve, retrieveAny, retrievePages, retrievePagesAny } from "../../runtime/property/retrieve.js";
import { everythingUnder } from "../../runtime/property/traversal.js";
import { createContainerView } from "../../runtime/view/index.js";
import { schemas, SessionManager, View, VirtualMachinePowerState, type VirtualDevice } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startVcenterProxy, type VcenterProxy } from "../proxy/vcenter-proxy.js";

// vcsim puts `vm` VMs in each cluster's root pool and on each standalone host.
const DC = 1, CLUSTERS = 1, STANDALONE = 1, VMS = 130;
const EXPECTED_VMS = DC * (CLUSTERS + STANDALONE) * VMS; // 260: three pages of 100
const PAGE = 100;

let sim: Vcsim;
let proxy: VcenterProxy;
let client: Client<typeof schemas>;
let direct: Client<typeof schemas>;
let root: MoRef;

beforeAll(async () => {
  sim = await startVcsim({ dc: DC, cluster: CLUSTERS, standaloneHost: STANDALONE, host: 1, vm: VMS });
  proxy = await startVcenterProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, pageSize: PAGE });
  client = await connect({ url: proxy.url, bindings: schemas, username: sim.username, password: sim.password });
  direct = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
  root = client.serviceContent.rootFolder;
}, 60_000);

afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await direct?.[Symbol.asyncDispose]();
  await proxy?.close();
  await sim?.stop();
});

/** ContainerViews created while `fn` runs, read from the redacted trace. */
async function viewsCreatedDuring(fn: () => Promise<unknown>): Promise<MoRef[]> {
  const refs: MoRef[] = [];
  const stop = subscribeTrace({
    onResponse(m) {
      if (m.method !== "CreateContainerView" || !m.body) return;
      const hit = /<returnval type="(\w+)">([^<]+)<\/returnval>/.exec(m.body);
      if (hit) refs.push({ type: hit[1]!, value: hit[2]! });
    },
  });
  try {
    await fn().catch(() => undefined);
  } finally {
    stop();
  }
  return refs;
}

/** The server's own verdict that a view is gone: a second DestroyView faults ManagedObjectNotFound. */
async function expectGone(view: MoRef): Promise<void> {
  const err = await direct.call(View.DestroyView, view as MoRef<"ContainerView">).catch((e: unknown) => e);
  expect(isFault(err, "ManagedObjectNotFound")).toBe(true);
}

describe("retrieve: paging through the proxy", () => {
  it("returns every VM exactly once, typed, across pages", async () => {
    const before = { ...proxy.counters };
    const vms = await retrieve(client, { container: root, type: "VirtualMachine" }, ["name", "summary.runtime.powerState", "config.hardware.device"], { pageSize: 1000 });
    expect(vms).toHaveLength(EXPECTED_VMS);
    const keys = new Set(vms.map((v) => moRefKey(v.ref)));
    expect(keys.size).toBe(EXPECTED_VMS);
    // The proxy cut vcsim's single answer into ceil(260/100) pages.
    expect(proxy.counters.continues - before.continues).toBe(Math.ceil(EXPECTED_VMS / PAGE) - 1);
    expect(proxy.heldTokens()).toBe(0);

    const vm = vms[0]!;
    expectTypeOf(vm.ref).toEqualTypeOf<MoRef<"VirtualMachine">>();
    // ManagedEntity.name is a required property: a string once the object has no $missing entry.
    expectTypeOf(vm.name).toEqualTypeOf<string | undefined>();
    if (!vm.$missing) expectTypeOf(vm.name).toEqualTypeOf<string>();
    expectTypeOf(vm["summary.runtime.powerState"]).toEqualTypeOf<VirtualMachinePowerState | undefined>();
    expectTypeOf(vm["config.hardware.device"]).toEqualTypeOf<VirtualDevice[] | undefined>();
    for (const v of vms) {
      expect(typeof v.name).toBe("string");
      expect(Object.values(VirtualMachinePowerState)).toContain(v["summary.runtime.powerState"]);
      expect(Array.isArray(v["config.hardware.device"])).toBe(true);
      expect(v["config.hardware.device"]!.length).toBeGreaterThan(0);
      for (const d of v["config.hardware.device"]!) expect(typeof d._typeName).toBe("string");
      expect(v.$missing).toBeUndefined();
    }
    // Independently: vcsim asked directly (it never pages) returns the same objects with equal values, so pages cut
    // out of its XML (Continue pages included) decode exactly like the original (xsi:/xsd: prefixes still in scope).
    const unpaged = await retrieve(direct, { container: root, type: "VirtualMachine" }, ["name", "summary.runtime.powerState", "config.hardware.device"]);
    expect(new Set(unpaged.map((v) => moRefKey(v.ref)))).toEqual(keys);
    const byKey = new Map(unpaged.map((v) => [moRefKey(v.ref), v]));
    for (const v of vms) expect(v).toEqual(byKey.get(moRefKey(v.ref)));
  });

  it("streams pages no larger than the page size; the last one is the remainder", async () => {
    const sizes: number[] = [];
    for await (const page of retrievePages(client, { container: root, type: "VirtualMachine" }, ["name"], { pageSize: 40 })) sizes.push(page.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(EXPECTED_VMS);
    expect(sizes.every((n) => n <= 40)).toBe(true);
    expect(sizes.length).toBe(Math.ceil(EXPECTED_VMS / 40));
  });

  it("reads a MoRef list and an explicit traversal", async () => {
    const some = (await retrieve(direct, { container: root, type: "VirtualMachine" }, ["name"])).slice(0, 3);
    const byRef = await retrieve(client, some.map((v) => v.ref), ["name"]);
    expect(byRef.map((v) => [moRefKey(v.ref), v.name]).sort()).toEqual(some.map((v) => [moRefKey(v.ref), v.name]).sort());

    const hosts = await retrieve(client, { type: "HostSystem", objectSet: [everythingUnder(root)] }, ["name"]);
    expect(hosts).toHaveLength(DC * (CLUSTERS * 1 + STANDALONE));
    const vms = await retrieve(client, { type: "VirtualMachine", objectSet: [everythingUnder(root)] }, ["name"]);
    expect(vms).toHaveLength(EXPECTED_VMS);
  });
});

describe("retrieve: cleanup", () => {
  it("breaking out after the first page cancels the token and destroys the view", async () => {
    const before = { ...proxy.counters };
    let pagesSeen = 0;
    const views = await viewsCreatedDuring(async () => {
      for await (const page of retrievePages(client, { container: root, type: "VirtualMachine" }, ["name"])) {
        pagesSeen++;
        expect(page.length).toBe(PAGE);
        break;
      }
    });
    expect(pagesSeen).toBe(1);
    expect(proxy.counters.cancels - before.cancels).toBe(1);
    expect(proxy.heldTokens()).toBe(0);
    expect(views).toHaveLength(1);
    await expectGone(views[0]!);
  });

  it("an abort between pages cancels the token and destroys the view", async () => {
    const before = { ...proxy.counters };
    const ac = new AbortController();
    let caught: unknown;
    const views = await viewsCreatedDuring(async () => {
      try {
        for await (const _ of retrievePages(client, { container: root, type: "VirtualMachine" }, ["name"], { signal: ac.signal })) ac.abort(new Error("stop here"));
      } catch (err) {
        caught = err;
      }
    });
    expect((caught as Error)?.message).toBe("stop here");
    expect(proxy.counters.cancels - before.cancels).toBe(1);
    expect(proxy.heldTokens()).toBe(0);
    expect(views).toHaveLength(1);
    await expectGone(views[0]!);
  });

  it("an unpaged answer (vcsim asked directly) goes out in pages of 100; a break inside it destroys the view", async () => {
    const sizes: number[] = [];
    for await (const page of retrievePages(direct, { container: root, type: "VirtualMachine" }, ["name"])) sizes.push(page.length);
    expect(sizes).toEqual([100, 100, EXPECTED_VMS - 200]);
    const views = await viewsCreatedDuring(async () => {
      for await (const page of retrievePages(direct, { container: root, type: "VirtualMachine" }, ["name", "config.hardware.device"], { pageSize: 10 })) {
        expect(page).toHaveLength(10);
        break;
      }
    });
    expect(views).toHaveLength(1);
    await expectGone(views[0]!);
    // The connection cut short is not reused: the next retrieve reads to the end.
    expect(await retrieve(direct, { container: root, type: "HostSystem" }, ["name"])).toHaveLength(DC * (CLUSTERS * 1 + STANDALONE));
  });

  it("a completed retrieve through a ContainerView destroys it", async () => {
    const views = await viewsCreatedDuring(() => retrieve(client, { container: root, type: "HostSystem" }, ["name"]));
    expect(views).toHaveLength(1);
    await expectGone(views[0]!);
  });

  it("await using destroys a view on the error path; destroy() is idempotent", async () => {
    let ref: MoRef | undefined;
    await expect(
      (async () => {
        await using view = await createContainerView(client, root, ["VirtualMachine"], true);
        ref = view.ref;
        const inView = await retrieve(client, { view, type: "VirtualMachine" }, ["name"]);
        expect(inView).toHaveLength(EXPECTED_VMS);
        throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    await expectGone(ref!);

    const view = await createContainerView(client, root, [], true);
    const before = proxy.counters.methods.get("DestroyView") ?? 0;
    await Promise.all([view.destroy(), view.destroy()]);
    await view.destroy();
    expect(view.destroyed).toBe(true);
    expect((proxy.counters.methods.get("DestroyView") ?? 0) - before).toBe(1);
  });
});

describe("retrieve: missing properties", () => {
  it("reports a path the server cannot read on each object, with its fault, and keeps the rest", async () => {
    // checkPaths: false sends a path the bindings do not know (as for a server newer than them).
    const vms = await retrieveAny(client, { container: root, type: "VirtualMachine" }, ["name", "no.such.path"], { checkPaths: false });
    expect(vms).toHaveLength(EXPECTED_VMS);
    for (const v of vms) {
      expect(typeof v.name).toBe("string");
      expect("no.such.path" in v).toBe(false);
      expect(v.$missing).toEqual([{ path: "no.such.path", fault: expect.objectContaining({ _typeName: "InvalidProperty" }) }]);
    }
  });

  it("untyped callers with a known path list get a clear error naming type, path and nearest path", async () => {
    const known = ["name", "summary.runtime.powerState", "config.hardware.device"];
    await expect(retrieveAny(client, { container: root, type: "VirtualMachine" }, ["summary.runtime.powerstate"], { knownPaths: known })).rejects.toThrow(
      'retrieveAny: "summary.runtime.powerstate" is not a property path of VirtualMachine; nearest valid path: "summary.runtime.powerState"',
    );
    expect(() => retrievePagesAny(client, [], ["nmae"], { knownPaths: known })).toThrow(/"nmae".*nearest valid path: "name"/);
    // Without a list: the bindings' own properties decide, for typed and untyped calls alike, before anything is sent.
    const before = proxy.counters.methods.get("RetrievePropertiesEx") ?? 0;
    await expect(retrieveAny(client, { container: root, type: "VirtualMachine" }, ["summary.runtime.powerstate"])).rejects.toThrow(
      'retrieveAny: "summary.runtime.powerstate" is not a property path of VirtualMachine; nearest valid path: "summary.runtime.powerState"',
    );
    await expect(retrieve(client, { container: root, type: "VirtualMachine" }, ["config.hardware.device.key" as "name"])).rejects.toThrow(/nearest valid path: "config.hardware.device"/);
    expect(proxy.counters.methods.get("RetrievePropertiesEx") ?? 0).toBe(before);
  });

});

describe("retrieve: NotAuthenticated in a missingSet", () => {
  it("logs in again through the session layer and reads the affected objects once more", async () => {
    const session = client.userSession!.key;
    const loginsBefore = proxy.counters.methods.get("Login") ?? 0;
    proxy.injectNotAuthenticated({
      type: "HostSystem",
      // The session really dies while the collector "works": the check that follows must log in again.
      before: () => direct.call(SessionManager.TerminateSession, direct.serviceContent.sessionManager!, { sessionId: [session] }),
    });
    const hosts = await retrieve(client, { type: "HostSystem", objectSet: [everythingUnder(root)] }, ["name"]);
    expect(hosts).toHaveLength(DC * (CLUSTERS + STANDALONE));
    for (const h of hosts) {
      expect(typeof h.name).toBe("string");
      expect(h.$missing).toBeUndefined();
    }
    expect((proxy.counters.methods.get("Login") ?? 0) - loginsBefore).toBe(1);
    expect(client.userSession!.key).not.toBe(session);
  });

  it("recovers when vcsim itself answers a dead session's retrieve with NotAuthenticated per property", async () => {
    await using own = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    const session = own.userSession!.key;
    await direct.call(SessionManager.TerminateSession, direct.serviceContent.sessionManager!, { sessionId: [session] });
    const hosts = await retrieve(own, { type: "HostSystem", objectSet: [everythingUnder(root)] }, ["name"]);
    expect(hosts).toHaveLength(DC * (CLUSTERS + STANDALONE));
    for (const h of hosts) expect(typeof h.name).toBe("string");
    expect(own.userSession!.key).not.toBe(session);
  });

  it("gives up with a SessionError when the server keeps saying NotAuthenticated", async () => {
    proxy.injectNotAuthenticated({ type: "HostSystem", times: 2 });
    const err = await retrieve(client, { type: "HostSystem", objectSet: [everythingUnder(root)] }, ["name"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as Error).message).toMatch(/NotAuthenticated for HostSystem:/);
  });
});
