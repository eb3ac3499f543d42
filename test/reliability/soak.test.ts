// Watch soak under injected faults. One client watches every VM of a vcsim
// inventory through a fault-injecting TLS proxy (seeded chaos: resets,
// truncated bodies, 502/503/504, drip-fed answers, short stalls, dropped TLS
// handshakes); a second client, straight to vcsim, makes property changes and
// terminates the watcher's session now and then. When the writer stops and
// the faults stop, the watch cache must equal a fresh retrieve, and that
// retrieve must equal what the writer says it set.
//
// The vCenter-like truncating proxy is not stacked in here: it forgets a
// truncated answer's remainder once served, so a transport retry of that
// wait (which the client rightly makes: WaitForUpdatesEx is safe) reaches
// vcsim with the proxy's synthetic version, and vcsim neither rejects it
// (vCenter: InvalidCollectorVersion) nor answers it. See docs/RELIABILITY.md.
//
// Bounds: the writer writes for a fixed window (CI, the default: 15 s;
// TSVMOMI_SOAK=long: 3 minutes) and must get at least 1,000 changes in, so a
// machine too slow for that fails instead of passing with a thin soak.
// TSVMOMI_SOAK_SEED picks the chaos.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, subscribeTrace, type Client, type MoRef } from "../../runtime/index.js";
import { watch, type ChangeSet, type Watch } from "../../runtime/property/watch.js";
import type { RetryInfo } from "../../runtime/soap/retry.js";
import { schemas, SessionManager } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startFaultProxy, type FaultProxy, type FaultSpec } from "../faults/fault-proxy.js";
import { hasOpenssl, makeCerts } from "../fixtures/transport/server.js";
import { diff, freshRead, type Values } from "./soak/compare.js";
import { runMutator, type Expected } from "./soak/mutator.js";
import { describeIf } from "../support/skip.js";

type Bindings = typeof schemas;
const LONG = process.env.TSVMOMI_SOAK === "long";
const SEED = Number(process.env.TSVMOMI_SOAK_SEED ?? 20240611);
const WINDOW_MS = LONG ? 180_000 : 15_000;
const MIN_CHANGES = 1_000;
/** The watcher's session is terminated this many times, spread over the window. */
const TERMINATIONS = Number(process.env.TSVMOMI_SOAK_TERMINATIONS ?? (LONG ? 12 : 3));
const QUIET_DEADLINE_MS = 30_000;
// Paths vcsim reports changes of (Rename_Task: name; power operations: both power states).
const SELECT = ["name", "runtime.powerState", "summary.runtime.powerState"] as const;
const FAULT_RATE = Number(process.env.TSVMOMI_SOAK_FAULT_RATE ?? 0.15);
const HANDSHAKE_EVERY_MS = Number(process.env.TSVMOMI_SOAK_HANDSHAKE_MS ?? 1_500);
const CHAOS: readonly FaultSpec[] = [
  { kind: "reset" },
  { kind: "truncate" },
  { kind: "http-status", status: 502 },
  { kind: "http-status", status: 503 },
  { kind: "http-status", status: 504, forward: true },
  { kind: "drip", dripChunks: 6, dripIntervalMs: 3 },
  // Closed after a moment: a stall held until the client's own deadline would only measure that deadline.
  { kind: "stall", stallMs: 200 },
];

