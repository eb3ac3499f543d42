/**
 * Front-end benchmark: read a WSDL bundle plus vmodl.db into the merged model.
 * Issue target: vim25-9.1 with vmodl 7.0 in under 2 s on the 2-core machine.
 * Run: `npm run build && node dist/bench/model.js [release] [rounds]`.
 */
import { performance } from "node:perf_hooks";
import { loadModel } from "../generator/pipeline.js";
import { summarize } from "../generator/model/merge.js";

export interface ModelBenchResult {
  release: string;
  coldMs: number;
  warmMedianMs: number;
  rounds: number;
  counts: ReturnType<typeof summarize>;
}

export async function benchModel(release = "9.1", rounds = 5): Promise<ModelBenchResult> {
  const once = async () => {
    const t0 = performance.now();
    const model = await loadModel({ service: "vim25", release });
    return { ms: performance.now() - t0, model };
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) warm.push((await once()).ms);
  warm.sort((a, b) => a - b);
  return {
    release,
    coldMs: Math.round(cold.ms),
    warmMedianMs: Math.round(warm[Math.floor(warm.length / 2)]!),
    rounds,
    counts: summarize(cold.model),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchModel(process.argv[2] ?? "9.1", Number(process.argv[3] ?? 5));
  console.log(JSON.stringify({ ...r, loadavg: (await import("node:os")).loadavg() }, null, 2));
}
