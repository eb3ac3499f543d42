/**
 * Front-end benchmark: read pyVmomi's type info (`_typeinfo_core/query/vim.py`
 * of ../shared/vmodl/pyvmomi-8.0.3) and turn it into the vim25 VMODL model.
 * Issue target: under 1 s. Wall and CPU time, cold (first read in a fresh
 * process) and the warm median.
 * Run: `npm run build && node dist/bench/typeinfo.js [folder] [rounds]`.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { readTypeInfo } from "../generator/vmodl/pyvmomi/typeinfo.js";
import { typeInfoToVmodl } from "../generator/vmodl/pyvmomi/to-vmodl.js";
import { sharedDir } from "../wsdl/paths.js";

export interface TypeInfoBenchResult {
  folder: string;
  coldMs: number;
  coldCpuMs: number;
  warmMedianMs: number;
  rounds: number;
  types: number;
}

export async function benchTypeInfo(folder = "pyvmomi-8.0.3", rounds = 5): Promise<TypeInfoBenchResult> {
  const dir = path.join(sharedDir(), "vmodl", folder);
  const once = async () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const v = typeInfoToVmodl(await readTypeInfo(dir, "vim25"), "vim25");
    const c = process.cpuUsage(c0);
    return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, types: Object.keys(v.data).length + Object.keys(v.enums).length + Object.keys(v.managed).length };
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) warm.push((await once()).ms);
  warm.sort((a, b) => a - b);
  return { folder, coldMs: Math.round(cold.ms), coldCpuMs: Math.round(cold.cpuMs), warmMedianMs: Math.round(warm[Math.floor(warm.length / 2)]!), rounds, types: cold.types };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchTypeInfo(process.argv[2] ?? "pyvmomi-8.0.3", Number(process.argv[3] ?? 5));
  console.log(JSON.stringify({ ...r, loadavg: (await import("node:os")).loadavg() }, null, 2));
}
