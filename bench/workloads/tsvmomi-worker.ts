/**
 * The tsvmomi client of the retrieve and watch workloads, run as its own
 * process so its peak RSS is its own (VmHWM from /proc/self/status, as the
 * Go and Python peers read it; getrusage's maxRSS survives execve on Linux
 * and would report the runner's peak).
 *
 *   node dist/bench/workloads/tsvmomi-worker.js retrieve <url> <thumbprint>
 *   node dist/bench/workloads/tsvmomi-worker.js watch <url> <thumbprint> <state> <count>
 *   node dist/bench/workloads/tsvmomi-worker.js pages <url> <thumbprint> [pageSize]
 *
 * Prints one JSON line (`watch` prints READY first, once its cache holds the
 * initial state).
 */
import { readFileSync } from "node:fs";
// The published runtime, as an app imports it: the workspace resolves "tsvmomi" to packages/tsvmomi, the bundle.
import { connect, retrieve, retrievePages, watch, type Client } from "tsvmomi";
import { schemas } from "../../generated/default-lazy.js";
import { RETRIEVE_PATHS } from "./retrieve-paths.js";

type Bindings = typeof schemas;


interface WorkerResult {
  client: "tsvmomi";
  mode: string;
  count: number;
  devices?: number;
  wallMs: number;
  doneEpochMs?: number;
  maxRssKb: number;
  /** pages mode: pages received, and ms from the first call to the first page. */
  pages?: number;
  firstPageMs?: number;
  /** This process's CPU ms (user + system) over the retrieve (pages mode: the whole loop). */
  cpuMs?: number;
  /** pages mode: CPU ms up to the first page. */
  firstPageCpuMs?: number;
}

/** What a user of the runtime writes: one typed, paged retrieve through a ContainerView it cleans up. */
async function retrieveVms(client: Client<Bindings>): Promise<Omit<WorkerResult, "client" | "mode" | "maxRssKb">> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const vms = await retrieve(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, RETRIEVE_PATHS);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let devices = 0;
  for (const vm of vms) devices += vm["config.hardware.device"]?.length ?? 0;
  return { count: vms.length, devices, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * A consumer that processes pages and keeps nothing: it counts VMs and devices
 * page by page, so its peak RSS is what the runtime holds, not what the caller
 * accumulates (issue 16's constant-memory workload).
 */
async function countPages(client: Client<Bindings>, pageSize: number | undefined): Promise<Omit<WorkerResult, "client" | "mode" | "maxRssKb">> {
  const cpuSince = (from: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(from);
    return (d.user + d.system) / 1000;
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let count = 0;
  let devices = 0;
  let pages = 0;
  let firstPageMs = NaN;
  let firstPageCpuMs = NaN;
  // bench/workloads/scale.ts measures the next page asked for ahead (the default) against not.
  const prefetch = process.env.TSVMOMI_BENCH_PREFETCH !== "0";
  for await (const page of retrievePages(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, RETRIEVE_PATHS, { ...(pageSize ? { pageSize } : {}), prefetch })) {
    if (pages++ === 0) {
      firstPageMs = performance.now() - t0;
      firstPageCpuMs = cpuSince(cpu0);
    }
    count += page.length;
    for (const vm of page) devices += vm["config.hardware.device"]?.length ?? 0;
  }
  const wallMs = performance.now() - t0;
  return { count, devices, wallMs, pages, firstPageMs, cpuMs: cpuSince(cpu0), firstPageCpuMs };
}

const debug = process.env.TSVMOMI_BENCH_DEBUG === "1";

/** Our watch cache (runtime/property/watch.ts) over every VM's powerState. */
async function watchPower(client: Client<Bindings>, state: string, want: number): Promise<Omit<WorkerResult, "client" | "mode" | "maxRssKb">> {
  await using w = await watch(client, { from: { container: client.serviceContent.rootFolder }, type: "VirtualMachine", select: ["runtime.powerState"] });
  let t0 = 0;
  for await (const set of w) {
    if (set.kind === "initial") {
      t0 = performance.now();
      process.stdout.write("READY\n");
      continue;
    }
    let n = 0;
    for (const o of set.cache.values()) if (o.values["runtime.powerState"] === state) n++;
    if (debug) process.stderr.write(`tsvmomi-worker: ${set.kind} set, ${set.objects.length} objects, ${n}/${want} ${state} after ${(performance.now() - t0).toFixed(0)} ms\n`);
    if (n >= want) return { count: set.cache.size, wallMs: performance.now() - t0, doneEpochMs: Date.now() };
  }
  throw new Error("watch ended before every change arrived");
}

function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  // Seen in the bench: while a large answer was being computed, Node found nothing
  // keeping its loop alive and exited 0 mid-call. This timer holds it open.
  const alive = setInterval(() => {}, 60_000);
  const [mode, url, thumbprint, state, want] = process.argv.slice(2);
  if ((mode !== "retrieve" && mode !== "watch" && mode !== "pages") || !url) {
    throw new Error("usage: tsvmomi-worker retrieve|watch|pages <url-with-credentials> <thumbprint> [state count | pageSize]");
  }
  const u = new URL(url);
  const client = await connect({
    url: `${u.origin}${u.pathname}`,
    bindings: schemas,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...(thumbprint ? { thumbprint } : { insecure: true }),
    keepAlive: false,
    // bench/levers.ts measures undici's socket count; unset keeps the runtime's default.
    ...(process.env.TSVMOMI_BENCH_CONNECTIONS ? { connections: Number(process.env.TSVMOMI_BENCH_CONNECTIONS) } : {}),
  });
  try {
    const r =
      mode === "retrieve"
        ? await retrieveVms(client)
        : mode === "pages"
          ? await countPages(client, state ? Number(state) : undefined)
          : await watchPower(client, state ?? "poweredOff", Number(want ?? 0));
    const out: WorkerResult = { client: "tsvmomi", mode, ...r, maxRssKb: peakRssKb() };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await client[Symbol.asyncDispose]();
    clearInterval(alive);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`tsvmomi-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1); // the keep-alive timer would hold the process open
});
