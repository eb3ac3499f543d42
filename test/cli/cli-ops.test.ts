// The commands that change things, end to end against one vcsim: power,
// snapshot, vm clone/reconfigure/destroy, datastore ls, events and tasks
// (one-shot and -f, stopped the way Ctrl-C stops them: the signal aborts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, findByInventoryPath, type MoRef } from "../../runtime/index.js";
import { FileManager, schemas } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { cli, normalise, simEnv, type CliResult } from "./run-cli.js";

let sim: Vcsim;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  sim = await startVcsim({ dc: 1, cluster: 1, host: 1, standaloneHost: 1, vm: 2 });
  env = simEnv(sim);
}, 60_000);

afterAll(async () => {
  await sim?.stop();
});

const VM = "/DC0/vm/DC0_H0_VM0";
const power = async (path: string) => JSON.parse((await cli(["get", path, "runtime.powerState", "--json"], env)).stdout).objects[0].properties["runtime.powerState"];

/** Runs a following command until `until` holds for its stdout, then aborts it as Ctrl-C would. */
async function follow(argv: string[], until: (stdout: string) => boolean, meanwhile?: () => Promise<unknown>): Promise<CliResult> {
  const controller = new AbortController();
  let stdout = "";
  const { run } = await import("../../cli/main.js");
  let stderr = "";
  const done = run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd: process.cwd() }, controller.signal);
  const wait = async (pred: () => boolean) => {
    for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  await wait(() => stdout.length > 0 || stderr.length > 0);
  await meanwhile?.();
  await wait(() => until(stdout));
  controller.abort();
  const code = await done;
  return { code, stdout, stderr };
}

describe("power", () => {
  it("off, then off again (skipped), then on; by path and by name", async () => {
    const off = await cli(["power", "-off", VM], env);
    expect(off).toEqual({ code: 0, stdout: `${VM}  off done\n`, stderr: "" });
    expect(await power(VM)).toBe("poweredOff");
    expect((await cli(["power", "-off", "DC0_H0_VM0"], env)).stdout).toBe(`${VM}  already poweredOff\n`);
    const on = await cli(["power", "-on", "DC0_H0_VM0", "--json"], env);
    await expect(normalise(on.stdout)).toMatchFileSnapshot("./golden/power.json");
    expect(await power(VM)).toBe("poweredOn");
  });

  it("needs exactly one action; refuses what is not a VM", async () => {
    expect((await cli(["power", "-on", "-off", VM], env)).code).toBe(2);
    const r = await cli(["power", "-on", "/DC0/host"], env);
    expect(r).toEqual({ code: 1, stdout: "", stderr: 'tsvmomi: VirtualMachine not found: "/DC0/host" (Folder:folder-4 is at that path, not a VirtualMachine)\n' });
  });

  it("a failing power operation names the fault and exits 1", async () => {
    await cli(["power", "-off", VM], env);
    const r = await cli(["power", "-reset", VM], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tsvmomi: \/DC0\/vm\/DC0_H0_VM0: VirtualMachine\.reset \(Task:task-\d+\): InvalidPowerState.*\n$/);
    await cli(["power", "-on", VM], env);
  });
});

describe("snapshot", () => {
  it("create, tree, revert, remove", async () => {
    expect((await cli(["snapshot", "create", VM, "base"], env)).stdout).toMatch(/^\/DC0\/vm\/DC0_H0_VM0: snapshot "base" created \(snapshot-\d+\)\n$/);
    expect((await cli(["snapshot", "create", "-d", "after base", VM, "next"], env)).code).toBe(0);
    const tree = await cli(["snapshot", "tree", VM], env);
    expect(tree.stdout).toMatch(/^base {2}\S+\n {2}next \(current\) {2}\S+\n$/);
    expect((await cli(["snapshot", "revert", VM, "base"], env)).stdout).toBe(`${VM}: reverted to "base"\n`);
    const json = await cli(["snapshot", "tree", "--json", VM], env);
    await expect(normalise(json.stdout)).toMatchFileSnapshot("./golden/snapshot-tree.json");
    const missing = await cli(["snapshot", "remove", VM, "nope"], env);
    expect(missing).toEqual({ code: 1, stdout: "", stderr: `tsvmomi: ${VM}: no snapshot named "nope" (it has "base", "next")\n` });
    expect((await cli(["snapshot", "remove", "-r", VM, "base"], env)).code).toBe(0);
    expect((await cli(["snapshot", "tree", VM], env)).stdout).toBe("");
  });
});

describe("vm", () => {
  it("clone, reconfigure, destroy", async () => {
    const clone = await cli(["vm", "clone", "-vm", VM, "web-1"], env);
    expect(clone).toEqual({ code: 0, stdout: "/DC0/vm/web-1\n", stderr: "" });
    const re = await cli(["vm.reconfigure", "-c", "2", "-m", "256", "-annotation", "built by tsvmomi", "-e", "guestinfo.role=web", "web-1"], env);
    expect(re.stdout).toBe("/DC0/vm/web-1: reconfigured (numCPUs, memoryMB, annotation, extraConfig)\n");
    const got = JSON.parse((await cli(["get", "/DC0/vm/web-1", "config.hardware.numCPU", "config.hardware.memoryMB", "config.annotation", "config.extraConfig", "--json"], env)).stdout);
    const p = got.objects[0].properties;
    expect([p["config.hardware.numCPU"], p["config.hardware.memoryMB"], p["config.annotation"]]).toEqual([2, 256, "built by tsvmomi"]);
    expect(p["config.extraConfig"]).toContainEqual({ _typeName: "OptionValue", key: "guestinfo.role", value: "web" });
    const gone = await cli(["vm", "destroy", "web-1", "--json"], env);
    await expect(normalise(gone.stdout)).toMatchFileSnapshot("./golden/vm-destroy.json");
    expect((await cli(["ls", "/DC0/vm/web-1"], env)).code).toBe(1);
  });

  it("reconfigure without a change is a usage error", async () => {
    expect((await cli(["vm", "reconfigure", VM], env)).code).toBe(2);
  });
});

