// Keeps docs/GUIDE.md honest: its code blocks are the files under
// docs/examples/ verbatim, those files type-check under the repo's compiler
// options, and they run against vcsim with the outcomes the guide describes.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { connect, moRefKey, type Client, type MoRef } from "../../runtime/index.js";
import { RetrievePropertiesEx, CreateContainerView, DestroyView } from "../../runtime/property/methods.js";
import { waitForTask } from "../../runtime/task/index.js";
import { schemas, VirtualMachine } from "../support/bindings.js";
import { listVms } from "../../docs/examples/list-vms.js";
import { watchPower } from "../../docs/examples/watch-power.js";
import { powerOff } from "../../docs/examples/power-off.js";
import { waitPoweredOff } from "../../docs/examples/wait-powered-off.js";
import { timedSession } from "../../docs/examples/timing.js";
import type { Target } from "../../docs/examples/connection.js";
import { WaitTimeoutError } from "../../runtime/errors/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const examplesDir = `${root}docs/examples/`;
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith(".ts")).map((f) => `docs/examples/${f}`);

describe("docs/GUIDE.md", () => {
  it("docs/RUNTIME.md quotes its example files verbatim too", () => {
    const runtime = readFileSync(`${root}docs/RUNTIME.md`, "utf8");
    const quoted = [...runtime.matchAll(/<!-- file: (\S+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => ({ file: m[1]!, code: m[2]! }));
    expect(quoted.map((q) => q.file)).toContain("docs/examples/timing.ts");
    for (const q of quoted) expect(q.code, q.file).toBe(readFileSync(`${root}${q.file}`, "utf8"));
  });

  it("quotes each example file verbatim, and every example file is quoted", () => {
    const guide = readFileSync(`${root}docs/GUIDE.md`, "utf8");
    const quoted = [...guide.matchAll(/<!-- file: (\S+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => ({ file: m[1]!, code: m[2]! }));
    expect(quoted.map((q) => q.file).sort()).toEqual([...exampleFiles].sort());
    for (const q of quoted) expect(q.code, q.file).toBe(readFileSync(`${root}${q.file}`, "utf8"));
  });

  it("the examples type-check with the repo's compiler options", () => {
    const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (!config) throw new Error("cannot read tsconfig.json");
    const program = ts.createProgram(exampleFiles.map((f) => `${root}${f}`), { ...config.options, noEmit: true });
    // Only the examples' own diagnostics: checking every generated file they import would take far longer and is another test's job.
    const own = program.getSourceFiles().filter((sf) => sf.fileName.includes("/docs/examples/"));
    expect(own).toHaveLength(exampleFiles.length);
    const all = [...program.getOptionsDiagnostics(), ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])];
    const diagnostics = all.map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});

describe("the guide's examples against vcsim", () => {
  let sim: Vcsim;
  let target: Target;
  let admin: Client<typeof schemas>;

  /** Name and power state of every VM, read directly (not through the code under test). */
  async function truth(): Promise<Map<string, { name: string; power: string }>> {
    const sc = admin.serviceContent;
    const view = await admin.call(CreateContainerView, sc.viewManager!, { container: sc.rootFolder, type: ["VirtualMachine"], recursive: true });
    try {
      const res = await admin.call(RetrievePropertiesEx, sc.propertyCollector, {
        specSet: [{ propSet: [{ type: "VirtualMachine", pathSet: ["name", "summary.runtime.powerState"] }], objectSet: [{ obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", name: "v", type: "ContainerView", path: "view", skip: false }] }] }],
        options: {},
      });
      return new Map((res?.objects ?? []).map((o) => {
        const v = Object.fromEntries((o.propSet ?? []).map((p) => [p.name, p.val]));
        return [moRefKey(o.obj), { name: String(v.name), power: String(v["summary.runtime.powerState"]) }];
      }));
    } finally {
      await admin.call(DestroyView, view, {});
    }
  }
  const vmIn = async (power: string): Promise<MoRef<"VirtualMachine">> => {
    for (const [key, v] of await truth()) if (v.power === power) return { type: "VirtualMachine", value: key.split(":")[1]! };
    throw new Error(`no ${power} VM`);
  };

  beforeAll(async () => {
    sim = await startVcsim();
    target = { url: sim.url, username: sim.username, password: sim.password, thumbprint: sim.thumbprint };
    admin = await connect({ ...target, bindings: schemas, keepAlive: false });
  });
  afterAll(async () => {
    await admin?.[Symbol.asyncDispose]();
    await sim?.stop();
  });

  it("list-vms: every VM with its name and power state", async () => {
    const listed = await listVms(target);
    const expected = [...(await truth()).values()];
    expect(listed.map(({ name, power }) => ({ name, power })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
    expect(listed.every((v) => v.cpus > 0)).toBe(true);
  });

  it("watch-power: reports a VM powered off by someone else", async () => {
    const vm = await vmIn("poweredOn");
    const seen: Array<[string, string | undefined]> = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const run = watchPower(target, (ref, _name, power) => seen.push([ref.value, power]), { limit: 1, ready });
    await isReady;
    await waitForTask(admin, await admin.call(VirtualMachine.PowerOffVM_Task, vm, {}));
    await expect(run).resolves.toBe(1);
    expect(seen).toEqual([[vm.value, "poweredOff"]]);
  });

  it("wait-powered-off: resolves once the VM is off, and times out while it stays on", async () => {
    const vm = await vmIn("poweredOn");
    const name = (await truth()).get(moRefKey(vm))!.name;
    await expect(waitPoweredOff(target, vm, 1_500)).rejects.toBeInstanceOf(WaitTimeoutError);
    const waiting = waitPoweredOff(target, vm, 30_000);
    await waitForTask(admin, await admin.call(VirtualMachine.PowerOffVM_Task, vm, {}));
    await expect(waiting).resolves.toBe(name);
  });

  it("timing: a middleware layer given to connect times connect's calls, the login, the call and the logout", async () => {
    const log = console.log;
    console.log = () => undefined;
    try {
      const timings = await timedSession(target);
      expect(timings.map((t) => t.method)).toEqual(["RetrieveServiceContent", "Login", "CurrentTime", "Logout"]);
      expect(timings.every((t) => t.ok && Number.isFinite(t.ms) && t.ms >= 0)).toBe(true);
    } finally {
      console.log = log;
    }
  });

  it("power-off: done the first time, the typed InvalidPowerState the second", async () => {
    const vm = await vmIn("poweredOn");
    await expect(powerOff(target, vm)).resolves.toBe("done");
    expect((await truth()).get(moRefKey(vm))?.power).toBe("poweredOff");
    await expect(powerOff(target, vm)).resolves.toBe("already off");
  });
});
