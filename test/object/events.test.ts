// Events through an EventHistoryCollector, end to end against vcsim (one simulator for the file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, subscribeTrace, type Client } from "../../runtime/index.js";
import { schemas, type Event } from "../support/bindings.js";
import { events, findVm, powerOff, powerOn } from "../../object/index.js";

let sim: Vcsim;
let client: Client<typeof schemas>;
const sent: string[] = [];
let stopTrace: () => void;

beforeAll(async () => {
  sim = await startVcsim();
  client = await connect({ url: sim.url, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, bindings: schemas, keepAlive: false });
  stopTrace = subscribeTrace({ onRequest: (m) => sent.push(m.method) });
});
afterAll(async () => {
  stopTrace?.();
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

const count = (method: string) => sent.filter((m) => m === method).length;

describe("events", () => {
  it("reads an entity's history, filtered by type, typed, and destroys the collector", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM0");
    await powerOff(client, vm);
    await powerOn(client, vm);
    const created = count("CreateCollectorForEvents");
    const destroyed = count("DestroyCollector");
    const seen: Event[] = [];
    for await (const e of events(client, { entity: vm, types: ["VmPoweredOffEvent", "VmPoweredOnEvent"] })) seen.push(e);
    // Small pages yield the same events (vcsim scrolls its pages newest first, so only the set is compared).
    const paged: number[] = [];
    for await (const e of events(client, { entity: vm, types: ["VmPoweredOffEvent", "VmPoweredOnEvent"] }, { pageSize: 1 })) paged.push(e.key);
    expect(paged.sort((a, b) => a - b)).toEqual(seen.map((e) => e.key));
    expect(seen.map((e) => e._typeName).slice(-2)).toEqual(["VmPoweredOffEvent", "VmPoweredOnEvent"]);
    const last = seen.at(-1)!;
    if (last._typeName !== "VmPoweredOnEvent") throw new Error("narrowing");
    expect(last.vm?.vm).toEqual(vm); // typed: VmPoweredOnEvent has vm: VmEventArgument
    expect(seen.every((e) => e.createdTime instanceof Date)).toBe(true);
    expect(count("CreateCollectorForEvents")).toBe(created + 2);
    expect(count("DestroyCollector")).toBe(destroyed + 2);
  });

  it("break ends the iteration and destroys the collector; limit caps the history", async () => {
    const before = count("DestroyCollector");
    let n = 0;
    for await (const _ of events(client, {}, { pageSize: 1 })) if (++n === 2) break;
    expect(n).toBe(2);
    expect(count("DestroyCollector")).toBe(before + 1);
    const limited: Event[] = [];
    for await (const e of events(client, { limit: 3 })) limited.push(e);
    expect(limited.length).toBe(3);
  });

  it("follows new events after the start, until the signal aborts", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM1");
    const ac = new AbortController();
    const got: Event[] = [];
    const before = count("DestroyCollector");
    let following!: () => void;
    const isFollowing = new Promise<void>((r) => (following = r));
    const run = (async () => {
      for await (const e of events(client, { entity: vm }, { follow: true, history: false, signal: ac.signal, maxWaitSeconds: 5, onFollowing: following })) {
        got.push(e);
        if (got.some((x) => x._typeName === "VmPoweredOnEvent")) ac.abort(new Error("seen enough"));
      }
    })();
    await isFollowing;
    await powerOff(client, vm);
    await powerOn(client, vm);
    await expect(run).rejects.toThrow("seen enough");
    expect(got.map((e) => e._typeName)).toContain("VmPoweredOffEvent");
    expect(got.map((e) => e._typeName)).toContain("VmPoweredOnEvent");
    expect(got.every((e) => e._typeName !== "VmPoweredOnEvent" || ("vm" in e && e.vm?.vm.value === vm.value))).toBe(true);
    expect(count("DestroyCollector")).toBe(before + 1);
  });

  it("bad input fails before a collector is made", async () => {
    const before = count("CreateCollectorForEvents");
    await expect(events(client, { limit: 0 }).next()).rejects.toThrow(/limit must be a positive whole number/);
    await expect(events(client, { since: new Date("nope") }).next()).rejects.toThrow(/since must be a valid Date/);
    await expect(events(client, {}, { pageSize: -1 }).next()).rejects.toThrow(/pageSize/);
    expect(count("CreateCollectorForEvents")).toBe(before);
  });
});
