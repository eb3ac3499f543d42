// A watch outlives a server outage (a vCenter restart takes minutes): the
// fault proxy in front of vcsim stops listening and drops every connection,
// vcsim meanwhile gets changes from another client and forgets the
// watcher's session, and when the proxy listens again the watch resyncs and
// its cache equals a fresh read: 0 mismatches, nothing lost. Past its
// outage budget, a watch ends with a WatchOutageError that says so.
//
// CI runs a 60 s outage (longer than the ~44 s the watch used to survive).
// `TSVMOMI_SOAK_LONG=1` runs a 180 s one (`TSVMOMI_OUTAGE_S` overrides it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, DEFAULT_OUTAGE_BUDGET_MS, WatchOutageError, type Client, type MoRef } from "../../runtime/index.js";
import { watch, type ChangeSet } from "../../runtime/property/watch.js";
import { ManagedEntity, schemas, SessionManager } from "../support/bindings.js";
import { waitForTask } from "../../runtime/task/index.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startFaultProxy, type FaultProxy } from "../faults/fault-proxy.js";
import { hasOpenssl, makeCerts } from "../fixtures/transport/server.js";
import { diff, freshRead, type Values } from "./soak/compare.js";

type Bindings = typeof schemas;
const SELECT = ["name", "runtime.powerState"] as const;
const OUTAGE_S = Number(process.env.TSVMOMI_OUTAGE_S ?? (process.env.TSVMOMI_SOAK_LONG === "1" ? 180 : 60));

let sim: Vcsim;
let proxy: FaultProxy;
let writer: Client<Bindings>;
let certs: ReturnType<typeof makeCerts>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function watcherClient(): Promise<Client<Bindings>> {
  return connect({
    url: proxy.url,
    bindings: schemas,
    thumbprint: certs.thumbprint,
    username: sim.username,
    password: sim.password,
    keepAlive: false,
    connectTimeout: 2_000,
    logger: { warn: () => undefined },
  });
}

async function rename(vm: MoRef<"VirtualMachine">, name: string): Promise<void> {
  await waitForTask(writer, await writer.call(ManagedEntity.Rename_Task, vm, { newName: name }));
}

describe.skipIf(!hasOpenssl)("watch through a server outage", () => {
  beforeAll(async () => {
    certs = makeCerts();
    sim = await startVcsim();
    proxy = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem } });
    writer = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, keepAlive: false });
  });
  afterAll(async () => {
    await writer?.close();
    await proxy?.close();
    await sim?.stop();
  });

  it("the default outage budget is at least 10 minutes", () => {
    expect(DEFAULT_OUTAGE_BUDGET_MS).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it(`survives a ${OUTAGE_S} s outage (session lost meanwhile) and ends with 0 mismatches`, async () => {
    const watcher = await watcherClient();
    const w = await watch(watcher, { from: { container: watcher.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT }, { maxWaitSeconds: 5 });
    const sets: ChangeSet<string, object>[] = [];
    let ended: unknown = "running";
    const run = (async () => {
      try {
        for await (const set of w) sets.push(set);
        ended = "ended";
      } catch (err) {
        ended = err;
      }
    })();
    try {
      while (sets.length === 0) await sleep(50);
      const vms = [...(await freshRead(writer, "VirtualMachine", SELECT)).keys()].map((k) => ({ type: "VirtualMachine", value: k.split(":")[1]! }) as MoRef<"VirtualMachine">);
      const sessionKey = watcher.userSession!.key;

      const downAt = Date.now();
      await proxy.down();
      // While the server is "restarting": changes the watch cannot see yet, and its session is gone.
      await rename(vms[0]!, `outage-a-${downAt}`);
      await writer.call(SessionManager.TerminateSession, writer.serviceContent.sessionManager!, { sessionId: [sessionKey] });
      await sleep(OUTAGE_S * 1000 / 2);
      await rename(vms[1]!, `outage-b-${downAt}`);
      await sleep(OUTAGE_S * 1000 / 2);
      expect(ended).toBe("running");
      await proxy.up();
      const outageS = (Date.now() - downAt) / 1000;
      await rename(vms[2]!, `after-${downAt}`);

      // Caught up: the cache equals a fresh read of every selected path.
      let mismatches = diff(new Map(), new Map([["x", {}]]), SELECT);
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const cache = new Map([...w.cache].map(([k, o]) => [k, { ...(o.values as Values) }]));
        mismatches = diff(cache, await freshRead(writer, "VirtualMachine", SELECT), SELECT);
        if (mismatches.length === 0 && [...w.cache.values()].some((o) => (o.values as Values).name === `after-${downAt}`)) break;
        await sleep(250);
      }
      const resyncs = sets.filter((s) => s.kind === "resync").length;
      console.log(`watch outage: ${JSON.stringify({ outageS: Math.round(outageS), changeSets: sets.length, resyncs, mismatches: mismatches.length, objects: w.cache.size, relogin: watcher.userSession?.key !== sessionKey })}`);
      expect(ended).toBe("running");
      expect(mismatches).toEqual([]);
      expect(resyncs).toBeGreaterThanOrEqual(1);
      expect(watcher.userSession?.key).not.toBe(sessionKey);
    } finally {
      await w.close();
      await run;
      await watcher.close();
      if (proxy) await proxy.up().catch(() => undefined);
    }
  }, (OUTAGE_S + 200) * 1000);

  it("past its outage budget, a watch ends with WatchOutageError naming the budget", async () => {
    const watcher = await watcherClient();
    const w = await watch(watcher, { from: { container: watcher.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT }, {
      maxWaitSeconds: 2,
      outageBudgetMs: 3_000,
      maxBackoffMs: 500,
    });
    const it = w[Symbol.asyncIterator]();
    try {
      await it.next(); // initial
      await proxy.down();
      const err = await (async () => {
        for (;;) {
          const r = await it.next();
          if (r.done) return undefined;
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WatchOutageError);
      expect((err as Error).message).toContain("outageBudgetMs 3000");
      expect((err as WatchOutageError).outageMs).toBeGreaterThan(3_000);
    } finally {
      await proxy.up();
      await w.close();
      await watcher.close();
    }
  }, 60_000);
});
