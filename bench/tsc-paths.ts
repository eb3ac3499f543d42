/**
 * What typed property selection costs the type checker.
 *
 * For each design variant (flat path maps at depth caps 3, 4 and 5, and tsc-side
 * recursive template-literal paths) and each compiler (the repo's TypeScript 5
 * and TypeScript 7, the native port, installed as the `typescript7` alias), it
 * checks bench/tsc-paths/empty.ts and bench/tsc-paths/selections.ts (50
 * selections) with `--extendedDiagnostics` and prints the medians and the delta
 * selections − empty.
 *
 *   npm run build && node dist/bench/tsc-paths.js [--reps 3] [--variants cap4,recursive] [--compilers ts5,ts7]
 *
 * Variant trees are written under .tmp/tsc-paths/ (gitignored).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadModel } from "../generator/pipeline.js";
import { emitBindings } from "../generator/emit/emit.js";
import { inheritedFields, ownPaths, PATH_DEPTH_CAP, type PathEntry } from "../generator/emit/paths.js";
import { fieldType, type Uses } from "../generator/emit/naming.js";
import { loadTemplates } from "../generator/emit/templates.js";
import type { ApiModel, IrField, IrManagedType } from "../generator/model/ir.js";
import { repoRoot } from "../wsdl/paths.js";
import { DEFAULT_RELEASE } from "../wsdl/manifest.js";

const repo = repoRoot();
const fixtures = path.join(repo, "bench", "tsc-paths");
const work = path.join(repo, ".tmp", "tsc-paths");

/**
 * ownPaths with the depth cap as a parameter (the generator's is a constant).
 * Checked against ownPaths at PATH_DEPTH_CAP before use (paths and types; the
 * `since`/privilege annotations do not change what tsc checks), so it cannot drift silently.
 */
function pathsAtCap(model: ApiModel, mt: IrManagedType, cap: number, uses: Uses = {}): PathEntry[] {
  const out: PathEntry[] = [];
  for (const p of mt.props) {
    const t = fieldType(model, p, "t.", uses);
    out.push({ path: p.name, type: p.optional ? `${t} | undefined` : t });
    descend(p, p.name, 1, new Set());
  }
  return out;
  function descend(f: IrField, prefix: string, depth: number, chain: Set<string>) {
    if (f.array || f.primitive || depth >= cap) return;
    const dt = model.dataTypes[f.type];
    if (!dt || chain.has(dt.name)) return;
    const next = new Set(chain).add(dt.name);
    for (const sub of inheritedFields(model, dt.name)) {
      const p = `${prefix}.${sub.name}`;
      out.push({ path: p, type: `${fieldType(model, sub, "t.", uses)} | undefined` });
      descend(sub, p, depth + 1, next);
    }
  }
}

function renderPaths(model: ApiModel, mt: IrManagedType, cap: number): string {
  const uses: Uses = {};
  const entries = pathsAtCap(model, mt, cap, uses);
  const base = mt.base && model.managedTypes[mt.base] ? mt.base : undefined;
  return loadTemplates().paths({
    service: model.service,
    release: model.release,
    vmodl: model.sources.vmodl,
    name: mt.name,
    base,
    imports: uses,
    paths: entries.map((p) => ({ key: JSON.stringify(p.path), type: p.type })),
  });
}

interface Variant {
  name: string;
  describe: string;
  /** Path keys over all managed types (own keys; inherited ones counted where declared). */
  keys: number;
  vmKeys: number;
  dir: string;
}

