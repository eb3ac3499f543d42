// 1,000 cycles of retrieve (through a ContainerView it makes and destroys),
// watch (start, initial change set, stop), view create/destroy with
// `await using`, and aborts mid-way (a retrieve aborted once its view exists
// and its RetrievePropertiesEx is on the wire; a watch aborted while its
// second WaitForUpdatesEx is pending). Then:
//
// Server side: every PropertyCollector, PropertyFilter, ContainerView and
// ListView the server created is gone. "Created" is the server's own
// account: a recording proxy reads each Create* answer off the wire, even
// when the client aborted and never read it. "Gone" is the server's answer
// when asked about it in the same session: ManagedObjectNotFound. Also the
// session's own PropertyCollector has no filter left.
//
// Client side: after a forced GC, heap growth from warm-up to the end stays
// under HEAP_BOUND, and the active handles (sockets, timers) are back to
// what they were after warm-up.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, createContainerView, isFault, retrieve, subscribeTrace, type Client, type MoRef } from "../../runtime/index.js";
import { watch } from "../../runtime/property/watch.js";
import { RetrievePropertiesEx } from "../../runtime/property/methods.js";
import { schemas } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startRecordingProxy, type CreatedObject, type RecordingProxy } from "./soak/recording-proxy.js";

type Bindings = typeof schemas;
const CYCLES = Number(process.env.TSVMOMI_LEAK_CYCLES ?? 1_000);
const WARMUP = 100;
const HEAP_BOUND = 10 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let sim: Vcsim;
let rec: RecordingProxy;
let client: Client<Bindings>;

/** The method whose request, once published, aborts `controller` (null: none armed). */
let abortOn: { method: string; nth: number; controller: AbortController } | undefined;
let unsubscribe: () => void = () => undefined;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
}

function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

async function rejects(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected an abort");
    },
    (e: unknown) => e,
  );
}

async function cycle(i: number): Promise<void> {
  const root = client.serviceContent.rootFolder;
  switch (i % 5) {
    case 0: {
      const vms = await retrieve(client, { container: root, type: "VirtualMachine" }, ["name"]);
      if (vms.length === 0) throw new Error("retrieve found no VMs");
      return;
    }
    case 1: {
      const w = await watch(client, { from: { container: root }, type: "VirtualMachine", select: ["name"] }, { maxWaitSeconds: 1 });
      for await (const set of w) {
        if (set.kind !== "initial") throw new Error(`expected the initial change set, got ${set.kind}`);
        break;
      }
      return;
    }
    case 2: {
      await using view = await createContainerView(client, root, ["VirtualMachine"], true);
      await retrieve(client, { view, type: "VirtualMachine" }, ["name"]);
      return;
    }
    case 3: {
      const controller = new AbortController();
      abortOn = { method: "RetrievePropertiesEx", nth: 1, controller };
      const err = await rejects(retrieve(client, { container: root, type: "VirtualMachine" }, ["name"], { signal: controller.signal }));
      if (!controller.signal.aborted || err !== controller.signal.reason) throw new Error(`retrieve: expected the abort reason, got ${String(err)}`);
      return;
    }
    case 4: {
      const controller = new AbortController();
      // The first wait answers the initial set; the second is pending on the server when the signal fires.
      abortOn = { method: "WaitForUpdatesEx", nth: 2, controller };
      const w = await watch(client, { from: { container: root }, type: "VirtualMachine", select: ["name"] }, { signal: controller.signal, maxWaitSeconds: 30 });
      const err = await rejects(
        (async () => {
          for await (const _ of w) void _;
        })(),
      );
      if (err !== controller.signal.reason) throw new Error(`watch: expected the abort reason, got ${String(err)}`);
      return;
    }
  }
}

/** Asks the server, in the client's session, whether `obj` still exists. */
async function stillThere(obj: CreatedObject): Promise<boolean> {
  const path = obj.type === "PropertyCollector" ? "filter" : obj.type === "PropertyFilter" ? "partialUpdates" : "view";
  try {
    const r = await client.call(RetrievePropertiesEx, client.serviceContent.propertyCollector, {
      specSet: [{ propSet: [{ type: obj.type, pathSet: [path] }], objectSet: [{ obj: { type: obj.type, value: obj.value } as MoRef }] }],
      options: {},
    });
    return (r?.objects.length ?? 0) > 0;
  } catch (err) {
    if (isFault(err, "ManagedObjectNotFound")) return false;
    throw err;
  }
}

