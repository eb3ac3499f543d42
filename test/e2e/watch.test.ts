// watch() against govmomi's simulator: the cache follows power state, renames,
// VMs entering and leaving, devices added and removed; after every step it
// equals a fresh RetrievePropertiesEx. Also: truncated updates through the
// vCenter-like proxy, cleanup on the server, and resync after the session
// is terminated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startVcenterProxy, type VcenterProxy } from "../proxy/vcenter-proxy.js";
import { connect, isFault, moRefKey, type Client, type MoRef } from "../../runtime/index.js";
import { watch, type ChangeSet, type Watch } from "../../runtime/property/watch.js";
import { CreateContainerView, DestroyView, RetrievePropertiesEx, WaitForUpdatesEx } from "../../runtime/property/methods.js";
import { waitForTask } from "../../runtime/task/index.js";
import { schemas, faults, Folder, ManagedEntity, SessionManager, VirtualMachine } from "../support/bindings.js";

type Bindings = typeof schemas;
const SELECT = ["name", "summary.runtime.powerState", "config.hardware.device"] as const;

let sim: Vcsim;
let client: Client<Bindings>;

const open = (url = sim.url) =>
  connect({ url, bindings: schemas, ...(url === sim.url ? { thumbprint: sim.thumbprint } : {}), username: sim.username, password: sim.password, keepAlive: false });

