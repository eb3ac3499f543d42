/**
 * Inventories for the bench, served by the test harness's simulator.
 *
 * This govmomi release puts VMs only in each cluster's root pool and on each
 * standalone host (child pools stay empty), so the VM count is
 * dc × (cluster + standaloneHost) × vm: 1 × (10 + 1) × 500 = 5,500.
 */
import { execFileSync } from "node:child_process";
import { startVcsim, type Vcsim } from "../../test/vcsim/harness.js";
import { repoPath } from "./repo.js";

export interface Inventory {
  readonly name: string;
  readonly dc: number;
  readonly cluster: number;
  readonly host: number;
  readonly standaloneHost: number;
  readonly vm: number;
}

export const INVENTORIES: Record<"small" | "large", Inventory> = {
  small: { name: "small", dc: 1, cluster: 1, host: 2, standaloneHost: 1, vm: 25 },
  large: { name: "large", dc: 1, cluster: 10, host: 2, standaloneHost: 1, vm: 500 },
};

/** The large inventory's layout with `vm` VMs per pool (its 11 pools: 11 × vm VMs), for issue 16's scaling sizes. */
export function scaledInventory(vm: number): Inventory {
  const inv = { ...INVENTORIES.large, vm };
  return { ...inv, name: `${vmCount(inv).toLocaleString("en-US")} VMs` };
}

export const vmCount = (inv: Inventory): number => inv.dc * (inv.cluster + inv.standaloneHost) * inv.vm;

/** Builds vcsim and the govmomi peer once; both builds skip when up to date. */
export function buildNativeParts(): void {
  for (const script of ["scripts/build-vcsim.sh", "scripts/build-bench-peers.sh"]) {
    execFileSync("sh", [repoPath(script)], { stdio: ["ignore", "inherit", "inherit"] });
  }
  // The harness resolves its binary relative to its own file, which is dist/ here.
  process.env.TSVMOMI_VCSIM_BIN ??= repoPath("test/vcsim/bin/vcsim");
}

export async function startInventory(inv: Inventory): Promise<Vcsim> {
  return startVcsim({
    dc: inv.dc,
    cluster: inv.cluster,
    host: inv.host,
    standaloneHost: inv.standaloneHost,
    vm: inv.vm,
    // 5,500 VMs take ~20 s to create on an idle 2-core machine; allow for a loaded one. At load 15,
    // 11,000 VMs were not ready after 300 s, so the allowance grows with the inventory.
    readyTimeoutMs: Math.max(300_000, vmCount(inv) * 60),
  });
}

/** The SDK URL with the simulator's credentials, the form the peers take. */
export function urlWithCredentials(sim: Vcsim): string {
  const u = new URL(sim.url);
  u.username = sim.username;
  u.password = sim.password;
  return u.href;
}
