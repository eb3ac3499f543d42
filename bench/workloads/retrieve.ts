/**
 * Workload 1: every client retrieves the same five VM properties through a
 * ContainerView. Clients run in turn (rotating the order each round so none
 * always gets the warmest server), each in a fresh process.
 */
import type { Vcsim } from "../../test/vcsim/harness.js";
import { runJsonChild } from "../lib/proc.js";
import { load1, median } from "../lib/stats.js";
import { urlWithCredentials } from "../lib/vcsim.js";
import { commandFor, type ClientName, type PeerResult } from "./clients.js";

export interface ClientFigures {
  wallMs: number;
  maxRssMb: number;
  count: number;
  devices: number;
}

export interface RetrieveRow {
  inventory: string;
  expectedVms: number;
  clients: Partial<Record<ClientName, ClientFigures>>;
  /** Why the counts disagree; undefined when every client saw the same objects and devices. */
  void?: string;
  load: number;
}

export async function benchRetrieve(sim: Vcsim, inventory: string, expectedVms: number, rounds: number, clients: readonly ClientName[]): Promise<RetrieveRow> {
  const url = urlWithCredentials(sim);
  const runs = new Map<ClientName, PeerResult[]>(clients.map((c) => [c, []]));
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length]!);
    for (const client of order) {
      const [cmd, args] = commandFor(client, "retrieve", url, sim.thumbprint);
      loads.push(load1());
      runs.get(client)!.push(await runJsonChild<PeerResult>(`${client} retrieve`, cmd, args).result);
    }
  }
  const row: RetrieveRow = { inventory, expectedVms, clients: {}, load: median(loads) };
  const seen = new Set<string>();
  for (const [client, results] of runs) {
    for (const r of results) seen.add(`${r.count}/${r.devices ?? "?"}`);
    row.clients[client] = {
      wallMs: median(results.map((r) => r.wallMs)),
      maxRssMb: median(results.map((r) => r.maxRssKb)) / 1024,
      count: results[0]!.count,
      devices: results[0]!.devices ?? NaN,
    };
  }
  if (seen.size !== 1) row.void = `objects/devices differ between runs: ${[...seen].join(", ")}`;
  else if (Object.values(row.clients)[0]!.count !== expectedVms) row.void = `expected ${expectedVms} VMs, clients saw ${[...seen][0]}`;
  return row;
}
