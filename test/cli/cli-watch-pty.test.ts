// `tsvmomi watch` in a real terminal: started under a pseudo-terminal
// (util-linux `script`), stopped with Ctrl-C typed into it. A second client
// sharing the session (vcsim scopes collectors to their session) checks that
// the watch's PropertyCollector and filter exist while it runs and are gone
// after Ctrl-C. Runs the built command line (`npm run build`), as a user would.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, isFault, type Client, type MoRef } from "../../runtime/index.js";
import { retrieveAny } from "../../runtime/property/retrieve.js";
import { schemas, VirtualMachine } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { cli, simEnv } from "./run-cli.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(repo, "packages", "tsvmomi-cli", "bin", "tsvmomi.cjs");

let sim: Vcsim;
let env: Record<string, string | undefined>;
let observer: Client<typeof schemas>;

beforeAll(async () => {
  if (!existsSync(join(repo, "packages", "tsvmomi-cli", "dist", "cli.cjs"))) throw new Error("packages/tsvmomi-cli/dist/cli.cjs is missing: run `npm run build` first (npm test does)");
  if (spawnSync("script", ["--version"]).status !== 0) throw new Error("util-linux `script` is needed for the terminal test (Debian package bsdutils)");
  sim = await startVcsim({ dc: 1, cluster: 0, host: 0, standaloneHost: 1, vm: 1 });
  env = simEnv(sim);
  expect((await cli(["session", "login"], env)).code).toBe(0);
  const sessionCache = join(env.HOME!, ".tsvmomi", "sessions.json");
  observer = await connect({ url: sim.url, bindings: schemas, username: sim.username, password: sim.password, thumbprint: sim.thumbprint, sessionCache });
}, 60_000);

afterAll(async () => {
  await observer?.close();
  await sim?.stop();
});

/** vcsim names session-scoped objects `session[<session key>]<uuid>`; the trace masks the key (it is the cookie), the cache file holds it. */
function collectorRef(trace: string): MoRef<"PropertyCollector"> {
  const m = /CreatePropertyCollectorResponse.*?<returnval type="PropertyCollector">session\[\*\*\*\]([0-9a-f-]{36})</s.exec(trace);
  if (!m) throw new Error(`no CreatePropertyCollector answer in the trace:\n${trace.slice(-2000)}`);
  const cache = JSON.parse(readFileSync(join(env.HOME!, ".tsvmomi", "sessions.json"), "utf8")) as { sessions: Record<string, { cookie: string }> };
  const cookie = Object.values(cache.sessions)[0]!.cookie;
  return { type: "PropertyCollector", value: `session[${cookie}]${m[1]}` };
}

async function filtersOf(collector: MoRef<"PropertyCollector">): Promise<MoRef[] | "gone"> {
  try {
    const [o] = await retrieveAny(observer, [collector], ["filter"]);
    if (!o) return "gone";
    return (o.filter as MoRef[] | undefined) ?? [];
  } catch (err) {
    if (isFault(err, "ManagedObjectNotFound")) return "gone";
    throw err;
  }
}

it("Ctrl-C in a terminal stops the watch and leaves no collector or filter on the server", async () => {
  const command = `exec node ${JSON.stringify(bin)} --debug watch /DC0/vm/DC0_H0_VM0 runtime.powerState`;
  const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { env: { ...process.env, ...env, TSVMOMI_TRACE: undefined } as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (out += s));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (re: RegExp, what: string) => {
    for (let i = 0; i < 600 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    if (!re.test(out)) throw new Error(`timed out waiting for ${what}; terminal so far:\n${out.slice(-3000)}`);
  };
  try {
    await waitFor(/Z \/DC0\/vm\/DC0_H0_VM0 runtime\.powerState=poweredOn\r?\n/, "the initial value");
    const collector = collectorRef(out);
    const during = await filtersOf(collector);
    expect(during).not.toBe("gone");
    expect(during).toHaveLength(1); // the check below can fail: the collector and its filter are there now

    const [vm] = await retrieveAny(observer, { container: observer.serviceContent.rootFolder, type: "VirtualMachine" }, ["name"]);
    await observer.call(VirtualMachine.PowerOffVM_Task, vm!.ref as MoRef<"VirtualMachine">, {});
    await waitFor(/runtime\.powerState=poweredOff\r?\n/, "the change");

    child.stdin.write("\x03"); // Ctrl-C, as typed: the terminal turns it into SIGINT for the foreground process
    expect(await exited).toBe(0);
    expect(out).toMatch(/-> DestroyPropertyCollector/);
    expect(await filtersOf(collector)).toBe("gone");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}, 60_000);