async function buildVariants(wanted: Set<string>): Promise<Variant[]> {
  const model = await loadModel({ ...DEFAULT_RELEASE });
  const files = emitBindings(model);
  for (const mt of Object.values(model.managedTypes)) {
    if (JSON.stringify(pathsAtCap(model, mt, PATH_DEPTH_CAP)) !== JSON.stringify(ownPaths(model, mt, "t.").map(({ path, type }) => ({ path, type })))) {
      throw new Error(`bench/tsc-paths.ts: its copy of ownPaths no longer matches generator/emit/paths.ts (at ${mt.name}); update it`);
    }
  }
  const vmKeys = (cap: number) => {
    let n = 0;
    for (let m: string | undefined = "VirtualMachine"; m && model.managedTypes[m]; m = model.managedTypes[m]!.base) {
      n += pathsAtCap(model, model.managedTypes[m]!, cap).length;
    }
    return n;
  };
  const total = (cap: number) => Object.values(model.managedTypes).reduce((n, mt) => n + pathsAtCap(model, mt, cap).length, 0);

  fs.rmSync(work, { recursive: true, force: true });
  const out: Variant[] = [];
  const flatText = fs.readFileSync(path.join(fixtures, "flat.ts"), "utf8");
  const writeVariant = (name: string, genDir: string, recursive: boolean, cap = PATH_DEPTH_CAP) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    const rel = (to: string) => {
      const r = path.relative(dir, to).split(path.sep).join("/");
      return r.startsWith(".") ? r : `./${r}`;
    };
    fs.writeFileSync(
      path.join(dir, "flat.ts"),
      flatText
        .replace(/(?<=ManagedPaths \} from )"[^"]*"/, JSON.stringify(rel(path.join(genDir, "paths", "index.js"))))
        .replace(/"[^"]*\/runtime\/property\/selection\.js"/, JSON.stringify(rel(path.join(repo, "runtime", "property", "selection.js")))),
    );
    fs.writeFileSync(path.join(dir, "bindings.ts"), recursive ? `export type * from "./recursive.js";\n` : `export type * from "./flat.js";\n`);
    for (const f of ["empty.ts", "recursive.ts"]) fs.copyFileSync(path.join(fixtures, f), path.join(dir, f));
    // A shallower cap cannot offer the fixture's deepest paths: select their ancestor instead.
    const selections = fs
      .readFileSync(path.join(fixtures, "selections.ts"), "utf8")
      .replace(/"([A-Za-z]\w*(?:\.\w+)+)"/g, (_, p: string) => JSON.stringify(p.split(".").slice(0, cap).join(".")));
    fs.writeFileSync(path.join(dir, "selections.ts"), selections);
    for (const consumer of ["empty", "selections"]) {
      fs.writeFileSync(
        path.join(dir, `tsconfig.${consumer}.json`),
        JSON.stringify(
          {
            compilerOptions: {
              strict: true,
              noEmit: true,
              noUncheckedIndexedAccess: true,
              target: "ES2022",
              module: "NodeNext",
              moduleResolution: "NodeNext",
              lib: ["ES2023"],
              types: [],
              skipLibCheck: true,
            },
            files: [`${consumer}.ts`],
          },
          null,
          1,
        ),
      );
    }
    return dir;
  };

  for (const cap of [3, 4, 5]) {
    const name = `cap${cap}`;
    if (!wanted.has(name) && !(cap === PATH_DEPTH_CAP && wanted.has("recursive"))) continue;
    const genDir = path.join(work, `gen-${name}`);
    for (const [rel, text] of files) {
      const file = path.join(genDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const m = /^paths\/(\w+)\.ts$/.exec(rel);
      const mt = m && m[1] !== "index" ? model.managedTypes[m[1]!] : undefined;
      fs.writeFileSync(file, mt ? renderPaths(model, mt, cap) : text);
    }
    if (wanted.has(name)) {
      out.push({
        name,
        describe: cap === PATH_DEPTH_CAP ? `flat maps, depth cap ${cap} (emitted today)` : `flat maps, depth cap ${cap}`,
        keys: total(cap),
        vmKeys: vmKeys(cap),
        dir: writeVariant(name, genDir, false, cap),
      });
    }
    if (cap === PATH_DEPTH_CAP && wanted.has("recursive")) {
      out.push({
        name: "recursive",
        describe: `recursive template literals, depth ${cap}`,
        keys: NaN,
        vmKeys: NaN,
        dir: writeVariant("recursive", genDir, true),
      });
    }
  }
  return out;
}

interface Compiler {
  name: string;
  version: string;
  command: string[];
}

async function compilers(wanted: Set<string>): Promise<Compiler[]> {
  const out: Compiler[] = [];
  const ts5 = path.join(repo, "node_modules", "typescript", "bin", "tsc");
  if (wanted.has("ts5") && fs.existsSync(ts5)) out.push({ name: "ts5", version: tscVersion([process.execPath, ts5]), command: [process.execPath, ts5] });
  const exePath = path.join(repo, "node_modules", "typescript7", "lib", "getExePath.js");
  if (wanted.has("ts7") && fs.existsSync(exePath)) {
    // Run the native binary itself, not its node launcher, so peak RSS is the checker's.
    const getExePath = ((await import(pathToFileURL(exePath).href)) as { default: () => string }).default;
    const exe = getExePath();
    out.push({ name: "ts7", version: tscVersion([exe]), command: [exe] });
  } else if (wanted.has("ts7")) {
    process.stderr.write("typescript7 is not installed (npm i -D typescript7@npm:typescript@^7); skipping TS 7\n");
  }
  return out;
}

