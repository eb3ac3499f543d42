// Performance counters by name, realtime and historical, with instances, against vcsim (one simulator for the file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, type Client } from "../../runtime/index.js";
import { schemas } from "../support/bindings.js";
import { availableMetrics, findHost, findVm, NotFoundError, perfCounters, queryPerf, type CounterIndex } from "../../object/index.js";

let sim: Vcsim;
let client: Client<typeof schemas>;
let index: CounterIndex;

beforeAll(async () => {
  sim = await startVcsim();
  client = await connect({ url: sim.url, thumbprint: sim.thumbprint, username: sim.username, password: sim.password, bindings: schemas, keepAlive: false });
  index = await perfCounters(client);
});
afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("performance counters", () => {
  it("resolves names to ids and back", () => {
    const cpu = index.byName("cpu.usage.average");
    expect(cpu).toMatchObject({ group: "cpu", counter: "usage", rollup: "average", unit: "percent" });
    expect(index.byId(cpu.id)).toBe(cpu);
    expect(index.counters.length).toBeGreaterThan(100);
    expect(new Set(index.counters.map((c) => c.name)).size).toBe(index.counters.length);
  });

  it("an unknown name is NotFoundError naming counters of its group", () => {
    const err = (() => {
      try {
        index.byName("cpu.usage.avg");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/perf counter not found: "cpu\.usage\.avg" \(counters of group "cpu" include: cpu\./);
  });

  it("realtime samples of several counters, oldest first", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM0");
    const series = await queryPerf(client, { entities: vm, counters: ["cpu.usage.average", "mem.usage.average"], maxSample: 5, counterIndex: index });
    expect(series.map((s) => [s.counter.name, s.instance, s.samples.length])).toEqual([["cpu.usage.average", "", 5], ["mem.usage.average", "", 5]]);
    const times = series[0]!.samples.map((s) => s.time.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(series[0]!.interval).toBe(20);
    expect(series[0]!.entity).toEqual(vm);
    expect(series[0]!.samples.every((s) => s.value === undefined || (Number.isInteger(s.value) && s.value >= 0))).toBe(true);
  });

  it("every instance: one series per CPU, named after it", async () => {
    const host = await findHost(client, "/DC0/host/DC0_H0/DC0_H0");
    const available = await availableMetrics(client, host, { counterIndex: index });
    const cpuInstances = available.filter((a) => a.counter.name === "cpu.usage.average").map((a) => a.instance).filter((i) => i !== "");
    expect(cpuInstances.length).toBeGreaterThan(0);
    const series = await queryPerf(client, { entities: [host], counters: ["cpu.usage.average"], instances: "*", counterIndex: index });
    expect(series.map((s) => s.instance).sort()).toEqual(available.filter((a) => a.counter.name === "cpu.usage.average").map((a) => a.instance).sort());
  });

  it("historical: an interval and a time range", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM1");
    const end = new Date();
    const start = new Date(end.getTime() - 3600_000);
    const series = await queryPerf(client, { entities: [vm], counters: ["cpu.usage.average"], intervalId: 300, start, end, counterIndex: index });
    expect(series).toHaveLength(1);
    expect(series[0]!.interval).toBe(300);
    expect(series[0]!.samples.length).toBeGreaterThan(1);
    expect(series[0]!.samples.every((s) => s.time.getTime() >= start.getTime() && s.time.getTime() <= end.getTime())).toBe(true);
  });

  it("bad input fails before the query", async () => {
    const vm = await findVm(client, "/DC0/vm/DC0_H0_VM1");
    await expect(queryPerf(client, { entities: vm, counters: [], counterIndex: index })).rejects.toThrow(/counters must be a non-empty list/);
    await expect(queryPerf(client, { entities: [], counters: ["cpu.usage.average"], counterIndex: index })).rejects.toThrow(/entities must be/);
    await expect(queryPerf(client, { entities: vm, counters: ["nope.x.y"], counterIndex: index })).rejects.toBeInstanceOf(NotFoundError);
    await expect(queryPerf(client, { entities: vm, counters: ["cpu.usage.average"], intervalId: 0, counterIndex: index })).rejects.toThrow(/intervalId/);
  });
});
