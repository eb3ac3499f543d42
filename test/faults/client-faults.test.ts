// The runtime client against vcsim through the fault proxy: reads survive
// transient faults by retrying with backoff within the bounded attempts;
// writes are never replayed blindly (outcome unknown, the method named, and
// vcsim's state shows the call ran at most once); deadlines, slow bodies and
// TLS failures surface as typed errors that name the method.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  connect,
  ConnectError,
  HttpStatusError,
  OutcomeUnknownError,
  ResetError,
  TimeoutError,
  TlsError,
  TransportError,
  type Client,
  type MoRef,
} from "../../runtime/index.js";
import type { RetryInfo } from "../../runtime/soap/retry.js";
import { Folder, PropertyCollector, SearchIndex, ServiceInstance, VirtualMachine, schemas } from "../support/bindings.js";
import { hasOpenssl, makeCerts, type TestCerts } from "../fixtures/transport/server.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { startFaultProxy, type FaultProxy, type FaultSpec } from "./fault-proxy.js";
import { describeIf } from "../support/skip.js";

type Bindings = typeof schemas;
const USER = "faults-user";
const PASS = "pw-Faults-90210";
const ATTEMPTS = 4;
const BASE_DELAY = 8;

let sim: Vcsim;
let certs: TestCerts;
let proxy: FaultProxy;
let client: Client<Bindings>;
const retries: RetryInfo[] = [];

function connectThroughProxy(extra: Partial<Parameters<typeof connect<Bindings>>[0]> = {}): Promise<Client<Bindings>> {
  return connect({
    url: proxy.url,
    bindings: schemas,
    thumbprint: certs.thumbprint,
    username: USER,
    password: PASS,
    keepAlive: false,
    retry: { attempts: ATTEMPTS, baseDelayMs: BASE_DELAY, maxDelayMs: 200, random: () => 0.5, onRetry: (i) => retries.push(i) },
    ...extra,
  });
}

async function props(obj: MoRef, path: string, timeout?: number): Promise<unknown> {
  const r = await client.call(
    PropertyCollector.RetrievePropertiesEx,
    client.serviceContent.propertyCollector,
    {
      specSet: [{ _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: obj.type, pathSet: [path] }], objectSet: [{ _typeName: "ObjectSpec", obj }] }],
      options: { _typeName: "RetrieveOptions" },
    },
    timeout === undefined ? {} : { timeout },
  );
  return r?.objects[0]?.propSet?.find((p) => p.name === path)?.val;
}

async function find(path: string): Promise<MoRef | undefined> {
  return client.call(SearchIndex.FindByInventoryPath, client.serviceContent.searchIndex!, { inventoryPath: path });
}

function forwarded(op: string): number {
  return proxy.stats().forwardedByOperation[op] ?? 0;
}
function seen(op: string): number {
  return proxy.stats().requestsByOperation[op] ?? 0;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(r instanceof Error)) throw new Error("expected the call to fail");
  return r;
}

