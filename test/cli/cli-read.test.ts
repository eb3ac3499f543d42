// The read-only commands end to end against one vcsim: about, ls, find, info,
// get, session, the connection rules, exit codes and --json golden files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";
import { cli, normalise, simEnv } from "./run-cli.js";

let sim: Vcsim;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  sim = await startVcsim({ dc: 1, cluster: 1, host: 2, standaloneHost: 1, vm: 2 });
  env = simEnv(sim);
}, 60_000);

afterAll(async () => {
  await sim?.stop();
});

const golden = (name: string) => `./golden/${name}.json`;

describe("about", () => {
  it("prints the AboutInfo without logging in", async () => {
    const r = await cli(["about"], { ...env, TSVMOMI_USERNAME: undefined, TSVMOMI_PASSWORD: undefined });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^FullName:\s+VMware vCenter Server/m);
    expect(r.stdout).toMatch(/^API type:\s+VirtualCenter$/m);
  });

  it("--json has a stable shape", async () => {
    const r = await cli(["about", "--json"], env);
    expect(r.code).toBe(0);
    await expect(normalise(r.stdout)).toMatchFileSnapshot(golden("about"));
  });
});

describe("ls and find", () => {
  it("lists the root, a datacenter and a folder", async () => {
    expect((await cli(["ls"], env)).stdout).toBe("/DC0\n");
    expect((await cli(["ls", "/DC0"], env)).stdout).toBe("/DC0/vm\n/DC0/host\n/DC0/datastore\n/DC0/network\n");
    const vms = await cli(["ls", "-l", "/DC0/vm"], env);
    expect(vms.code).toBe(0);
    expect(vms.stdout.trim().split("\n")).toHaveLength(4); // 2 in the cluster's pool + 2 on the standalone host
    expect(vms.stdout).toMatch(/^\/DC0\/vm\/DC0_H0_VM0\s+VirtualMachine\s+VirtualMachine:vm-\d+$/m);
  });

  it("a glob lists its matches; a path that names nothing is one error line, exit 1", async () => {
    const r = await cli(["ls", "/DC0/vm/*_VM1"], env);
    expect(r.stdout.split("\n").filter(Boolean).every((l) => l.endsWith("_VM1"))).toBe(true);
    const bad = await cli(["ls", "/DC0/vm/nope"], env);
    expect(bad).toEqual({ code: 1, stdout: "", stderr: expect.stringMatching(/^tsvmomi: object not found: "\/DC0\/vm\/nope" \(nothing matches "nope" under \/DC0\/vm; it has: DC0_C0_RP0_VM0, [^\n]+\)\n$/) });
  });

  it("find by type and name glob, across the inventory", async () => {
    const r = await cli(["find", "-type", "vm", "-name", "*_VM0"], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(["/DC0/vm/DC0_C0_RP0_VM0", "/DC0/vm/DC0_H0_VM0"]);
    const hosts = await cli(["find", "/DC0/host", "-type", "host", "--json"], env);
    await expect(normalise(hosts.stdout)).toMatchFileSnapshot(golden("find-hosts"));
  });

  it("find -type rejects an unknown kind as a usage error", async () => {
    const r = await cli(["find", "-type", "vms"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tsvmomi: find: -type must be one of vm, host, .*got "vms"\n$/);
  });
});

describe("get", () => {
  it("reads properties of every match of a glob", async () => {
    const r = await cli(["get", "/DC0/vm/*", "name", "runtime.powerState"], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^PATH\s+name\s+runtime\.powerState$/);
    expect(lines.slice(1)).toHaveLength(4);
    for (const l of lines.slice(1)) expect(l).toMatch(/^\/DC0\/vm\/(\S+)\s+\1\s+poweredOn$/);
  });

  it("checks paths against the type's path list and suggests the nearest one (exit 2, nothing read)", async () => {
    const r = await cli(["get", "/DC0/vm/DC0_H0_VM0", "runtime.powerstate"], env);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: 'tsvmomi: get: "runtime.powerstate" is not a property path of VirtualMachine; did you mean "runtime.powerState"?\n',
    });
  });

  it("--json golden", async () => {
    const r = await cli(["get", "/DC0/vm/DC0_H0_VM*", "name", "summary.config.numCpu", "runtime.powerState", "--json"], env);
    expect(r.code).toBe(0);
    await expect(normalise(r.stdout)).toMatchFileSnapshot(golden("get"));
  });
});

