/**
 * Workload 4: the generator. Times a full `tsvmomi-gen generate` of the newest
 * vim25 in a fresh process, then runs the type-check (bench/tsc-paths),
 * bundle-size (bench/bundle-size) and package (bench/packages) benches, which
 * are separate programs, and keeps their output as they print it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { distBench, repoPath } from "../lib/repo.js";
import { load1, median } from "../lib/stats.js";

export interface GeneratorFigures {
  release: string;
  generateMs: number;
  /** Reading WSDL + vmodl.db into the merged model, in a fresh process (cold) and warm. */
  model?: { coldMs: number; warmMedianMs: number };
  /** Reading pyVmomi 8.0.3's type info for vim25 alone, fresh process (cold, wall and CPU) and warm. */
  typeInfo?: { coldMs: number; coldCpuMs: number; warmMedianMs: number };
  load: number;
  /** Output of the companion benches, keyed by script; absent when the script is not built. */
  companions: Record<string, { ok: boolean; output: string; load: number }>;
}

export const NEWEST_VIM25 = "9.1";
const COMPANIONS = ["tsc-paths", "bundle-size", "packages"];

export function benchGenerator(rounds: number, withCompanions = true): GeneratorFigures {
  const times: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const out = mkdtempSync(join(tmpdir(), "tsvmomi-bench-gen-"));
    try {
      loads.push(load1());
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [repoPath("packages", "tsvmomi-gen", "bin", "tsvmomi-gen.js"), "generate", "--release", NEWEST_VIM25, "--out", out], { encoding: "utf8" });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`generate --release ${NEWEST_VIM25}: ${r.signal ?? `exit ${r.status}`}\n${r.stderr.slice(-2000)}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  // The front end alone (issue target: under 2 s), in a fresh process so the first read is cold.
  let model: GeneratorFigures["model"];
  const m = spawnSync(process.execPath, [distBench("model.js"), NEWEST_VIM25, String(Math.max(3, rounds))], { encoding: "utf8" });
  if (m.status === 0) {
    const r = JSON.parse(m.stdout) as { coldMs: number; warmMedianMs: number };
    model = { coldMs: r.coldMs, warmMedianMs: r.warmMedianMs };
  }
  // The type-info reader alone (issue target: under 1 s).
  let typeInfo: GeneratorFigures["typeInfo"];
  const t = spawnSync(process.execPath, [distBench("typeinfo.js"), "pyvmomi-8.0.3", String(Math.max(3, rounds))], { encoding: "utf8" });
  if (t.status === 0) {
    const r = JSON.parse(t.stdout) as { coldMs: number; coldCpuMs: number; warmMedianMs: number };
    typeInfo = { coldMs: r.coldMs, coldCpuMs: r.coldCpuMs, warmMedianMs: r.warmMedianMs };
  }
  const companions: GeneratorFigures["companions"] = {};
  for (const name of withCompanions ? COMPANIONS : []) {
    const script = distBench(`${name}.js`);
    if (!existsSync(script)) continue;
    const load = load1();
    const r = spawnSync(process.execPath, [script], { encoding: "utf8", cwd: repoPath(), timeout: 600_000 });
    companions[name] = { ok: r.status === 0, output: (r.stdout + (r.status === 0 ? "" : r.stderr)).trim(), load };
  }
  return { release: NEWEST_VIM25, generateMs: median(times), ...(model ? { model } : {}), ...(typeInfo ? { typeInfo } : {}), load: median(loads), companions };
}