describe("1,000 cycles leave nothing behind", () => {
  beforeAll(async () => {
    sim = await startVcsim();
    rec = await startRecordingProxy(sim.url, sim.certificatePem);
    client = await connect({ url: rec.url, bindings: schemas, username: sim.username, password: sim.password, keepAlive: false });
    const seen = new Map<string, number>();
    unsubscribe = subscribeTrace({
      onRequest: (m) => {
        const a = abortOn;
        if (!a) return;
        const n = (seen.get(m.method) ?? 0) + 1;
        seen.set(m.method, n);
        if (m.method === a.method && n >= a.nth) {
          abortOn = undefined;
          seen.clear();
          // After this request has gone out: the server is working on it when the signal fires.
          setImmediate(() => a.controller.abort(new Error(`leak test: abort during ${m.method}`)));
        }
      },
    });
  });
  afterAll(async () => {
    unsubscribe();
    await client?.close();
    await rec?.close();
    await sim?.stop();
  });

  it("the server-side probe sees live objects and misses destroyed ones (so 'nothing left' means something)", async () => {
    rec.clear();
    const view = await createContainerView(client, client.serviceContent.rootFolder, ["VirtualMachine"], true);
    const w = await watch(client, { from: [view.ref], type: "ContainerView", select: ["view"] }, { maxWaitSeconds: 1 });
    const live = rec.created();
    expect(live.map((o) => o.type).sort()).toEqual(["ContainerView", "PropertyCollector", "PropertyFilter"]);
    for (const o of live) expect(await stillThere(o)).toBe(true);
    await w.close();
    await view.destroy();
    for (const o of live) expect(await stillThere(o)).toBe(false);
  });

  it(`${CYCLES} cycles: no server object left, heap and handles bounded`, { timeout: 180_000 }, async () => {
    for (let i = 0; i < WARMUP; i++) await cycle(i);
    await settle();
    const heapBefore = process.memoryUsage().heapUsed;
    const handlesBefore = handles();
    rec.clear();

    const started = performance.now();
    for (let i = 0; i < CYCLES; i++) await cycle(i);
    const ms = performance.now() - started;
    await settle();
    const heapAfter = process.memoryUsage().heapUsed;
    const handlesAfter = handles();

    const created = rec.created();
    const left: CreatedObject[] = [];
    for (const obj of created) if (await stillThere(obj)) left.push(obj);
    const defaultFilters = await client.call(RetrievePropertiesEx, client.serviceContent.propertyCollector, {
      specSet: [{ propSet: [{ type: "PropertyCollector", pathSet: ["filter"] }], objectSet: [{ obj: client.serviceContent.propertyCollector }] }],
      options: {},
    });
    const sessionFilters = (defaultFilters?.objects[0]?.propSet?.find((p) => p.name === "filter")?.val as unknown[] | undefined) ?? [];

    const byType: Record<string, number> = {};
    for (const o of created) byType[o.type] = (byType[o.type] ?? 0) + 1;
    const report = {
      cycles: CYCLES,
      seconds: +(ms / 1000).toFixed(1),
      serverObjectsCreated: created.length,
      createdByType: byType,
      serverObjectsLeft: left.length,
      sessionCollectorFilters: sessionFilters.length,
      heapBeforeMB: +(heapBefore / 2 ** 20).toFixed(2),
      heapAfterMB: +(heapAfter / 2 ** 20).toFixed(2),
      heapDeltaMB: +((heapAfter - heapBefore) / 2 ** 20).toFixed(2),
      handlesBefore,
      handlesAfter,
    };
    console.log(`LEAKS ${JSON.stringify(report)}`);

    // Every cycle kind makes at least one server object, so a broken recorder cannot pass as "nothing left".
    expect(created.length).toBeGreaterThanOrEqual(CYCLES);
    expect(left).toEqual([]);
    expect(sessionFilters).toEqual([]);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_BOUND);
    expect(handlesAfter).toEqual(handlesBefore);
  });
});
