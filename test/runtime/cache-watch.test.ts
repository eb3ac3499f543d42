// watch() and waitForTask() over a scripted fake client: truncated answers
// fold into one change set and the cache is never seen half-applied, empty
// answers mean wait again, cleanup always runs (and its failures are logged,
// not thrown), and onProgress sees each progress step.
import { describe, expect, it } from "vitest";
import { watch, type Watch } from "../../runtime/property/watch.js";
import { waitForTask } from "../../runtime/task/index.js";
import { MethodFaultError, type Client } from "../../runtime/index.js";
import type { ObjectUpdate, UpdateSet } from "../../runtime/property/methods.js";

type Answer = UpdateSet | undefined | ((call: number) => UpdateSet | undefined);

interface Fake {
  client: Client;
  calls: string[];
}

const PC = { type: "PropertyCollector", value: "session[1]pc" } as const;

/** A client whose WaitForUpdatesEx answers come from `script` in order; other methods succeed (or fail as told). */
function fakeClient(script: Answer[], opts: { failCleanup?: boolean } = {}): Fake {
  const calls: string[] = [];
  let waits = 0;
  const client = {
    serviceContent: {
      propertyCollector: { type: "PropertyCollector", value: "propertyCollector" },
      rootFolder: { type: "Folder", value: "group-d1" },
      viewManager: { type: "ViewManager", value: "ViewManager" },
    },
    async call(d: { name: string }, _this: unknown, _params: unknown, options?: { signal?: AbortSignal }) {
      calls.push(d.name);
      switch (d.name) {
        case "CreatePropertyCollector":
          return PC;
        case "CreateFilter":
          return { type: "PropertyFilter", value: "f1" };
        case "CreateContainerView":
          return { type: "ContainerView", value: "v1" };
        case "WaitForUpdatesEx": {
          const next = script[waits++];
          if (next === undefined && waits > script.length) {
            // Script exhausted: block like a long poll until aborted.
            return new Promise((_, reject) => options?.signal?.addEventListener("abort", () => reject(options.signal!.reason), { once: true }));
          }
          return typeof next === "function" ? next(waits) : next;
        }
        default:
          if (opts.failCleanup) throw new Error(`${d.name} refused`);
          return undefined;
      }
    },
  } as unknown as Client;
  return { client, calls };
}

const vm = (n: number) => ({ type: "VirtualMachine", value: `vm-${n}` });
const enter = (n: number, name: string): ObjectUpdate => ({
  _typeName: "ObjectUpdate", kind: "enter", obj: vm(n), changeSet: [{ _typeName: "PropertyChange", name: "name", op: "assign", val: name }],
});
const modify = (n: number, name: string): ObjectUpdate => ({
  _typeName: "ObjectUpdate", kind: "modify", obj: vm(n), changeSet: [{ _typeName: "PropertyChange", name: "name", op: "assign", val: name }],
});
const set = (version: string, objects: ObjectUpdate[], truncated = false): UpdateSet => ({
  _typeName: "UpdateSet", version, truncated, filterSet: [{ _typeName: "PropertyFilterUpdate", filter: { type: "PropertyFilter", value: "f1" }, objectSet: objects }],
});

const open = (client: Client, logger?: { warn(m: string): void }) =>
  watch(client as Client<never>, { from: [vm(1), vm(2)], type: "VirtualMachine" as never, select: ["name"] as never[] }, { maxWaitSeconds: 1, ...(logger ? { logger } : {}) }) as Promise<Watch>;