function tscVersion(cmd: string[]): string {
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), "--version"], { encoding: "utf8" });
  return r.stdout.trim().replace(/^Version /, "");
}

interface Sample {
  /** user + sys CPU seconds of the compiler process (steadier than wall time on a shared machine). */
  cpu?: number;
  check: number;
  total: number;
  wall: number;
  /** `Memory used` from --extendedDiagnostics, MB. */
  memory: number;
  /** Peak resident set size, MB, when /usr/bin/time is available. */
  rss?: number;
}

const hasTime = fs.existsSync("/usr/bin/time");

function runOnce(c: Compiler, config: string): Sample {
  const rssFile = path.join(work, "rss.txt");
  const argv = [...c.command, "-p", config, "--extendedDiagnostics"];
  const cmd = hasTime ? ["/usr/bin/time", "-f", "%M %U %S", "-o", rssFile, ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const text = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`${c.name} -p ${path.relative(repo, config)} failed:\n${text.slice(0, 2000)}`);
  const num = (label: string) => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+)(s|K)?`, "m").exec(text);
    if (!m) throw new Error(`${c.name}: no "${label}" in --extendedDiagnostics output`);
    return Number(m[1]);
  };
  const sample: Sample = { check: num("Check time"), total: num("Total time"), wall, memory: num("Memory used") / 1024 };
  if (hasTime) {
    const [rss, user, sys] = fs.readFileSync(rssFile, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
    sample.rss = rss! / 1024;
    sample.cpu = user! + sys!;
  }
  return sample;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function medianSample(samples: Sample[]): Sample {
  const pick = (k: keyof Sample) => median(samples.map((s) => s[k] ?? NaN));
  return {
    check: pick("check"),
    total: pick("total"),
    wall: pick("wall"),
    memory: pick("memory"),
    ...(hasTime ? { rss: pick("rss"), cpu: pick("cpu") } : {}),
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const reps = Number(arg("reps") ?? 3);
  const variants = await buildVariants(new Set((arg("variants") ?? "cap3,cap4,cap5,recursive").split(",")));
  const comps = await compilers(new Set((arg("compilers") ?? "ts5,ts7").split(",")));
  const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const rows: string[][] = [];
  for (const c of comps) {
    for (const v of variants) {
      const configs = { empty: path.join(v.dir, "tsconfig.empty.json"), selections: path.join(v.dir, "tsconfig.selections.json") };
      runOnce(c, configs.selections); // warm the file cache; not counted
      // Interleaved, so drifting machine load hits both sides alike.
      const samples = { empty: [] as Sample[], selections: [] as Sample[] };
      for (let i = 0; i < reps; i++) {
        samples.empty.push(runOnce(c, configs.empty));
        samples.selections.push(runOnce(c, configs.selections));
      }
      const e = medianSample(samples.empty);
      const s = medianSample(samples.selections);
      rows.push([
        `${c.name} ${c.version}`,
        v.name,
        Number.isFinite(v.vmKeys) ? String(v.vmKeys) : "–",
        f(e.check),
        f(s.check),
        f(s.check - e.check),
        f(s.total - e.total),
        e.cpu !== undefined && s.cpu !== undefined ? f(s.cpu - e.cpu) : "–",
        f(e.memory, 0),
        f(s.memory - e.memory, 0),
        e.rss !== undefined ? f(e.rss, 0) : "–",
        s.rss !== undefined && e.rss !== undefined ? f(s.rss - e.rss, 0) : "–",
      ]);
      process.stderr.write(`… ${c.name} ${v.name} done\n`);
    }
  }
  const head = ["compiler", "variant", "VM paths", "check empty s", "check 50 sel s", "Δ check s", "Δ total s", "Δ CPU s", "mem empty MB", "Δ mem MB", "RSS empty MB", "Δ RSS MB"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`tsc cost of 50 typed selections (bench/tsc-paths/selections.ts) vs an importing-only consumer; median of ${reps} runs`);
  for (const v of variants) console.log(`  ${v.name}: ${v.describe}${Number.isFinite(v.keys) ? `, ${v.keys} path keys over all managed types` : ""}`);
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

main().catch((err: unknown) => {
  process.stderr.write(`tsc-paths: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