/** Every VM's selected properties, read independently of watch() through a fresh view and RetrievePropertiesEx. */
async function freshRead(c: Client<Bindings>, select: readonly string[] = SELECT): Promise<Map<string, Record<string, unknown>>> {
  const sc = c.serviceContent;
  const view = await c.call(CreateContainerView, sc.viewManager!, { container: sc.rootFolder, type: ["VirtualMachine"], recursive: true });
  try {
    const res = await c.call(RetrievePropertiesEx, sc.propertyCollector, {
      specSet: [{
        propSet: [{ type: "VirtualMachine", pathSet: select }],
        objectSet: [{ obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", name: "v", type: "ContainerView", path: "view", skip: false }] }],
      }],
      options: {},
    });
    expect(res?.token).toBeUndefined(); // vcsim answers in one page; a token here would mean this helper reads too little
    return new Map((res?.objects ?? []).map((o) => [moRefKey(o.obj), Object.fromEntries((o.propSet ?? []).map((p) => [p.name, p.val]))]));
  } finally {
    await c.call(DestroyView, view, {});
  }
}

function cacheValues(w: Watch<string, object>): Map<string, Record<string, unknown>> {
  return new Map([...w.cache].map(([k, o]) => [k, { ...(o.values as Record<string, unknown>) }]));
}

/** Pulls change sets until `done` holds for one; the test's own timeout bounds the wait. */
async function until<S extends ChangeSet<string, object>>(it: AsyncIterator<S>, done: (s: S) => boolean): Promise<S> {
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error("watch ended early");
    if (done(r.value)) return r.value;
  }
}

const vmWatch = (c: Client<Bindings>, extra: { maxObjectUpdates?: number } = {}) =>
  watch(c, { from: { container: c.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT }, { maxWaitSeconds: 1, ...extra });

async function someVm(c: Client<Bindings>, state: "poweredOn" | "poweredOff"): Promise<MoRef<"VirtualMachine">> {
  for (const [key, v] of await freshRead(c)) if (v["summary.runtime.powerState"] === state) return { type: "VirtualMachine", value: key.split(":")[1]! };
  throw new Error(`no ${state} VM in vcsim`);
}

beforeAll(async () => {
  sim = await startVcsim();
  client = await open();
});
afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("watch against vcsim", () => {
  it("the initial change set holds every VM, equal to a fresh retrieve, and the values are typed", async () => {
    await using w = await vmWatch(client);
    const it = w[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new Error("watch ended before its first change set");
    expect(first.value.kind).toBe("initial");
    expect(first.value.objects.every((o) => o.kind === "enter")).toBe(true);
    const fresh = await freshRead(client);
    expect(fresh.size).toBeGreaterThan(0);
    expect(cacheValues(w)).toEqual(fresh);
    const one = [...w.cache.values()][0]!;
    // The cached values are typed per path: a power state is one of the enum's strings.
    const state: "poweredOn" | "poweredOff" | "suspended" | undefined = one.values["summary.runtime.powerState"];
    expect(["poweredOn", "poweredOff", "suspended"]).toContain(state);
    // @ts-expect-error not a selected path
    void one.values["summary.runtime.connectionState"];
  });

  it("follows power off and on, and a rename", async () => {
    const vm = await someVm(client, "poweredOn");
    const key = moRefKey(vm);
    await using w = await vmWatch(client);
    const it = w[Symbol.asyncIterator]();
    await it.next();

    await waitForTask(client, await client.call(VirtualMachine.PowerOffVM_Task, vm, {}));
    const off = await until(it, () => w.cache.get(key)?.values["summary.runtime.powerState"] === "poweredOff");
    expect(off.kind).toBe("update");
    expect(off.objects.find((o) => moRefKey(o.ref) === key)?.kind).toBe("modify");
    expect(cacheValues(w)).toEqual(await freshRead(client));

    await waitForTask(client, await client.call(VirtualMachine.PowerOnVM_Task, vm, {}));
    await until(it, () => w.cache.get(key)?.values["summary.runtime.powerState"] === "poweredOn");
    expect(cacheValues(w)).toEqual(await freshRead(client));

    const newName = `renamed-${vm.value}`;
    await waitForTask(client, await client.call(ManagedEntity.Rename_Task, vm, { newName }));
    await until(it, () => w.cache.get(key)?.values.name === newName);
    expect(cacheValues(w)).toEqual(await freshRead(client));
  });

  it("a created VM enters and a destroyed one leaves", async () => {
    const sc = client.serviceContent;
    // Any existing VM tells us a folder and pool to create the new one in.
    const vm = await someVm(client, "poweredOn");
    const [props] = (await client.call(RetrievePropertiesEx, sc.propertyCollector, {
      specSet: [{ propSet: [{ type: "VirtualMachine", pathSet: ["parent", "resourcePool", "config.files.vmPathName"] }], objectSet: [{ obj: vm }] }],
      options: {},
    }))!.objects;
    const get = (n: string) => props!.propSet!.find((p) => p.name === n)?.val;
    const datastore = String(get("config.files.vmPathName")).replace(/\].*$/, "]");

    await using w = await vmWatch(client);
    const it = w[Symbol.asyncIterator]();
    await it.next();
    const before = new Set(w.cache.keys());

    const name = "watch-created-vm";
    const created = await waitForTask<MoRef<"VirtualMachine">>(
      client,
      await client.call(Folder.CreateVM_Task, get("parent") as MoRef<"Folder">, {
        config: { _typeName: "VirtualMachineConfigSpec", name, guestId: "otherGuest", numCPUs: 1, memoryMB: 32, files: { _typeName: "VirtualMachineFileInfo", vmPathName: datastore } },
        pool: get("resourcePool") as MoRef<"ResourcePool">,
      }),
    );
    expect(created.type).toBe("VirtualMachine");
    expect(before.has(moRefKey(created))).toBe(false);
    const entered = await until(it, (s) => s.objects.some((o) => o.kind === "enter" && moRefKey(o.ref) === moRefKey(created)));
    expect(entered.cache.get(moRefKey(created))?.values.name).toBe(name);
    expect(cacheValues(w)).toEqual(await freshRead(client));

    await waitForTask(client, await client.call(ManagedEntity.Destroy_Task, created, {}));
    const left = await until(it, (s) => s.objects.some((o) => o.kind === "leave" && moRefKey(o.ref) === moRefKey(created)));
    expect(left.cache.has(moRefKey(created))).toBe(false);
    expect(new Set(w.cache.keys())).toEqual(before);
    expect(cacheValues(w)).toEqual(await freshRead(client));
  });

  it("a device added and removed through ReconfigVM_Task shows in config.hardware.device", async () => {
    const vm = await someVm(client, "poweredOff").catch(() => someVm(client, "poweredOn"));
    const key = moRefKey(vm);
    await using w = await vmWatch(client);
    const it = w[Symbol.asyncIterator]();
    await it.next();
    const keysOf = () => (w.cache.get(key)?.values["config.hardware.device"] ?? []).map((d) => d.key);
    const original = keysOf();

    const nic = {
      _typeName: "VirtualE1000" as const,
      key: -1,
      backing: { _typeName: "VirtualEthernetCardNetworkBackingInfo" as const, deviceName: "VM Network" },
    };
    await waitForTask(client, await client.call(VirtualMachine.ReconfigVM_Task, vm, {
      spec: { _typeName: "VirtualMachineConfigSpec", deviceChange: [{ _typeName: "VirtualDeviceConfigSpec", operation: "add", device: nic }] },
    }));
    await until(it, () => keysOf().length === original.length + 1);
    const added = (w.cache.get(key)!.values["config.hardware.device"] ?? []).find((d) => !original.includes(d.key))!;
    expect(added._typeName).toBe("VirtualE1000");
    expect(cacheValues(w)).toEqual(await freshRead(client));

    await waitForTask(client, await client.call(VirtualMachine.ReconfigVM_Task, vm, {
      spec: { _typeName: "VirtualMachineConfigSpec", deviceChange: [{ _typeName: "VirtualDeviceConfigSpec", operation: "remove", device: added }] },
    }));
    await until(it, () => !keysOf().includes(added.key));
    expect(keysOf()).toEqual(original);
    expect(cacheValues(w)).toEqual(await freshRead(client));
  });

  it("stopping early destroys the collector: the server no longer knows it", async () => {
    const w = await vmWatch(client);
    const collector = w.collector!;
    expect(collector.type).toBe("PropertyCollector");
    for await (const set of w) {
      expect(set.kind).toBe("initial");
      break;
    }
    expect(w.collector).toBeUndefined();
    const err = await client.call(WaitForUpdatesEx, collector, { version: "", options: { maxWaitSeconds: 0 } }).catch((e: unknown) => e);
    expect(isFault(err, "ManagedObjectNotFound")).toBe(true);
  });

  it("an abort signal ends the iteration with its reason and cleans up", async () => {
    const ac = new AbortController();
    const w = await watch(client, { from: { container: client.serviceContent.rootFolder }, type: "VirtualMachine", select: ["name"] }, { signal: ac.signal, maxWaitSeconds: 30 });
    const seen: string[] = [];
    const run = (async () => {
      for await (const set of w) {
        seen.push(set.kind);
        ac.abort(new Error("stop now"));
      }
    })();
    await expect(run).rejects.toThrow("stop now");
    expect(seen).toEqual(["initial"]);
  });

  it("a failed task throws its fault as the typed fault class", async () => {
    const vm = await someVm(client, "poweredOn");
    const task = await client.call(VirtualMachine.PowerOnVM_Task, vm, {});
    const err = await waitForTask(client, task, { bindings: schemas }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(faults.InvalidPowerState);
    expect(err).toBeInstanceOf(faults.InvalidState); // a base class matches too, through the bindings
    expect((err as faults.InvalidPowerState).fault.existingState).toBe("poweredOn");
  });

  it("after the session is terminated the watch resyncs and its cache equals a fresh retrieve", async () => {
    const watcher = await open();
    try {
      await using w = await vmWatch(watcher);
      const it = w[Symbol.asyncIterator]();
      await it.next();
      const key = watcher.userSession!.key;
      await client.call(SessionManager.TerminateSession, client.serviceContent.sessionManager!, { sessionId: [key] });
      // A change made while the watcher's session is gone must not be lost.
      const vm = await someVm(client, "poweredOn");
      await waitForTask(client, await client.call(VirtualMachine.PowerOffVM_Task, vm, {}));
      const set = await until(it, (s) => s.kind === "resync");
      expect(watcher.userSession!.key).not.toBe(key);
      expect(set.cache.get(moRefKey(vm))?.values["summary.runtime.powerState"]).toBe("poweredOff");
      expect(cacheValues(w)).toEqual(await freshRead(client));
      // And it goes on watching on the new collector.
      await waitForTask(client, await client.call(VirtualMachine.PowerOnVM_Task, vm, {}));
      await until(it, () => w.cache.get(moRefKey(vm))?.values["summary.runtime.powerState"] === "poweredOn");
      expect(cacheValues(w)).toEqual(await freshRead(client));
    } finally {
      await watcher[Symbol.asyncDispose]();
    }
  });
});

describe("watch through a truncating vCenter-like proxy", () => {
  let proxy: VcenterProxy;
  let viaProxy: Client<Bindings>;
  beforeAll(async () => {
    proxy = await startVcenterProxy({ upstream: sim.url, upstreamCa: sim.certificatePem });
    viaProxy = await open(proxy.url);
  });
  afterAll(async () => {
    await viaProxy?.[Symbol.asyncDispose]();
    await proxy?.close();
  });

  it("truncated answers fold into one change set equal to a fresh retrieve", async () => {
    const fresh = await freshRead(client);
    const before = proxy.counters.truncations;
    await using w = await vmWatch(viaProxy, { maxObjectUpdates: 1 });
    const it = w[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new Error("watch ended before its first change set");
    expect(first.value.kind).toBe("initial");
    // One object per answer: every answer but the last was marked truncated, and still one change set came out.
    expect(proxy.counters.truncations - before).toBe(fresh.size - 1);
    expect(first.value.objects).toHaveLength(fresh.size);
    expect(cacheValues(w)).toEqual(fresh);
  });
});
