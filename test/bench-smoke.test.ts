// The bench's pure helpers: medians and the .cpuprofile summary. The
// benchmarks themselves stay out of `npm test` (CI runs `npm run bench -- --small`).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { median } from "../bench/lib/stats.js";
import { categorize, summarizeProfile } from "../bench/lib/cpuprofile.js";
import { vmCount, INVENTORIES, scaledInventory } from "../bench/lib/vcsim.js";
import { renderPages, type PagesFigures } from "../bench/workloads/scale.js";

describe("bench helpers", () => {
  it("median of odd and even lengths, unsorted input left alone", () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("inventory sizes follow dc × (clusters + standalone hosts) × VMs", () => {
    const { large, small } = INVENTORIES;
    expect(vmCount(large)).toBe(large.dc * (large.cluster + large.standaloneHost) * large.vm);
    expect(vmCount(large)).toBe(5500);
    expect(vmCount(small)).toBe(50);
    expect(vmCount(scaledInventory(1000))).toBe(11_000);
    expect(scaledInventory(50).name).toBe("550 VMs");
  });

  it("pages table: per-page time after the first page, client CPU and proxy time per page, ratio to unpaged, RSS above the smallest size of the same mode", () => {
    const row = (vms: number, mode: PagesFigures["mode"], pages: number, wallMs: number, firstPageMs: number, maxRssMb: number): PagesFigures => ({
      vms, mode, ...(mode === "proxy" ? { pageSize: 100, proxyPerPageMs: 2.25 } : {}), pages, count: vms, devices: 13 * vms, wallMs, firstPageMs, clientCpuPerPageMs: 7.5, maxRssMb, load: 1,
    });
    const lines = renderPages([row(1100, "unpaged", 1, 1000, 990, 100), row(1100, "proxy", 11, 2000, 1000, 90), row(11000, "unpaged", 1, 10000, 9990, 200), row(11000, "proxy", 110, 12000, 1100, 95)]).split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[3]).toContain("| 1,100 | proxy, 100/page (http) | 11 | 2,000 | 2.00× | 1,000 | 100.0 | 7.5 | 2.3 | 90.0 |  |");
    expect(lines[5]).toContain("| 11,000 | proxy, 100/page (http) | 110 | 12,000 | 1.20× | 1,100 | 100.0 | 7.5 | 2.3 | 95.0 | +5.0 MB |");
    expect(lines[4]).toContain("| — | 7.5 |  | 200.0 | +100.0 MB |");
  });

  it("puts profile samples in categories by script URL and adds self time per function", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0, scriptId: "0" });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 4] },
        { id: 2, callFrame: frame("feed", "file:///x/dist/runtime/codec/xml-tokenizer.js") },
        { id: 3, callFrame: frame("(idle)", "") },
        { id: 4, callFrame: frame("(garbage collector)", "") },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [1000, 2000, 4000, 500, 1500],
    };
    const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
    const file = join(dir, "p.cpuprofile");
    writeFileSync(file, JSON.stringify(profile));
    const s = summarizeProfile(file);
    expect(s.totalMs).toBeCloseTo(9, 6);
    expect(s.byCategory["decoder (runtime/codec)"]).toBeCloseTo(4.5, 6);
    expect(s.byCategory["idle (waiting for the server)"]).toBeCloseTo(4, 6);
    expect(s.byCategory.GC).toBeCloseTo(0.5, 6);
    expect(s.top[0]).toMatchObject({ name: "feed", where: "runtime/codec/xml-tokenizer.js:1" });
  });

  it("transport frames are not counted as decoder time", () => {
    expect(categorize("node:internal/tls/wrap", "onread")).toBe("transport (undici, TLS, streams)");
    expect(categorize("file:///r/node_modules/undici/lib/core.js", "x")).toBe("transport (undici, TLS, streams)");
    expect(categorize("file:///r/dist/runtime/soap/transport.js", "send")).toMatch(/^client\/transport/);
  });
});