describe("datastore ls", () => {
  it("lists folders made on the datastore, recursively with -R", async () => {
    await using client = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    const fileManager = (client.serviceContent as { fileManager: MoRef<"FileManager"> }).fileManager;
    const datacenter = (await findByInventoryPath(client, "/DC0")) as MoRef<"Datacenter">;
    await client.call(FileManager.MakeDirectory, fileManager, { name: "[LocalDS_0] probe/inner", datacenter, createParentDirectories: true });
    const r = await cli(["datastore", "ls", "-ds", "LocalDS_0", "--json"], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { files: { path: string; type?: string }[] };
    expect(doc.files).toContainEqual(expect.objectContaining({ path: "probe", type: "Folder" }));
    expect((await cli(["datastore", "ls", "-ds", "LocalDS_0", "probe"], env)).stdout).toBe("inner/\n");
    const all = (await cli(["datastore", "ls", "-R", "-ds", "/DC0/datastore/LocalDS_0"], env)).stdout.split("\n");
    expect(all).toContain("probe/");
    expect(all).toContain("probe/inner/");
    const unknown = await cli(["datastore", "ls", "-ds", "NoSuchDS"], env);
    expect(unknown).toEqual({ code: 1, stdout: "", stderr: expect.stringMatching(/^tsvmomi: Datastore not found: "NoSuchDS" \(no object of that name in the \d+ inventory objects\)\n$/) });
  });
});

describe("datastore upload and download", () => {
  it("round-trips a file through the /folder endpoint; a missing file leaves nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsvmomi-ds-"));
    const data = randomBytes(300_000);
    writeFileSync(join(dir, "probe.bin"), data);
    const up = await cli(["datastore", "upload", "-ds", "LocalDS_0", join(dir, "probe.bin"), "up/probe.bin"], env);
    expect(up).toEqual({ code: 0, stdout: `${join(dir, "probe.bin")} -> [LocalDS_0] up/probe.bin (293.0 KB)\n`, stderr: "" });
    expect((await cli(["datastore", "ls", "-ds", "LocalDS_0", "up"], env)).stdout).toBe("probe.bin\n");
    const down = await cli(["datastore", "download", "-ds", "LocalDS_0", "up/probe.bin", join(dir, "back.bin"), "--json"], env);
    expect(JSON.parse(down.stdout)).toMatchObject({ remote: "[LocalDS_0] up/probe.bin", bytes: data.length });
    expect(readFileSync(join(dir, "back.bin")).equals(data)).toBe(true);
    const missing = await cli(["datastore", "download", "-ds", "LocalDS_0", "up/nope.bin", join(dir, "nope.bin")], env);
    expect(missing).toEqual({ code: 1, stdout: "", stderr: "tsvmomi: GET /folder/up/nope.bin on LocalDS_0: HTTP 404 (no such file or datastore)\n" });
    expect(readdirSync(dir).sort()).toEqual(["back.bin", "probe.bin"]);
    const noLocal = await cli(["datastore", "upload", "-ds", "LocalDS_0", join(dir, "absent.bin"), "x.bin"], env);
    expect(noLocal).toEqual({ code: 1, stdout: "", stderr: `tsvmomi: ${join(dir, "absent.bin")}: no such file\n` });
  });
});

describe("events and tasks", () => {
  it("events lists the latest events, oldest first", async () => {
    await cli(["power", "-off", VM], env);
    await cli(["power", "-on", VM], env);
    const r = await cli(["events", "-n", "5", VM], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(r.stdout).toMatch(/VmPoweredOnEvent\s+DC0_H0_VM0 on .* is powered on/);
    const json = JSON.parse((await cli(["events", "-n", "5", VM, "--json"], env)).stdout) as { events: { key: number; type: string }[] };
    const keys = json.events.map((e) => e.key);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(json.events.map((e) => e.type)).toContain("VmPoweredOffEvent");
  });

  it("events -f prints new events until interrupted, then exits 0", async () => {
    const r = await follow(["events", "-f", "-n", "1", VM], (out) => /VmPoweredOffEvent/.test(out), () => cli(["power", "-off", VM], env));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/VmPoweredOffEvent/);
    expect(r.stderr).toBe("");
    await cli(["power", "-on", VM], env);
  });

  it("tasks lists recent tasks; tasks -f follows new ones", async () => {
    const r = await cli(["tasks", "--json"], env);
    const doc = JSON.parse(r.stdout) as { tasks: { name: string; state: string }[] };
    expect(doc.tasks.some((t) => t.name === "VirtualMachine.powerOn" && t.state === "success")).toBe(true);
    const f = await follow(["tasks", "-f", "-n", "1"], (out) => /powerOff/.test(out), () => cli(["power", "-off", VM], env));
    expect(f.code).toBe(0);
    expect(f.stdout).toMatch(/VirtualMachine\.powerOff\s+\S+\s+(success|running|queued)/);
    await cli(["power", "-on", VM], env);
  });
});