describe("watch over a fake collector", () => {
  it("creates the collector and filter before the first wait, and destroys the collector on break", async () => {
    const f = fakeClient([set("1", [enter(1, "a")])]);
    const w = await open(f.client);
    expect(f.calls).toEqual(["CreatePropertyCollector", "CreateFilter"]);
    for await (const s of w) {
      expect(s.kind).toBe("initial");
      break;
    }
    expect(f.calls).toEqual(["CreatePropertyCollector", "CreateFilter", "WaitForUpdatesEx", "CancelWaitForUpdates", "DestroyPropertyCollector"]);
  });

  it("folds truncated answers into one change set and never exposes a half-applied cache", async () => {
    let w!: Watch;
    const seenMidway: Array<string | undefined> = [];
    const f = fakeClient([
      set("1", [enter(1, "a"), enter(2, "b")]),
      set("1.1", [modify(1, "a2")], true),
      () => {
        // The second answer of a truncated sequence is being fetched: the cache must still be the previous state.
        seenMidway.push(w.cache.get("VirtualMachine:vm-1")?.values.name as string | undefined);
        return set("2", [modify(2, "b2")]);
      },
    ]);
    w = await open(f.client);
    const it = w[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) throw new Error("ended");
    const snapshot = w.cache;
    const second = await it.next();
    if (second.done) throw new Error("ended");
    expect(second.value.kind).toBe("update");
    expect(second.value.version).toBe("2");
    expect(second.value.objects.map((o) => [o.ref.value, o.values?.name])).toEqual([["vm-1", "a2"], ["vm-2", "b2"]]);
    expect(seenMidway).toEqual(["a"]);
    // The earlier snapshot is untouched: readers holding it keep a consistent state.
    expect([...snapshot.values()].map((o) => o.values.name)).toEqual(["a", "b"]);
    await w.close();
  });

  it("an empty answer (the wait timed out) means wait again, without a change set", async () => {
    const f = fakeClient([set("1", [enter(1, "a")]), undefined, undefined, set("2", [modify(1, "z")])]);
    const w = await open(f.client);
    const kinds: string[] = [];
    for await (const s of w) {
      kinds.push(s.kind);
      if (kinds.length === 2) break;
    }
    expect(kinds).toEqual(["initial", "update"]);
    expect(f.calls.filter((c) => c === "WaitForUpdatesEx")).toHaveLength(4);
    expect(w.cache.get("VirtualMachine:vm-1")?.values.name).toBe("z");
  });

  it("close() during a pending wait aborts it, ends the iteration quietly and cleans up once", async () => {
    const f = fakeClient([set("1", [enter(1, "a")])]);
    const w = await open(f.client);
    const kinds: string[] = [];
    const run = (async () => {
      for await (const s of w) {
        kinds.push(s.kind);
        setTimeout(() => void w.close(), 10);
      }
    })();
    await run;
    await w.close();
    expect(kinds).toEqual(["initial"]);
    expect(f.calls.filter((c) => c === "DestroyPropertyCollector")).toHaveLength(1);
  });

  it("cleanup failures are logged, not thrown", async () => {
    const warnings: string[] = [];
    const f = fakeClient([set("1", [enter(1, "a")])], { failCleanup: true });
    const w = await open(f.client, { warn: (m) => warnings.push(m) });
    for await (const _ of w) break;
    expect(warnings.some((m) => m.includes("DestroyPropertyCollector failed during cleanup"))).toBe(true);
    expect(warnings.some((m) => m.includes("CancelWaitForUpdates failed during cleanup"))).toBe(true);
  });

  it("an error from the server ends the iteration with that error, after cleanup", async () => {
    const boom = new Error("server exploded");
    const f = fakeClient([set("1", [enter(1, "a")]), () => { throw boom; }]);
    const w = await open(f.client);
    const run = (async () => {
      for await (const _ of w) void 0;
    })();
    await expect(run).rejects.toBe(boom);
    expect(f.calls.at(-1)).toBe("DestroyPropertyCollector");
  });
});

describe("waitForTask over a fake collector", () => {
  const TASK = { type: "Task", value: "task-7" } as const;
  const info = (fields: Record<string, unknown>): ObjectUpdate => ({
    _typeName: "ObjectUpdate", kind: "modify", obj: TASK, changeSet: [{ _typeName: "PropertyChange", name: "info", op: "assign", val: { _typeName: "TaskInfo", ...fields } }],
  });
  const partial = (name: string, val: unknown): ObjectUpdate => ({
    _typeName: "ObjectUpdate", kind: "modify", obj: TASK, changeSet: [{ _typeName: "PropertyChange", name, op: "assign", val }],
  });

  it("reports each progress step and returns the result", async () => {
    const f = fakeClient([
      set("1", [{ ...info({ state: "queued" }), kind: "enter" }]),
      set("2", [partial("info.state", "running"), partial("info.progress", 10)]),
      set("3", [partial("info.progress", 60)]),
      set("4", [partial("info.state", "success"), partial("info.result", vm(9))]),
    ]);
    const progress: Array<[number | undefined, string]> = [];
    const result = await waitForTask(f.client, TASK, { onProgress: (p, i) => progress.push([p, i.state]) });
    expect(result).toEqual(vm(9));
    expect(progress).toEqual([[undefined, "queued"], [10, "running"], [60, "running"]]);
    expect(f.calls.at(-1)).toBe("DestroyPropertyCollector");
  });

  it("throws the task's fault as a MethodFaultError naming the fault type", async () => {
    const f = fakeClient([
      set("1", [{ ...info({ state: "error", descriptionId: "VirtualMachine.powerOn", error: { _typeName: "LocalizedMethodFault", fault: { _typeName: "InvalidPowerState", existingState: "poweredOn" }, localizedMessage: "already on" } }), kind: "enter" }]),
    ]);
    const err = await waitForTask(f.client, TASK).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MethodFaultError);
    expect((err as MethodFaultError).faultChain).toEqual(["InvalidPowerState", "MethodFault"]);
    expect((err as MethodFaultError).fault).toMatchObject({ existingState: "poweredOn" });
    expect((err as Error).message).toContain("already on");
  });
});
