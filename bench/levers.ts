/**
 * Issue 16's levers, measured rather than assumed: our retrieve worker on the
 * large inventory (5,500 VMs, five paths) with one setting changed at a time,
 * variants interleaved round by round in fresh processes.
 *
 *   node dist/bench/levers.js [--rounds N] [--vm VMS_PER_POOL]
 *
 * Prints a markdown table (medians); writes nothing.
 */
import { parseArgs } from "node:util";
import { runJsonChild } from "./lib/proc.js";
import { load1, median } from "./lib/stats.js";
import { buildNativeParts, scaledInventory, startInventory, urlWithCredentials, vmCount } from "./lib/vcsim.js";
import { commandFor, type PeerResult } from "./workloads/clients.js";

interface Variant {
  readonly name: string;
  readonly nodeFlags: string[];
  readonly env: Record<string, string>;
}

const VARIANTS: readonly Variant[] = [
  { name: "default (8 sockets, V8 default young generation)", nodeFlags: [], env: {} },
  { name: "connections: 1", nodeFlags: [], env: { TSVMOMI_BENCH_CONNECTIONS: "1" } },
  // 16 MB is V8's own cap on 64-bit Node 20, so `--max-semi-space-size=16` measured the default.
  { name: "--max-semi-space-size=8", nodeFlags: ["--max-semi-space-size=8"], env: {} },
  { name: "--min-semi-space-size=16", nodeFlags: ["--min-semi-space-size=16"], env: {} },
  { name: "--single-threaded-gc", nodeFlags: ["--single-threaded-gc"], env: {} },
  { name: "--max-semi-space-size=64", nodeFlags: ["--max-semi-space-size=64"], env: {} },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: "string" }, vm: { type: "string" } }, strict: true });
  const rounds = Number(values.rounds ?? 3);
  const inv = scaledInventory(Number(values.vm ?? 500));
  buildNativeParts();
  console.error(`levers: starting vcsim with ${vmCount(inv)} VMs (load ${load1()})`);
  await using sim = await startInventory(inv);
  const runs = new Map<string, PeerResult[]>(VARIANTS.map((v) => [v.name, []]));
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[(i + r) % VARIANTS.length]!;
      const [cmd, args] = commandFor("tsvmomi", "retrieve", urlWithCredentials(sim), sim.thumbprint, [], v.nodeFlags);
      loads.push(load1());
      const res = await runJsonChild<PeerResult>(`levers ${v.name}`, cmd, args, { env: { ...process.env, ...v.env } }).result;
      if (res.count !== vmCount(inv)) throw new Error(`levers ${v.name}: expected ${vmCount(inv)} VMs, got ${res.count}`);
      runs.get(v.name)!.push(res);
      console.error(`levers: ${v.name}: ${res.wallMs.toFixed(0)} ms, ${(res.maxRssKb / 1024).toFixed(1)} MB (load ${load1()})`);
    }
  }
  console.log(`${vmCount(inv).toLocaleString("en-US")} VMs, ${rounds} rounds interleaved, medians; load 1m median ${median(loads).toFixed(2)} (range ${Math.min(...loads)}–${Math.max(...loads)})`);
  console.log("");
  // CPU time too: under load it moves less than wall time from run to run.
  console.log("| variant | retrieve wall ms (min–max) | retrieve CPU ms (min–max) | peak RSS MB (min–max) |");
  console.log("|---|--:|--:|--:|");
  const range = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  for (const [name, rs] of runs) {
    console.log(`| ${name} | ${range(rs.map((x) => x.wallMs), 0)} | ${range(rs.map((x) => x.cpuMs ?? NaN), 0)} | ${range(rs.map((x) => x.maxRssKb / 1024), 1)} |`);
  }
}

main().catch((err: unknown) => {
  console.error(`levers: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
