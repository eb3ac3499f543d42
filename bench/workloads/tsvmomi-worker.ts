/**
 * The tsvmomi client of the retrieve and watch workloads, run as its own
 * process so its peak RSS is its own (VmHWM from /proc/self/status, as the
 * Go and Python peers read it; getrusage's maxRSS survives execve on Linux
 * and would report the runner's peak).
 *
 *   node dist/bench/workloads/tsvmomi-worker.js retrieve <url> <thumbprint>
 *   node dist/bench/workloads/tsvmomi-worker.js watch <url> <thumbprint> <state> <count>
 *
 * Prints one JSON line (`watch` prints READY first, once its cache holds the
 * initial state).
 */
import { readFileSync } from "node:fs";
import { connect, type Client } from "../../runtime/index.js";
import { PropertyCollector, View, ViewManager, schemas } from "../../generated/vim25-7.0.3/index.js";
import type { MoRef } from "../../runtime/types.js";
import { watch } from "../../runtime/property/watch.js";
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
}

async function vmView(client: Client<Bindings>): Promise<MoRef<"ContainerView">> {
  return (await client.call(ViewManager.CreateContainerView, client.serviceContent.viewManager!, {
    container: client.serviceContent.rootFolder,
    type: ["VirtualMachine"],
    recursive: true,
  })) as MoRef<"ContainerView">;
}

function viewFilter(view: MoRef, paths: readonly string[]) {
  return {
    _typeName: "PropertyFilterSpec" as const,
    propSet: [{ _typeName: "PropertySpec" as const, type: "VirtualMachine", pathSet: [...paths] }],
    objectSet: [
      {
        _typeName: "ObjectSpec" as const,
        obj: view,
        skip: true,
        selectSet: [{ _typeName: "TraversalSpec" as const, type: "ContainerView", path: "view", skip: false }],
      },
    ],
  };
}

function deviceCount(val: unknown): number {
  if (Array.isArray(val)) return val.length;
  const inner = (val as { VirtualDevice?: unknown[] } | undefined)?.VirtualDevice;
  return Array.isArray(inner) ? inner.length : 0;
}

async function retrieve(client: Client<Bindings>): Promise<Omit<WorkerResult, "client" | "mode" | "maxRssKb">> {
  const t0 = performance.now();
  const view = await vmView(client);
  const pc = client.serviceContent.propertyCollector;
  let count = 0;
  let devices = 0;
  let page = await client.call(PropertyCollector.RetrievePropertiesEx, pc, {
    specSet: [viewFilter(view, RETRIEVE_PATHS)],
    options: { _typeName: "RetrieveOptions" },
  });
  while (page) {
    for (const obj of page.objects) {
      count++;
      for (const p of obj.propSet ?? []) if (p.name === "config.hardware.device") devices += deviceCount(p.val);
    }
    if (!page.token) break;
    page = await client.call(PropertyCollector.ContinueRetrievePropertiesEx, pc, { token: page.token });
  }
  const wallMs = performance.now() - t0;
  await client.call(View.DestroyView, view);
  return { count, devices, wallMs };
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
  if ((mode !== "retrieve" && mode !== "watch") || !url) {
    throw new Error("usage: tsvmomi-worker retrieve|watch <url-with-credentials> <thumbprint> [state count]");
  }
  const u = new URL(url);
  const client = await connect({
    url: `${u.origin}${u.pathname}`,
    bindings: schemas,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...(thumbprint ? { thumbprint } : { insecure: true }),
    keepAlive: false,
  });
  try {
    const r = mode === "retrieve" ? await retrieve(client) : await watchPower(client, state ?? "poweredOff", Number(want ?? 0));
    const out: WorkerResult = { client: "tsvmomi", mode, ...r, maxRssKb: peakRssKb() };
    process.stdout.write(JSON.stringify(out) + "\n");
  } finally {
    await client[Symbol.asyncDispose]();
    clearInterval(alive);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`tsvmomi-worker: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1); // the keep-alive timer would hold the process open
});