describe("info", () => {
  it("summarises a VM, a host and a datastore", async () => {
    const r = await cli(["info", "/DC0/vm/DC0_H0_VM0", "/DC0/host/DC0_H0/DC0_H0", "/DC0/datastore/LocalDS_0"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Power State:\s+poweredOn$/m);
    expect(r.stdout).toMatch(/^Product:\s+VMware ESXi/m);
    expect(r.stdout).toMatch(/^Capacity:\s+[\d.]+ GB$/m);
    const json = await cli(["info", "--json", "/DC0/vm/DC0_H0_VM0", "/DC0/datastore/LocalDS_0"], env);
    await expect(normalise(json.stdout)).toMatchFileSnapshot(golden("info"));
  });
});

describe("sessions", () => {
  it("login caches the session; the next command reuses it; logout ends it", async () => {
    const own = simEnv(sim);
    expect((await cli(["session", "login"], own)).stdout).toBe(`logged in to ${sim.url} as user\n`);
    const first = JSON.parse((await cli(["session", "ls", "--json"], own)).stdout) as { sessions: { key: string; current: boolean }[] };
    const second = JSON.parse((await cli(["session", "ls", "--json"], own)).stdout) as { sessions: { key: string; current: boolean }[] };
    const current = (s: typeof first) => s.sessions.find((x) => x.current)?.key;
    expect(current(first)).toBeDefined();
    expect(current(second)).toBe(current(first)); // no second Login
    expect((await cli(["session", "logout"], own)).code).toBe(0);
    const after = JSON.parse((await cli(["session", "ls", "--json"], own)).stdout) as typeof first;
    expect(after.sessions.map((s) => s.key)).not.toContain(current(first));
  });

  it("--persist-session=false logs in and out each time", async () => {
    const own = simEnv(sim);
    const a = JSON.parse((await cli(["session", "ls", "--json", "--persist-session=false"], own)).stdout) as { sessions: { key: string; current: boolean }[] };
    const b = JSON.parse((await cli(["session", "ls", "--json", "--persist-session=false"], own)).stdout) as typeof a;
    const keyA = a.sessions.find((s) => s.current)!.key;
    expect(b.sessions.find((s) => s.current)!.key).not.toBe(keyA);
    expect(b.sessions.map((s) => s.key)).not.toContain(keyA); // logged out after the first run
  });
});

describe("connection", () => {
  it("takes GOVC_URL with credentials in the user info, and GOVC_INSECURE", async () => {
    const url = new URL(sim.url);
    const r = await cli(["ls"], { HOME: env.HOME, GOVC_URL: `user:pass@${url.host}`, GOVC_INSECURE: "1" });
    expect(r).toEqual({ code: 0, stdout: "/DC0\n", stderr: "" });
  });

  it("pins a SHA-1 thumbprint from GOVC_TLS_KNOWN_HOSTS, and refuses a wrong one", async () => {
    const url = new URL(sim.url);
    const known = join(env.HOME!, "known_hosts");
    writeFileSync(known, `${url.host} ${sim.thumbprintSha1}\n`);
    const ok = await cli(["ls"], { HOME: env.HOME, GOVC_URL: `https://user:pass@${url.host}/sdk`, GOVC_TLS_KNOWN_HOSTS: known });
    expect(ok).toEqual({ code: 0, stdout: "/DC0\n", stderr: "" });
    writeFileSync(known, `${url.host} ${"AB:".repeat(19)}AB\n`);
    const bad = await cli(["ls"], { HOME: env.HOME, GOVC_URL: `https://user:pass@${url.host}/sdk`, GOVC_TLS_KNOWN_HOSTS: known });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tsvmomi: 127\.0\.0\.1:\d+: certificate thumbprint mismatch: known_hosts has SHA-1 AB:AB.*\n$/);
  });

  it("without a pin or -k the self-signed certificate is refused in one line", async () => {
    const r = await cli(["ls"], { ...env, TSVMOMI_THUMBPRINT: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")).toHaveLength(2); // one line + the final newline
    expect(r.stderr).toMatch(/^tsvmomi: .*(certificate|TLS)/i);
  });

  it("a wrong password is one line naming the fault, and the password never appears", async () => {
    const locked = await startVcsim({ dc: 1, username: "admin", password: "right" });
    try {
      const r = await cli(["ls"], { ...simEnv(locked), TSVMOMI_USERNAME: "admin", TSVMOMI_PASSWORD: "s3cret-wrong" });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^tsvmomi: Login: InvalidLogin.*\n$/);
      expect(r.stderr).not.toContain("s3cret-wrong");
    } finally {
      await locked.stop();
    }
  });
});

describe("usage errors exit 2 with one line", () => {
  it.each([
    [["nosuch"], /unknown command "nosuch"/],
    [["lss"], /did you mean ls\?/],
    [["ls", "--jsn"], /unknown flag --jsn; did you mean -json\?/],
    [["get", "/DC0"], /get: expected PATH PROPERTY/],
    [["datastore"], /datastore: expected a subcommand: ls/],
    [["snapshot", "nope", "x"], /snapshot: unknown subcommand "nope"/],
    [[], /no command given/],
  ])("%j", async (argv, message) => {
    const r = await cli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("no server configured", async () => {
    const r = await cli(["ls"], { HOME: env.HOME });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "tsvmomi: no server: pass --url or set TSVMOMI_URL (or GOVC_URL)\n" });
  });

  it("--help and --version print and exit 0", async () => {
    expect((await cli(["--help"], env)).stdout).toMatch(/^usage: tsvmomi/);
    expect((await cli(["get", "--help"], env)).stdout).toMatch(/^usage: tsvmomi get PATH PROPERTY\.\.\./);
    expect((await cli(["--version"], env)).stdout).toMatch(/^tsvmomi \d+\.\d+\.\d+\n$/);
  });
});
