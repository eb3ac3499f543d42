/**
 * The vCenter-like re-paging proxy (test/proxy/vcenter-proxy.ts) as a process of its own, for
 * the bench: it stands in for vCenter, so its work (reading vcsim's answer, cutting and sending
 * pages) is the server's, and must not share the measured client's process or event loop.
 *
 * Protocol, one JSON line each way on stdin/stdout (see proxy-process.ts, the parent side):
 *   in:  {"upstream": "...", "upstreamCa": "...", "pageSize": 100}
 *   out: {"url": "http://127.0.0.1:PORT/sdk"}
 *   in:  stats            out: ProxyStats as JSON (cumulative since start)
 *   stdin closed          the proxy closes and the process exits
 */
import { createInterface } from "node:readline";
import { startVcenterProxy, type VcenterProxyOptions } from "../../test/proxy/vcenter-proxy.js";
import type { ProxyStats } from "./proxy-process.js";

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error("proxy-child: stdin closed before the options line");
  const options = JSON.parse(first.value) as VcenterProxyOptions;
  const proxy = await startVcenterProxy(options);
  process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
  try {
    for (let line = await lines.next(); !line.done; line = await lines.next()) {
      if (line.value.trim() !== "stats") throw new Error(`proxy-child: unknown command ${JSON.stringify(line.value.slice(0, 40))}`);
      const cpu = process.cpuUsage();
      const { methods, ...counters } = proxy.counters;
      const stats: ProxyStats = { ...counters, heldTokens: proxy.heldTokens(), cpuMs: (cpu.user + cpu.system) / 1000 };
      process.stdout.write(`${JSON.stringify(stats)}\n`);
    }
  } finally {
    await proxy.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`proxy-child: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
