/**
 * Workload 3: a watcher (our watch cache, or govmomi's property.WaitForUpdates)
 * follows every VM's powerState; once it has the initial state a second client
 * powers N VMs off. The figure is the time from the first PowerOff call until
 * the watcher has seen all N poweredOff. Between runs the VMs are powered back
 * on, untimed.
 */
import type { Vcsim } from "../../test/vcsim/harness.js";
import { runJsonChild } from "../lib/proc.js";
import { load1, median } from "../lib/stats.js";
import { urlWithCredentials } from "../lib/vcsim.js";
import { commandFor, type ClientName, type PeerResult } from "./clients.js";
import { powerDriver } from "./power-burst.js";

export interface WatchRow {
  inventory: string;
  changes: number;
  /** Median time from the first PowerOff call to the watcher seeing them all. */
  clients: Partial<Record<ClientName, { lagMs: number; maxRssMb: number; count: number }>>;
  /** Median time the driver took to issue the N PowerOff calls (a floor for every watcher). */
  issueMs: number;
  void?: string;
  load: number;
}

export async function benchWatch(sim: Vcsim, inventory: string, expectedVms: number, changes: number, rounds: number, clients: readonly ClientName[]): Promise<WatchRow> {
  const url = urlWithCredentials(sim);
  const driver = await powerDriver(sim.url, sim.thumbprint, sim.username, sim.password, changes);
  const lags = new Map<ClientName, PeerResult[]>(clients.map((c) => [c, []]));
  const lagMs = new Map<ClientName, number[]>(clients.map((c) => [c, []]));
  const issue: number[] = [];
  const loads: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const client of clients.map((_, i) => clients[(i + round) % clients.length]!)) {
        const [cmd, args] = commandFor(client, "watch", url, sim.thumbprint, ["poweredOff", String(changes)]);
        const run = runJsonChild<PeerResult>(`${client} watch`, cmd, args, { timeoutMs: 180_000 });
        await Promise.race([run.ready, run.result]);
        loads.push(load1());
        const { startEpochMs, issueMs } = await driver.powerOff();
        const r = await run.result;
        issue.push(issueMs);
        lags.get(client)!.push(r);
        lagMs.get(client)!.push(r.doneEpochMs! - startEpochMs);
        await driver.reset();
      }
    }
  } finally {
    await driver.close();
  }
  const row: WatchRow = { inventory, changes, clients: {}, issueMs: median(issue), load: median(loads) };
  const counts = new Set<number>();
  for (const [client, results] of lags) {
    for (const r of results) counts.add(r.count);
    row.clients[client] = { lagMs: median(lagMs.get(client)!), maxRssMb: median(results.map((r) => r.maxRssKb)) / 1024, count: results[0]!.count };
  }
  if (counts.size !== 1 || !counts.has(expectedVms)) row.void = `watchers tracked ${[...counts].join(", ")} VMs, expected ${expectedVms}`;
  return row;
}