let sim: Vcsim;
let proxy: FaultProxy;
let writer: Client<Bindings>;
let watcher: Client<Bindings>;
const retries: RetryInfo[] = [];
const warnings: string[] = [];

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")(`watch soak under injected faults (${LONG ? "long" : "CI"} mode)`, () => {
  beforeAll(async () => {
    const certs = makeCerts();
    // 1 cluster of 3 hosts + 1 standalone host, 12 VMs each: 24 VMs.
    sim = await startVcsim({ vm: 12 });
    // vcsim ignores WaitForUpdatesEx versions (see replayLostWaits): the proxy answers a retried wait as vCenter would.
    proxy = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem }, replayLostWaits: true });
    writer = await connect({ url: sim.url, bindings: schemas, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, keepAlive: false });
    watcher = await connect({
      url: proxy.url,
      bindings: schemas,
      thumbprint: certs.thumbprint,
      username: sim.username,
      password: sim.password,
      keepAlive: false,
      retry: { attempts: 8, baseDelayMs: 10, maxDelayMs: 250, onRetry: (i) => retries.push(i) },
      logger: { warn: (m) => warnings.push(m) },
    });
  });
  afterAll(async () => {
    await watcher?.close();
    await writer?.close();
    await proxy?.close();
    await sim?.stop();
  });

  it("the cache equals a fresh retrieve after the changes and faults: nothing lost, no phantoms, nothing stale", { timeout: WINDOW_MS + 90_000 }, async () => {
    const initial = await freshRead(writer, "VirtualMachine", SELECT);
    expect(initial.size).toBe(24);
    const vms = [...initial.keys()].map((k) => ({ type: "VirtualMachine", value: k.split(":")[1]! }) as MoRef<"VirtualMachine">);
    const start = new Map<string, Expected>(
      [...initial].map(([k, v]) => [k, { name: String(v.name), powerState: String(v["runtime.powerState"]) }]),
    );

    const w: Watch<"VirtualMachine", object> = await watch(
      watcher,
      { from: { container: watcher.serviceContent.rootFolder }, type: "VirtualMachine", select: SELECT },
      // Short waits keep requests flowing even when nothing changes, so faults land on empty waits too.
      { maxWaitSeconds: 1, logger: { warn: (m) => warnings.push(m) } },
    );
    const kinds = { initial: 0, update: 0, resync: 0 };
    let lastSetAt = performance.now();
    let watchError: unknown;
    const consumer = (async () => {
      try {
        for await (const set of w as AsyncIterable<ChangeSet>) {
          kinds[set.kind]++;
          lastSetAt = performance.now();
        }
      } catch (err) {
        watchError = err;
      }
    })();

    const waitLog: string[] = [];
    const unsubscribe = process.env.TSVMOMI_SOAK_DEBUG
      ? subscribeTrace({
          onRequest: (m) => {
            if (m.method === "WaitForUpdatesEx") waitLog.push(`#${m.id} -> ${/<version>([^<]*)</.exec(m.body)?.[1] ?? "(none)"}`);
          },
          onResponse: (m) => {
            if (m.method !== "WaitForUpdatesEx") return;
            const b = m.body ?? "";
            waitLog.push(`#${m.id} <- ${m.status ?? m.error?.name} v=${/<version>([^<]*)</.exec(b)?.[1]} trunc=${b.includes("<truncated>true")} objs=${(b.match(/<objectSet>/g) ?? []).length} ${b.length < 600 ? "EMPTY" : ""}`);
            if (waitLog.length > 400) waitLog.splice(0, waitLog.length - 400);
          },
        })
      : () => undefined;
    proxy.chaos({ seed: SEED, rate: FAULT_RATE, faults: CHAOS });
    const window = AbortSignal.timeout(WINDOW_MS);
    const writeStart = performance.now();
    let nextTermination = 1;
    let terminations = 0;
    let pendingTermination = false;
    const terminated = new Set<string>();
    // Until the watcher has logged in again, its last session is already gone: the termination waits for the new one.
    // Each termination waits until the watch has resynced from the previous one (one session loss at a time).
    const terminate = async () => {
      const key = watcher.userSession?.key;
      if (!key || terminated.has(key) || kinds.resync < terminations) return;
      terminated.add(key);
      await writer.call(SessionManager.TerminateSession, writer.serviceContent.sessionManager!, { sessionId: [key] });
      pendingTermination = false;
      terminations++;
    };
    // A dropped TLS handshake needs a new connection, so now and then the watcher's connections are dropped too,
    // one at a time (a new one is armed only when the last was used), as a flapping link or restarting balancer would.
    let handshakeFaults = 0;
    let nextDrop = writeStart + HANDSHAKE_EVERY_MS;
    const result = await runMutator(writer, {
      vms,
      initial: start,
      seed: SEED,
      workers: 4,
      maxChanges: Number.MAX_SAFE_INTEGER,
      signal: window,
      onChange: async () => {
        if (nextTermination <= TERMINATIONS && performance.now() - writeStart >= (nextTermination * WINDOW_MS) / (TERMINATIONS + 1)) {
          nextTermination++;
          pendingTermination = true;
        }
        if (pendingTermination) await terminate();
        if (performance.now() >= nextDrop && proxy.stats().armed === 0) {
          nextDrop = performance.now() + HANDSHAKE_EVERY_MS;
          proxy.inject({ kind: "tls-handshake", tls: handshakeFaults++ % 2 ? "reset" : "close" });
          await proxy.dropConnections({ betweenExchanges: true });
        }
      },
    });

    // A termination still waiting for the previous resync is made now, while the faults still run.
    const lateDeadline = performance.now() + QUIET_DEADLINE_MS;
    while (terminations < TERMINATIONS && watchError === undefined && performance.now() < lateDeadline) {
      await terminate();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Quiet: no more writes or faults; wait for the watch to catch up with the server.
    proxy.clear();
    const cacheValues = () => new Map([...w.cache].map(([k, o]) => [k, { ...(o.values as Values) }]));
    const quietStart = performance.now();
    let mismatches = diff(cacheValues(), await freshRead(writer, "VirtualMachine", SELECT), SELECT);
    while (mismatches.length > 0 && watchError === undefined && performance.now() - quietStart < QUIET_DEADLINE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      mismatches = diff(cacheValues(), await freshRead(writer, "VirtualMachine", SELECT), SELECT);
    }
    const fresh = await freshRead(writer, "VirtualMachine", SELECT);
    const alive = watchError === undefined;
    const finalMismatches = diff(cacheValues(), fresh, SELECT);
    await w.close();
    await consumer;

    const stats = proxy.stats();
    const report = {
      mode: LONG ? "long" : "ci",
      seed: SEED,
      vms: vms.length,
      changes: result.changes,
      changesByKind: result.byKind,
      writeSeconds: +(result.ms / 1000).toFixed(1),
      changesPerSecond: Math.round(result.changes / (result.ms / 1000)),
      watcherRequests: stats.requests,
      faultsInjected: stats.injectedTotal,
      faultsByKind: stats.injected,
      sessionTerminations: terminations,
      retries: retries.length,
      changeSets: kinds,
      resyncs: kinds.resync,
      quietMs: Math.round(performance.now() - quietStart),
      lastSetAgoMs: Math.round(performance.now() - lastSetAt),
      mismatches: finalMismatches.length,
      watchAlive: alive,
      warnings: warnings.length,
    };
    console.log(`SOAK ${JSON.stringify(report)}`);
    if (process.env.TSVMOMI_SOAK_DEBUG) {
      unsubscribe();
      console.log(`SOAK waits:\n${waitLog.join("\n")}`);
      console.log(`SOAK warnings:\n${warnings.join("\n")}`);
      console.log(`SOAK last exchanges: ${JSON.stringify(proxy.exchanges().slice(-20).map((e) => [e.operation, e.status, e.fault]))}`);
    }
    if (!alive) console.log(`SOAK watch ended with: ${(watchError as Error)?.stack ?? String(watchError)}`);

    expect(watchError).toBeUndefined();
    expect(finalMismatches.slice(0, 10)).toEqual([]);
    // The server holds what the writer set: the changes really happened, so an equal cache means the watch saw them.
    const expected = new Map([...result.expected].map(([k, e]) => [k, { name: e.name, "runtime.powerState": e.powerState, "summary.runtime.powerState": e.powerState }]));
    const server = new Map([...fresh].map(([k, v]) => [k, { name: v.name, "runtime.powerState": v["runtime.powerState"], "summary.runtime.powerState": v["summary.runtime.powerState"] }]));
    expect(server).toEqual(expected);
    expect(result.changes).toBeGreaterThanOrEqual(MIN_CHANGES);
    expect(stats.injectedTotal).toBeGreaterThan(0);
    // Scheduled terminations wait for the watcher's previous resync and a new session; the report shows how many were made.
    expect(terminations).toBeGreaterThanOrEqual(Math.min(1, TERMINATIONS));
    expect(kinds.resync).toBeGreaterThanOrEqual(terminations);
  });
});
