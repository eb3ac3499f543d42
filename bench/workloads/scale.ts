/**
 * Issue 16's "how cost grows with work": the same five-path retrieve at
 * several inventory sizes, and our page-by-page consumer (`retrievePages`,
 * counting devices, keeping nothing) unpaged and through the vCenter-like
 * re-paging proxy (test/proxy/vcenter-proxy.ts).
 *
 * Opt-in (`--only scale`): 11,000 VMs take minutes to create on a loaded
 * machine. `--small` shrinks it to the small inventory, paged at 10 objects.
 *
 * The proxy stands in for vCenter, so it runs in a process of its own
 * (bench/lib/proxy-process.ts): its work is the server's, not the client's.
 * The worker's CPU per page (its own process.cpuUsage) and the proxy's time
 * per ContinueRetrievePropertiesEx are reported apart from the wall time.
 * Worker → proxy is plain http; proxy → vcsim is TLS. The unpaged run talks
 * TLS to vcsim directly.
 */
import type { Vcsim } from "../../test/vcsim/harness.js";
import { runJsonChild } from "../lib/proc.js";
import { startProxyProcess, type ProxyStats } from "../lib/proxy-process.js";
import { load1, median } from "../lib/stats.js";
import { urlWithCredentials } from "../lib/vcsim.js";
import { commandFor, type PeerResult } from "./clients.js";
import type { RetrieveRow } from "./retrieve.js";

export interface PagesFigures {
  vms: number;
  /** "proxy-serial": through the proxy with RetrieveOptions.prefetch off (the next page asked for only once an answer ended). */
  mode: "unpaged" | "proxy" | "proxy-serial";
  pageSize?: number;
  pages: number;
  count: number;
  devices: number;
  wallMs: number;
  firstPageMs: number;
  /** The worker's own CPU ms per page after the first (median over runs). */
  clientCpuPerPageMs: number;
  /** Through the proxy: its ms per ContinueRetrievePropertiesEx answered (median over runs). */
  proxyPerPageMs?: number;
  maxRssMb: number;
  load: number;
}

/** A worker's result with what the proxy did meanwhile (undefined for the unpaged run). */
interface PagesRun {
  result: PeerResult;
  proxy?: { continues: number; continueMs: number };
}

async function runPages(url: string, thumbprint: string, pageSize: number | undefined, prefetch: boolean, stats?: () => Promise<ProxyStats>): Promise<PagesRun> {
  const [cmd, args] = commandFor("tsvmomi", "pages", url, thumbprint, pageSize ? [String(pageSize)] : []);
  const env = prefetch ? process.env : { ...process.env, TSVMOMI_BENCH_PREFETCH: "0" };
  const before = await stats?.();
  const result = await runJsonChild<PeerResult>(`tsvmomi pages${pageSize ? ` (${pageSize}/page)` : ""}${prefetch ? "" : " no prefetch"}`, cmd, args, { env }).result;
  const after = await stats?.();
  if (!before || !after) return { result };
  return { result, proxy: { continues: after.continues - before.continues, continueMs: after.continueMs - before.continueMs } };
}

function summarize(vms: number, mode: PagesFigures["mode"], pageSize: number | undefined, runs: PagesRun[], load: number): PagesFigures {
  const results = runs.map((r) => r.result);
  const seen = new Set(results.map((r) => `${r.count}/${r.devices}`));
  if (seen.size !== 1 || results[0]!.count !== vms) throw new Error(`pages ${mode}: expected ${vms} VMs every run, saw ${[...seen].join(", ")}`);
  return {
    vms,
    mode,
    ...(pageSize ? { pageSize } : {}),
    pages: results[0]!.pages ?? NaN,
    count: results[0]!.count,
    devices: results[0]!.devices ?? NaN,
    wallMs: median(results.map((r) => r.wallMs)),
    firstPageMs: median(results.map((r) => r.firstPageMs ?? NaN)),
    clientCpuPerPageMs: median(results.map((r) => (r.pages && r.pages > 1 ? ((r.cpuMs ?? NaN) - (r.firstPageCpuMs ?? NaN)) / (r.pages - 1) : NaN))),
    ...(runs[0]!.proxy ? { proxyPerPageMs: median(runs.map((r) => (r.proxy && r.proxy.continues > 0 ? r.proxy.continueMs / r.proxy.continues : NaN))) } : {}),
    maxRssMb: median(results.map((r) => r.maxRssKb)) / 1024,
    load,
  };
}

