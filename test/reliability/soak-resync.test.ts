// The soak's failure paths, one at a time and on purpose: a watch whose
// session is terminated goes on through a re-login that fails transiently,
// through a rebuild whose CreatePropertyCollector outcome is unknown, and
// through a wait whose retries all failed. Each time it resyncs and its
// cache equals a fresh retrieve.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, moRefKey, type Client, type MoRef } from "../../runtime/index.js";
import { watch, type ChangeSet, type Watch } from "../../runtime/property/watch.js";
import { ManagedEntity, schemas, SessionManager } from "../support/bindings.js";
import { waitForTask } from "../../runtime/task/index.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startFaultProxy, type FaultProxy } from "../faults/fault-proxy.js";
import { hasOpenssl, makeCerts } from "../fixtures/transport/server.js";
import { diff, freshRead, type Values } from "./soak/compare.js";
import { describeIf } from "../support/skip.js";

type Bindings = typeof schemas;
const SELECT = ["name", "runtime.powerState"] as const;
const ATTEMPTS = 3;

let sim: Vcsim;
let proxy: FaultProxy;
let writer: Client<Bindings>;
let watcher: Client<Bindings>;

const cacheValues = (w: Watch<string, object>) => new Map([...w.cache].map(([k, o]) => [k, { ...(o.values as Values) }]));

async function until(it: AsyncIterator<ChangeSet<string, object>>, done: (s: ChangeSet<string, object>) => boolean): Promise<ChangeSet<string, object>> {
  for (;;) {
    const r = await it.next();
    if (r.done) throw new Error("watch ended early");
    if (done(r.value)) return r.value;
  }
}

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")("watch resync under failures during recovery", () => {
  beforeAll(async () => {
    const certs = makeCerts();
    sim = await startVcsim();
    proxy = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem } });
    writer = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, keepAlive: false });
    watcher = await connect({
      url: proxy.url,
      bindings: schemas,
      thumbprint: certs.thumbprint,
      username: sim.username,
      password: sim.password,
      keepAlive: false,
      retry: { attempts: ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20 },
      logger: { warn: () => undefined },
    });
  });
  afterAll(async () => {
    await watcher?.close();
    await writer?.close();
    await proxy?.close();
    await sim?.stop();
  });

  const terminateWatcher = () => writer.call(SessionManager.TerminateSession, writer.serviceContent.sessionManager!, { sessionId: [watcher.userSession!.key] });

  async function renameSome(tag: string): Promise<{ vm: MoRef<"VirtualMachine">; name: string }> {
    const [key] = (await freshRead(writer, "VirtualMachine", SELECT)).keys();
    const vm = { type: "VirtualMachine", value: key!.split(":")[1]! } as MoRef<"VirtualMachine">;
    const name = `resync-${tag}`;
    await waitForTask(writer, await writer.call(ManagedEntity.Rename_Task, vm, { newName: name }));
    return { vm, name };
  }

  const cases: Array<[string, () => void]> = [
    // Login is not safe to replay, so a 504 after forwarding makes the re-login's outcome unknown.
    ["the re-login after the session loss fails with an unknown outcome", () => proxy.inject({ kind: "http-status", status: 504, forward: true, method: "Login" })],
    ["the new collector's CreatePropertyCollector is cut off (outcome unknown)", () => proxy.inject({ kind: "reset", method: "CreatePropertyCollector" })],
    ["CreateFilter on the new collector gets a 503", () => proxy.inject({ kind: "http-status", status: 503, method: "CreateFilter" })],
  ];

  for (const [label, arm] of cases) {
    it(`${label}: the watch resyncs and equals a fresh retrieve`, async () => {
      proxy.clear();
      await using w = await watch(watcher, { from: { container: watcher.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT }, { maxWaitSeconds: 1 });
      const it = w[Symbol.asyncIterator]() as AsyncIterator<ChangeSet<string, object>>;
      await it.next();
      const before = proxy.stats().injectedTotal;
      arm();
      await terminateWatcher();
      const { vm, name } = await renameSome(label.length.toString(36));
      await until(it, (s) => s.kind === "resync");
      expect(proxy.stats().injectedTotal - before).toBe(1);
      // The rename happened before the resync's full read, so the resync set itself may already hold it.
      if (w.cache.get(moRefKey(vm))?.values.name !== name) await until(it, () => w.cache.get(moRefKey(vm))?.values.name === name);
      expect(diff(cacheValues(w), await freshRead(writer, "VirtualMachine", SELECT), SELECT)).toEqual([]);
    });
  }

  it("a wait whose every retry fails is absorbed by a resync", async () => {
    proxy.clear();
    await using w = await watch(watcher, { from: { container: watcher.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT }, { maxWaitSeconds: 1 });
    const it = w[Symbol.asyncIterator]() as AsyncIterator<ChangeSet<string, object>>;
    await it.next();
    proxy.inject({ kind: "http-status", status: 502, method: "WaitForUpdatesEx", count: ATTEMPTS });
    const { vm, name } = await renameSome("exhausted");
    const set = await until(it, (s) => s.kind === "resync");
    expect(proxy.stats().armed).toBe(0);
    expect((set.cache.get(moRefKey(vm))?.values as Values | undefined)?.name).toBe(name);
    expect(diff(cacheValues(w), await freshRead(writer, "VirtualMachine", SELECT), SELECT)).toEqual([]);
  });
});