describeIf(hasOpenssl, "openssl is not on PATH (it makes the test certificates)")("client through the fault proxy", () => {
  beforeAll(async () => {
    certs = makeCerts();
    sim = await startVcsim({ username: USER, password: PASS });
    proxy = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem } });
    client = await connectThroughProxy();
  });
  afterAll(async () => {
    // Figures for docs/RELIABILITY.md.
    if (proxy) {
      const st = proxy.stats();
      console.log(`fault proxy: ${JSON.stringify({ requests: st.requests, connections: st.connections, injectedTotal: st.injectedTotal, injected: st.injected })}`);
    }
    await client?.close();
    await proxy?.close();
    await sim?.stop();
  });
  beforeEach(() => {
    proxy.clear();
    retries.length = 0;
  });

  describe("idempotent calls retry with backoff and succeed", () => {
    const transient: FaultSpec[] = [
      { kind: "reset" },
      { kind: "truncate" },
      { kind: "http-status", status: 502 },
      { kind: "http-status", status: 503 },
      { kind: "http-status", status: 503, forward: true },
    ];
    const reads: Array<[string, () => Promise<unknown>]> = [
      ["RetrievePropertiesEx", () => props(client.serviceContent.rootFolder, "name")],
      ["CurrentTime", () => client.call(ServiceInstance.CurrentTime, client.serviceInstance)],
      ["FindByInventoryPath", () => find("DC0/vm")],
    ];

    for (const [op, read] of reads) {
      for (const spec of transient) {
        const label = spec.kind === "http-status" ? `HTTP ${spec.status}${spec.forward ? " after forwarding" : ""}` : spec.kind;
        it(`${op} survives two ${label} faults`, async () => {
          proxy.clear();
          const expected = await read();
          const before = seen(op);
          retries.length = 0;
          proxy.inject({ ...spec, method: op, count: 2 });
          const got = await read();
          if (got instanceof Date) expect(got).toBeInstanceOf(Date);
          else expect(got).toEqual(expected);
          expect(seen(op) - before).toBe(3);
          expect(retries.map((r) => r.method)).toEqual([op, op]);
          expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
          // Exponential: each step is twice the previous (jitter fixed at 0.5 via `random`).
          expect(retries[1]!.delayMs).toBeGreaterThan(retries[0]!.delayMs);
          expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(BASE_DELAY / 2);
          expect(proxy.stats().armed).toBe(0);
        });
      }
    }

    it("gives up after the bounded attempts with the last transient error, naming the method", async () => {
      const before = seen("CurrentTime");
      proxy.inject({ kind: "http-status", status: 503, method: "CurrentTime", count: ATTEMPTS + 5 });
      const err = await failure(client.call(ServiceInstance.CurrentTime, client.serviceInstance));
      expect(err).toBeInstanceOf(HttpStatusError);
      expect((err as HttpStatusError).status).toBe(503);
      expect(err.message).toContain("CurrentTime");
      expect(seen("CurrentTime") - before).toBe(ATTEMPTS);
      expect(retries).toHaveLength(ATTEMPTS - 1);
    });

    it("a seeded random mix of faults: every read still succeeds", async () => {
      const injectedBefore = proxy.stats().injectedTotal;
      const dripsBefore = proxy.stats().injected.drip ?? 0;
      proxy.chaos({ seed: 7, rate: 0.35, method: /^(RetrievePropertiesEx|CurrentTime|FindByInventoryPath)$/ });
      const rounds = 30;
      for (let i = 0; i < rounds; i++) {
        const [, read] = reads[i % reads.length]!;
        await read();
      }
      const injected = proxy.stats().injectedTotal - injectedBefore;
      const drips = (proxy.stats().injected.drip ?? 0) - dripsBefore;
      expect(injected - drips).toBeGreaterThan(0);
      // Every fault but a drip (slow, not broken) cost exactly one retry, and nothing else did.
      expect(retries).toHaveLength(injected - drips);
    });
  });

  describe("non-idempotent calls are never replayed blindly", () => {
    it("CreateFolder with the response reset: outcome unknown, sent once, the folder exists once", async () => {
      const name = "faults-create-once";
      const vmFolder = (await find("DC0/vm"))!;
      proxy.inject({ kind: "reset", method: "CreateFolder" });
      const err = await failure(client.call(Folder.CreateFolder, vmFolder as MoRef<"Folder">, { name }));
      expect(err).toBeInstanceOf(OutcomeUnknownError);
      expect(err.message).toContain("CreateFolder");
      expect(err.message).toMatch(/outcome unknown/);
      expect((err as OutcomeUnknownError).cause).toBeInstanceOf(ResetError);
      expect(seen("CreateFolder")).toBe(1);
      expect(retries).toHaveLength(0);
      const children = (await props(vmFolder, "childEntity")) as MoRef[];
      const names = await Promise.all(children.map((c) => props(c, "name")));
      // The request reached vcsim, so the folder exists, and since it was not replayed, exactly once.
      expect(names.filter((n) => n === name)).toHaveLength(forwarded("CreateFolder"));
      expect(forwarded("CreateFolder")).toBe(1);
    });

    it("PowerOnVM_Task refused by a 503 gateway: outcome unknown, not replayed, the VM stays off", async () => {
      const vm = (await find("DC0/vm/DC0_H0_VM0")) as MoRef<"VirtualMachine">;
      await waitTask(await client.call(VirtualMachine.PowerOffVM_Task, vm));
      expect(await props(vm, "runtime.powerState")).toBe("poweredOff");
      proxy.inject({ kind: "http-status", status: 503, method: "PowerOnVM_Task", count: ATTEMPTS });
      const err = await failure(client.call(VirtualMachine.PowerOnVM_Task, vm, {}));
      expect(err).toBeInstanceOf(OutcomeUnknownError);
      expect(err.message).toContain("PowerOnVM_Task");
      expect(seen("PowerOnVM_Task")).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(await props(vm, "runtime.powerState")).toBe("poweredOff");
    });

    const writes: Array<[string, FaultSpec, () => Promise<unknown>, (e: unknown) => boolean]> = [
      ["ReconfigVM_Task", { kind: "truncate" }, async () => {
        const vm = (await find("DC0/vm/DC0_H0_VM1")) as MoRef<"VirtualMachine">;
        return client.call(VirtualMachine.ReconfigVM_Task, vm, { spec: { _typeName: "VirtualMachineConfigSpec", annotation: "faults" } });
      }, (e) => e instanceof ResetError],
      ["Destroy_Task", { kind: "stall" }, async () => {
        const vm = (await find("DC0/vm/DC0_C0_RP0_VM1")) as MoRef<"VirtualMachine">;
        return client.call(VirtualMachine.Destroy_Task, vm, {}, { timeout: 400 });
      }, (e) => e instanceof TimeoutError],
      ["CreateFolder", { kind: "http-status", status: 502, forward: true }, async () => {
        const vmFolder = (await find("DC0/vm")) as MoRef<"Folder">;
        return client.call(Folder.CreateFolder, vmFolder, { name: "faults-502" });
      }, (e) => e instanceof HttpStatusError && e.status === 502],
    ];
    for (const [op, spec, run, causeOk] of writes) {
      it(`${op} under ${spec.kind}: outcome unknown naming ${op}, sent once`, async () => {
        const before = seen(op);
        proxy.inject({ ...spec, method: op, count: ATTEMPTS });
        const err = await failure(run());
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        expect(err.message).toContain(op);
        expect(causeOk((err as Error).cause)).toBe(true);
        expect(seen(op) - before).toBe(1);
        expect(retries).toHaveLength(0);
      });
    }

    async function waitTask(task: MoRef): Promise<void> {
      for (let i = 0; i < 200; i++) {
        const info = (await props(task, "info")) as { state: string };
        if (info.state === "success" || info.state === "error") return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`task ${task.value} did not finish`);
    }
  });

  describe("deadlines and slow bodies", () => {
    it("a stalled response ends in TimeoutError at the call's deadline, naming the method, without a second attempt", async () => {
      const before = seen("CurrentTime");
      proxy.inject({ kind: "stall", method: "CurrentTime" });
      const err = await failure(client.call(ServiceInstance.CurrentTime, client.serviceInstance, undefined, { timeout: 300 }));
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).phase).toBe("response");
      expect((err as TimeoutError).deadline).toBe(true);
      expect(err.message).toContain("CurrentTime");
      // The deadline covers the whole call, so nothing is left to retry in.
      expect(seen("CurrentTime") - before).toBe(1);
      expect(retries).toHaveLength(0);
      // The client still works afterwards (the stalled socket was given up, not reused).
      expect(await client.call(ServiceInstance.CurrentTime, client.serviceInstance)).toBeInstanceOf(Date);
    });

    it("a stall the server gives up on (hang-up) is survived by a retry within the same deadline", async () => {
      proxy.inject({ kind: "stall", method: "RetrievePropertiesEx", stallMs: 100 });
      expect(await props(client.serviceContent.rootFolder, "name", 3_000)).toBeTypeOf("string");
      expect(retries.map((r) => r.error.name)).toEqual(["ResetError"]);
    });

    it("a drip-fed response within the deadline succeeds without a retry", async () => {
      const expected = await props(client.serviceContent.rootFolder, "childEntity");
      const dripsBefore = proxy.stats().injected.drip ?? 0;
      proxy.inject({ kind: "drip", method: "RetrievePropertiesEx", dripChunks: 30, dripIntervalMs: 10 });
      const r = await client.call(
        PropertyCollector.RetrievePropertiesEx,
        client.serviceContent.propertyCollector,
        {
          specSet: [{ _typeName: "PropertyFilterSpec", propSet: [{ _typeName: "PropertySpec", type: "Folder", pathSet: ["childEntity"] }], objectSet: [{ _typeName: "ObjectSpec", obj: client.serviceContent.rootFolder }] }],
          options: { _typeName: "RetrieveOptions" },
        },
        { timeout: 5_000 },
      );
      expect(r?.objects[0]?.propSet?.[0]?.val).toEqual(expected);
      expect(proxy.stats().injected.drip).toBe(dripsBefore + 1);
      expect(retries).toHaveLength(0);
    });

    it("a drip slower than the deadline is a TimeoutError", async () => {
      proxy.inject({ kind: "drip", method: "CurrentTime", dripChunks: 50, dripIntervalMs: 40, count: ATTEMPTS });
      const err = await failure(client.call(ServiceInstance.CurrentTime, client.serviceInstance, undefined, { timeout: 300 }));
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.message).toContain("CurrentTime");
    });
  });

  describe("TLS", () => {
    it("a handshake failure alert is a TlsError naming the call, not retried", async () => {
      proxy.inject({ kind: "tls-handshake", tls: "alert", count: 10 });
      const err = await failure(connectThroughProxy({ version: "7.0" }));
      proxy.clear();
      expect(err).toBeInstanceOf(TlsError);
      // With the version pinned, connect's first request is RetrieveServiceContent; the error names it.
      expect(err.message).toContain("RetrieveServiceContent");
      expect(err.message).toMatch(/TLS/);
      expect(retries).toHaveLength(0);
    });

    it("a handshake closed before it completes is a ConnectError: nothing was sent, so even CreateFolder is retried, once", async () => {
      const vmFolder = (await find("DC0/vm")) as MoRef<"Folder">;
      await proxy.dropConnections();
      // Give undici time to see its idle sockets close, so the write really needs a new connection.
      await new Promise((r) => setTimeout(r, 200));
      proxy.inject({ kind: "tls-handshake", tls: "close", count: 1 });
      const name = "faults-after-handshake-drop";
      await client.call(Folder.CreateFolder, vmFolder, { name });
      expect(proxy.stats().injected["tls-handshake"]).toBeGreaterThanOrEqual(1);
      expect(retries.map((r) => [r.method, r.error.name])).toEqual([["CreateFolder", "ConnectError"]]);
      expect(retries[0]!.error).toBeInstanceOf(ConnectError);
      const children = (await props(vmFolder, "childEntity")) as MoRef[];
      const names = await Promise.all(children.map((c) => props(c, "name")));
      expect(names.filter((n) => n === name)).toHaveLength(1);
    });

    it("a handshake reset (RST) is a ConnectError too, so a write is retried once rather than left unknown", async () => {
      const vmFolder = (await find("DC0/vm")) as MoRef<"Folder">;
      await proxy.dropConnections();
      await new Promise((r) => setTimeout(r, 200));
      proxy.inject({ kind: "tls-handshake", tls: "reset", count: 1 });
      const name = "faults-after-handshake-reset";
      await client.call(Folder.CreateFolder, vmFolder, { name });
      expect(retries.map((r) => [r.method, r.error.name])).toEqual([["CreateFolder", "ConnectError"]]);
      const children = (await props(vmFolder, "childEntity")) as MoRef[];
      const names = await Promise.all(children.map((c) => props(c, "name")));
      expect(names.filter((n) => n === name)).toHaveLength(1);
    });

    it("pinning vcsim's own certificate through the proxy is a thumbprint mismatch", async () => {
      const err = await failure(connectThroughProxy({ thumbprint: sim.thumbprint }));
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).reason).toBe("thumbprint-mismatch");
      expect(err.message).toContain(sim.thumbprint);
      expect(err.message).toContain(certs.thumbprint);
    });
  });

  it("every transport error raised here names the call and the host", async () => {
    proxy.inject({ kind: "reset", method: "RetrievePropertiesEx", count: ATTEMPTS });
    const err = await failure(props(client.serviceContent.rootFolder, "name"));
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toContain("RetrievePropertiesEx");
    expect(err.message).toContain(`127.0.0.1:${proxy.port}`);
  });

  it("close() leaves no socket open", async () => {
    const p = await startFaultProxy({ upstream: sim.url, upstreamCa: sim.certificatePem, tls: { key: certs.keyPem, cert: certs.certPem } });
    const c = await connect({ url: p.url, bindings: schemas, thumbprint: certs.thumbprint, username: USER, password: PASS, keepAlive: false });
    p.inject({ kind: "stall", method: "CurrentTime" });
    const pending = c.call(ServiceInstance.CurrentTime, c.serviceInstance, undefined, { timeout: 0 }).catch((e: unknown) => e);
    while (!p.stats().injected.stall) await new Promise((r) => setTimeout(r, 10));
    expect(p.stats().openSockets).toBeGreaterThan(0);
    await p.close();
    expect(p.stats().openSockets).toBe(0);
    expect(await pending).toBeInstanceOf(TransportError);
    await c.close();
  });
});