/** Unpaged (one RetrievePropertiesEx answer holding every VM) and re-paged at `pageSize`, interleaved per round. */
export async function benchPages(sim: Vcsim, vms: number, pageSize: number, rounds: number): Promise<PagesFigures[]> {
  await using proxy = await startProxyProcess({ upstream: sim.url, upstreamCa: sim.certificatePem, pageSize });
  const stats = () => proxy.stats();
  const direct: PagesRun[] = [];
  const paged: PagesRun[] = [];
  const serial: PagesRun[] = [];
  const loads: number[] = [];
  const proxied = new URL(proxy.url);
  proxied.username = sim.username;
  proxied.password = sim.password;
  for (let i = 0; i < rounds; i++) {
    loads.push(load1());
    direct.push(await runPages(urlWithCredentials(sim), sim.thumbprint, undefined, true));
    loads.push(load1());
    paged.push(await runPages(proxied.href, "", pageSize, true, stats));
    loads.push(load1());
    serial.push(await runPages(proxied.href, "", pageSize, false, stats));
  }
  const held = (await stats()).heldTokens;
  if (held !== 0) throw new Error(`pages: the proxy still holds ${held} retrieve token(s) after every run finished`);
  const load = median(loads);
  return [summarize(vms, "unpaged", undefined, direct, load), summarize(vms, "proxy", pageSize, paged, load), summarize(vms, "proxy-serial", pageSize, serial, load)];
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");

export function renderPages(rows: PagesFigures[]): string {
  const unpaged = new Map(rows.filter((r) => r.mode === "unpaged").map((r) => [r.vms, r]));
  const smallest = new Map<string, PagesFigures>();
  for (const r of [...rows].sort((a, b) => a.vms - b.vms)) if (!smallest.has(r.mode)) smallest.set(r.mode, r);
  const lines = [
    "| VMs | how | pages | wall ms | vs unpaged | first page ms | ms per later page | client CPU ms per later page | proxy ms per page | peak RSS MB | RSS vs smallest | load 1m |",
    "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of rows) {
    const base = unpaged.get(r.vms);
    const perPage = r.pages > 1 ? (r.wallMs - r.firstPageMs) / (r.pages - 1) : NaN;
    const s = smallest.get(r.mode)!;
    lines.push(
      `| ${f0(r.vms)} | ${r.mode === "unpaged" ? "unpaged (TLS to vcsim)" : `proxy, ${r.pageSize}/page (http)${r.mode === "proxy-serial" ? ", no prefetch" : ""}`} | ${f0(r.pages)} | ${f0(r.wallMs)} | ${base ? `${(r.wallMs / base.wallMs).toFixed(2)}×` : ""} | ${f0(r.firstPageMs)} | ${f1(perPage)} | ${f1(r.clientCpuPerPageMs)} | ${r.proxyPerPageMs === undefined ? "" : f1(r.proxyPerPageMs)} | ${f1(r.maxRssMb)} | ${s === r ? "" : `+${f1(r.maxRssMb - s.maxRssMb)} MB`} | ${r.load.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

/** Wall time and peak RSS per client at each size, with the cost per VM between consecutive sizes. */
export function renderScaling(rows: RetrieveRow[]): string {
  const sorted = [...rows].sort((a, b) => a.expectedVms - b.expectedVms);
  const lines = [
    "| VMs | client | wall ms | µs per VM | peak RSS MB | added wall µs per added VM | added RSS KB per added VM | load 1m | notes |",
    "|--:|---|--:|--:|--:|--:|--:|--:|---|",
  ];
  for (let i = 0; i < sorted.length; i++) {
    const row = sorted[i]!;
    const prev = sorted[i - 1];
    for (const [client, c] of Object.entries(row.clients)) {
      const p = prev?.clients[client as keyof typeof row.clients];
      const dVm = prev ? row.expectedVms - prev.expectedVms : NaN;
      const addWall = p ? ((c.wallMs - p.wallMs) * 1000) / dVm : NaN;
      const addRss = p ? ((c.maxRssMb - p.maxRssMb) * 1024) / dVm : NaN;
      lines.push(
        `| ${f0(row.expectedVms)} | ${client} | ${f0(c.wallMs)} | ${f0((c.wallMs * 1000) / row.expectedVms)} | ${f1(c.maxRssMb)} | ${f0(addWall)} | ${f1(addRss)} | ${row.load.toFixed(2)} | ${row.void ?? `${f0(c.count)} VMs / ${f0(c.devices)} devices`} |`,
      );
    }
  }
  return lines.join("\n");
}
