/** How each client of the retrieve/watch workloads is started, one process per run. */
import { repoPath, distBench } from "../lib/repo.js";

export type ClientName = "tsvmomi" | "govmomi" | "pyvmomi";

export interface PeerResult {
  client: ClientName;
  mode: string;
  count: number;
  devices?: number;
  wallMs: number;
  doneEpochMs?: number;
  maxRssKb: number;
  pages?: number;
  firstPageMs?: number;
  cpuMs?: number;
  firstPageCpuMs?: number;
}

export const PYTHON = process.env.TSVMOMI_BENCH_PYTHON ?? "/usr/bin/python3";

export function commandFor(client: ClientName, mode: "retrieve" | "watch" | "pages", url: string, thumbprint: string, extra: string[] = [], nodeFlags: string[] = []): [string, string[]] {
  switch (client) {
    case "tsvmomi":
      return [process.execPath, [...nodeFlags, distBench("workloads", "tsvmomi-worker.js"), mode, url, thumbprint, ...extra]];
    case "govmomi": {
      const [state, count] = extra;
      const args = ["-mode", mode, "-url", url];
      if (mode === "watch") args.push("-state", state!, "-count", count!);
      return [repoPath("bench", "bin", "govmomi-bench"), args];
    }
    case "pyvmomi":
      return [PYTHON, [repoPath("bench", "peers", "pyvmomi_bench.py"), "--url", url]];
  }
}
