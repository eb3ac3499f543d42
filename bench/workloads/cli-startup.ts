/**
 * CLI start-up (issue 13): the whole process of one-shot
 * `tsvmomi get '/DC0/vm/*' name runtime.powerState` against a 20-VM vcsim,
 * next to the same job as a pyVmomi script and a govmomi program, each timed
 * from spawn to exit with its peak RSS (GNU time's %M, the process's own
 * maxrss). Rounds interleave the clients, so machine load hits all alike.
 *
 * tsvmomi runs twice per round: with the session cache (the default: the
 * cached session is checked, no Login) and with --persist-session=false
 * (Login and Logout every run, as the peers do).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startVcsim } from "../../test/vcsim/harness.js";
import { repoPath } from "../lib/repo.js";
import { load1, median } from "../lib/stats.js";
import { PYTHON } from "./clients.js";

export const CLI_CLIENTS = ["tsvmomi (cached session)", "tsvmomi (login)", "pyvmomi", "govmomi"] as const;
export type CliClient = (typeof CLI_CLIENTS)[number];

export interface CliStartupRow {
  readonly vms: number;
  readonly rounds: number;
  readonly load: number;
  readonly clients: Partial<Record<CliClient, { wallMs: number; maxRssMb: number; runs: number }>>;
  readonly void?: string;
}

const TIME = "/usr/bin/time";

interface Run {
  wallMs: number;
  maxRssKb: number;
  stdout: string;
  stderr: string;
}

function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "cli-startup-"));
  const out = join(dir, "time");
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(TIME, ["-f", "%M", "-o", out, command, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", (err) => reject(new Error(`cannot run ${TIME} (GNU time, Debian package "time"): ${err.message}`)));
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let maxRssKb = NaN;
      try {
        maxRssKb = Number(readFileSync(out, "utf8").trim().split("\n").pop());
      } catch {
        /* reported below */
      }
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")}: exit ${code}\n${stderr.slice(-2000)}`));
      else resolve({ wallMs, maxRssKb, stdout, stderr });
    });
  });
}

export async function benchCliStartup(rounds: number): Promise<CliStartupRow> {
  await using sim = await startVcsim({ dc: 1, cluster: 1, host: 1, standaloneHost: 1, vm: 10 });
  const vms = 20;
  const home = mkdtempSync(join(tmpdir(), "cli-startup-home-"));
  try {
    const env = { ...process.env, HOME: home, TSVMOMI_URL: sim.url, TSVMOMI_USERNAME: sim.username, TSVMOMI_PASSWORD: sim.password, TSVMOMI_THUMBPRINT: sim.thumbprint };
    const withCreds = new URL(sim.url);
    withCreds.username = sim.username;
    withCreds.password = sim.password;
    const bin = repoPath("packages", "tsvmomi-cli", "bin", "tsvmomi.cjs");
    const get = ["get", "/DC0/vm/*", "name", "runtime.powerState"];
    const commands: Record<CliClient, [string, string[]]> = {
      "tsvmomi (cached session)": [process.execPath, [bin, ...get]],
      "tsvmomi (login)": [process.execPath, [bin, "--persist-session=false", ...get]],
      pyvmomi: [PYTHON, [repoPath("bench", "peers", "pyvmomi_oneshot.py"), withCreds.href]],
      govmomi: [repoPath("bench", "bin", "govmomi-bench"), ["-mode", "oneshot", "-url", withCreds.href]],
    };
    // The first run logs in and caches the session; every timed cached run reuses it.
    await timed(process.execPath, [bin, "session", "login"], env);
    const samples = new Map<CliClient, Run[]>(CLI_CLIENTS.map((c) => [c, []]));
    const loads: number[] = [];
    let problem: string | undefined;
    for (let r = 0; r < rounds; r++) {
      loads.push(load1());
      for (const client of CLI_CLIENTS) {
        const [cmd, args] = commands[client];
        const run = await timed(cmd, args, env);
        // Every client must have listed the 20 VMs: tsvmomi prints a header and a row each, the peers one stderr line each.
        const listed = client.startsWith("tsvmomi") ? run.stdout.trim().split("\n").length - 1 : run.stderr.trim().split("\n").filter((l) => / powered/.test(l)).length;
        if (listed !== vms) problem ??= `${client} listed ${listed} VMs, expected ${vms}`;
        samples.get(client)!.push(run);
      }
    }
    const clients: CliStartupRow["clients"] = {};
    for (const [client, runs] of samples) {
      clients[client] = { wallMs: median(runs.map((r) => r.wallMs)), maxRssMb: median(runs.map((r) => r.maxRssKb)) / 1024, runs: runs.length };
    }
    return { vms, rounds, load: median(loads), clients, ...(problem ? { void: problem } : {}) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
