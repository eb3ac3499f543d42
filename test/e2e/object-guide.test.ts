// Runs the guide's object/ examples (docs/examples/*.ts, quoted in docs/GUIDE.md) against one vcsim,
// checking the outcomes the guide describes; test/e2e/watch-guide.test.ts checks the quotes and types.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, type Client } from "../../runtime/index.js";
import { schemas } from "../support/bindings.js";
import { findVm, powerOff, powerOn, readProperties, searchDatastore, snapshots } from "../../object/index.js";
import type { Target } from "../../docs/examples/connection.js";
import { findObjects } from "../../docs/examples/find-objects.js";
import { vmLifecycle } from "../../docs/examples/vm-lifecycle.js";
import { snapshotRoundTrip } from "../../docs/examples/snapshots.js";
import { datastoreFiles } from "../../docs/examples/datastore-files.js";
import { vmEvents } from "../../docs/examples/vm-events.js";
import { cpuAndMemory } from "../../docs/examples/perf-counters.js";
import { policies } from "../../docs/examples/storage-policies.js";

let sim: Vcsim;
let target: Target;
let admin: Client<typeof schemas>;

beforeAll(async () => {
  sim = await startVcsim();
  target = { url: sim.url, username: sim.username, password: sim.password, thumbprint: sim.thumbprint };
  admin = await connect({ ...target, bindings: schemas, keepAlive: false });
});
afterAll(async () => {
  await admin?.[Symbol.asyncDispose]();
  await sim?.stop();
});

describe("the guide's object/ examples against vcsim", () => {
  it("find-objects", async () => {
    const r = await findObjects(target);
    expect(r.vms).toEqual(["/DC0/vm/DC0_C0_RP0_VM0", "/DC0/vm/DC0_C0_RP0_VM1", "/DC0/vm/DC0_H0_VM0", "/DC0/vm/DC0_H0_VM1"]);
    expect(r.clusterHosts).toEqual(["DC0_C0_H0", "DC0_C0_H1", "DC0_C0_H2"]);
    expect(r.byName).toBe("/DC0/host/DC0_C0");
    expect(r.missing).toContain('nothing matches "no-such-vm" under /DC0/vm');
  });

  it("vm-lifecycle", async () => {
    const vm = await vmLifecycle(target, "DC0_C0_RP0_VM0", "guide-vm");
    expect((await findVm(admin, "/DC0/vm/guide-vm")).value).toBe(vm.value);
    const hw = await readProperties(admin, vm, ["config.hardware.numCPU", "config.hardware.memoryMB", "runtime.powerState"]);
    expect(hw).toMatchObject({ "config.hardware.numCPU": 2, "config.hardware.memoryMB": 4096, "runtime.powerState": "poweredOff" });
  });

  it("snapshots", async () => {
    const tree = await snapshotRoundTrip(target, "/DC0/vm/DC0_H0_VM1");
    expect(tree).toEqual(["before-upgrade", "  after-upgrade (current)"]);
    expect(await snapshots(admin, await findVm(admin, "/DC0/vm/DC0_H0_VM1"))).toEqual([]);
  });

  it("datastore-files", async () => {
    const r = await datastoreFiles(target, "LocalDS_0");
    expect(r.listed).toEqual(["[LocalDS_0] guide/hello.txt"]);
    expect(r.text).toBe("hello from tsvmomi\n");
    expect(r.aborted).toMatch(/^upload \[LocalDS_0\] guide\/big\.bin: aborted \(changed my mind\) after \d+ bytes; the partial upload was removed \(removed: true\)$/);
    expect((await searchDatastore(admin, { datastore: "LocalDS_0", path: "guide" })).map((f) => f.path)).toEqual(["guide/hello.txt"]);
  });

  it("vm-events: history, then a power cycle made while following", async () => {
    const vm = await findVm(admin, "/DC0/vm/DC0_H0_VM0");
    await powerOff(admin, vm);
    await powerOn(admin, vm);
    let following!: () => void;
    const ready = new Promise<void>((r) => (following = r));
    const run = vmEvents(target, vm, { until: (e) => e._typeName === "VmPoweredOnEvent", onFollowing: following });
    await ready;
    await powerOff(admin, vm);
    await powerOn(admin, vm);
    const { history, followed } = await run;
    expect(history.slice(-2).map((l) => l.split(" ")[1])).toEqual(["VmPoweredOffEvent", "VmPoweredOnEvent"]);
    expect(followed.map((l) => l.split(" ")[1])).toEqual(["VmPoweredOffEvent", "VmPoweredOnEvent"]);
  });

  it("perf-counters", async () => {
    const rows = await cpuAndMemory(target, await findVm(admin, "/DC0/vm/DC0_H0_VM0"));
    expect(rows.map((r) => [r.counter, r.unit, r.values.length > 0])).toEqual([
      ["cpu.usage.average", "percent", true],
      ["mem.usage.average", "percent", true],
      ["cpu.usage.average", "percent", true],
    ]);
    expect(rows[0]!.values).toHaveLength(3);
    expect(rows[2]!.values.length).toBeGreaterThan(3);
  });

  it("storage-policies", async () => {
    const r = await policies(target, "vSAN Default Storage Policy");
    expect(r.names).toContain("vSAN Default Storage Policy");
    const vm = await findVm(admin, "/DC0/vm/DC0_H0_VM0");
    const vmDatastores = (await readProperties(admin, vm, ["datastore"])).datastore as Array<{ value: string }>;
    expect(r.datastores).toContain(`Datastore:${vmDatastores[0]!.value}`);
  });
});
