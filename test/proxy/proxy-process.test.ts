// The bench runs the re-paging proxy in a process of its own (bench/lib/proxy-process.ts), so its
// work is not counted as the client's. This checks that mode end to end against vcsim: the same
// paging as in-process, counters read over the pipe, cleanup on every path. Needs `npm run build`
// (the child is dist/bench/lib/proxy-child.js); `npm test` builds first.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxyProcess, type ProxyProcess } from "../../bench/lib/proxy-process.js";
import { distBench } from "../../bench/lib/repo.js";
import { connect, moRefKey, type Client } from "../../runtime/index.js";
import { retrievePages } from "../../runtime/property/retrieve.js";
import { schemas } from "../support/bindings.js";
import { startVcsim, type Vcsim } from "../vcsim/harness.js";

const VMS = 130; // × (1 cluster + 1 standalone host) = 260 VMs: three pages of 100
const EXPECTED = 260;

let sim: Vcsim;
let proxy: ProxyProcess;
let client: Client<typeof schemas>;

beforeAll(async () => {
  if (!existsSync(distBench("lib", "proxy-child.js"))) throw new Error("dist/bench/lib/proxy-child.js is missing: run `npm run build` first (npm test does)");
  sim = await startVcsim({ dc: 1, cluster: 1, standaloneHost: 1, host: 1, vm: VMS });
  proxy = await startProxyProcess({ upstream: sim.url, upstreamCa: sim.certificatePem, pageSize: 100 });
  client = await connect({ url: proxy.url, bindings: schemas, username: sim.username, password: sim.password });
}, 60_000);

afterAll(async () => {
  await client?.[Symbol.asyncDispose]();
  await proxy?.close();
  await sim?.stop();
});

describe("the re-paging proxy as a child process", () => {
  it("pages vcsim's answer as the in-process proxy does, and reports its counters over the pipe", async () => {
    const before = await proxy.stats();
    const seen = new Set<string>();
    const sizes: number[] = [];
    for await (const page of retrievePages(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["name", "config.hardware.device"])) {
      sizes.push(page.length);
      for (const vm of page) {
        seen.add(moRefKey(vm.ref));
        expect(vm["config.hardware.device"]?.length).toBeGreaterThan(0);
      }
    }
    expect(seen.size).toBe(EXPECTED);
    expect(sizes).toEqual([100, 100, 60]);
    const after = await proxy.stats();
    expect(after.pagedRetrieves - before.pagedRetrieves).toBe(1);
    expect(after.continues - before.continues).toBe(2);
    expect(after.pagesServed - before.pagesServed).toBe(3);
    expect(after.heldTokens).toBe(0);
    expect(after.cpuMs).toBeGreaterThan(before.cpuMs);
  });

  it("a consumer that stops after the first page leaves no token held in the proxy", async () => {
    const before = await proxy.stats();
    for await (const page of retrievePages(client, { container: client.serviceContent.rootFolder, type: "VirtualMachine" }, ["name"])) {
      expect(page).toHaveLength(100);
      break;
    }
    const after = await proxy.stats();
    expect(after.cancels - before.cancels).toBe(1);
    expect(after.heldTokens).toBe(0);
  });

  it("a proxy that cannot start fails with the child's own message", async () => {
    const err = await startProxyProcess({ upstream: sim.url, pageSize: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/proxy-child exited[\s\S]*pageSize must be a positive integer, got 0/);
  });
});
