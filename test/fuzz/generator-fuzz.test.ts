// Seeded fuzz of the generator's readers. A damaged WSDL bundle (pbm-5.5,
// copied to a temp dir) must end in a model or a WsdlError; damaged
// vmodl-5.5.db bytes in a model, a VmodlError or a MarshalError. Never a raw
// TypeError/RangeError, a parser's own exception, or a hang.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WsdlError, readWsdlBundle } from "../../generator/wsdl-reader/index.js";
import { MarshalError } from "../../generator/vmodl/marshal.js";
import { parseVmodl, VmodlError } from "../../generator/vmodl/vmodl-reader.js";
import { sharedDir } from "../../wsdl/paths.js";
import { byteMutators, int, pick, prng, textMutators } from "./mutators.js";

const LONG = process.env.TSVMOMI_FUZZ_LONG === "1";
const WSDL_COUNT = LONG ? 2_000 : 150;
const VMODL_COUNT = LONG ? 1_000 : 60;
const SEED = Number(process.env.TSVMOMI_FUZZ_SEED ?? 20_240_611);

function report(name: string, summary: object): void {
  console.log(`${name}: ${JSON.stringify(summary)}`);
  if (process.env.TSVMOMI_FUZZ_REPORT) writeFileSync(process.env.TSVMOMI_FUZZ_REPORT, `${JSON.stringify({ [name]: summary }, null, 2)}\n`, { flag: "a" });
}

describe("WSDL reader fuzz (pbm-5.5)", () => {
  const source = path.join(sharedDir(), "wsdl", "pbm-5.5");
  let dir: string;
  let files: string[];
  let originals: Map<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tsvmomi-wsdl-fuzz-"));
    files = readdirSync(source).filter((f) => /\.(wsdl|xsd)$/.test(f));
    originals = new Map(files.map((f) => [f, readFileSync(path.join(source, f), "utf8")]));
    for (const f of files) copyFileSync(path.join(source, f), path.join(dir, f));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the undamaged copy reads", async () => {
    const model = await readWsdlBundle(path.join(dir, "pbmService.wsdl"));
    expect(Object.keys(model).length).toBeGreaterThan(0);
  });

  it(`${WSDL_COUNT} damaged bundles: a model or a WsdlError`, async () => {
    const r = prng(SEED);
    const failures: string[] = [];
    const byOutcome: Record<string, number> = {};
    let worst = { ms: 0, input: "" };
    for (let i = 0; i < WSDL_COUNT; i++) {
      const file = pick(r, files);
      const text = originals.get(file)!;
      let damaged: string | Uint8Array;
      let label: string;
      if (r() < 0.35) {
        const m = pick(r, byteMutators);
        damaged = m.apply(r, new TextEncoder().encode(text));
        label = m.name;
      } else {
        // The decoder's cut mutator aims before the last close tag, which holds here too.
        const m = pick(r, textMutators);
        damaged = m.apply(r, text, { sentinelPath: path.join(dir, "no-such-file") });
        label = m.name;
      }
      writeFileSync(path.join(dir, file), damaged);
      const t0 = performance.now();
      try {
        await readWsdlBundle(path.join(dir, "pbmService.wsdl"));
        byOutcome.ok = (byOutcome.ok ?? 0) + 1;
      } catch (e) {
        if (e instanceof WsdlError) {
          byOutcome.WsdlError = (byOutcome.WsdlError ?? 0) + 1;
          // One clear error naming the file, never a parser stack.
          if (!e.message.includes(file) && !e.message.includes("pbm")) failures.push(`#${i} ${label} in ${file}: message names no file: ${e.message.slice(0, 160)}`);
        } else {
          failures.push(`#${i} ${label} in ${file}: ${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 200)}`);
        }
      }
      const ms = performance.now() - t0;
      if (ms > worst.ms) worst = { ms, input: `#${i} ${label} in ${file}` };
      writeFileSync(path.join(dir, file), text);
    }
    report("wsdl fuzz", { seed: SEED, inputs: WSDL_COUNT, worstMs: Math.round(worst.ms * 10) / 10, worstInput: worst.input, byOutcome });
    expect(failures.slice(0, 10)).toEqual([]);
    expect(byOutcome.WsdlError ?? 0).toBeGreaterThan(0);
  });
});

describe("vmodl.db reader fuzz (vmodl-5.5.db in memory)", () => {
  let db: Uint8Array;
  beforeAll(() => {
    db = readFileSync(path.join(sharedDir(), "vmodl", "vmodl-5.5.db"));
  });

  it(`${VMODL_COUNT} damaged dbs: a model, a VmodlError or a MarshalError`, () => {
    const r = prng(SEED + 1);
    const failures: string[] = [];
    const byOutcome: Record<string, number> = {};
    let worst = { ms: 0, input: "" };
    const mutators = [
      ...byteMutators,
      {
        name: "length-bump",
        // Marshal fixnum lengths are one byte for small values: bumping one lies about a string or array size.
        apply: (rr: () => number, b: Uint8Array) => {
          const out = Uint8Array.from(b);
          const at = int(rr, 2, out.length - 1);
          out[at] = pick(rr, [0x7f, 0x80, 0xff, 0x04, 0x00, 0xfb, 0x05]);
          return out;
        },
      },
      { name: "tail-cut", apply: (rr: () => number, b: Uint8Array) => b.subarray(0, b.length - int(rr, 1, 4096)) },
    ];
    for (let i = 0; i < VMODL_COUNT; i++) {
      const m = pick(r, mutators);
      const bytes = m.apply(r, db);
      const t0 = performance.now();
      try {
        parseVmodl(bytes, "vmodl-5.5.db");
        byOutcome.ok = (byOutcome.ok ?? 0) + 1;
      } catch (e) {
        if (e instanceof VmodlError || e instanceof MarshalError) {
          byOutcome[e.name] = (byOutcome[e.name] ?? 0) + 1;
          if (!e.message.includes("vmodl-5.5.db")) failures.push(`#${i} ${m.name}: message does not name the file: ${e.message.slice(0, 160)}`);
        } else {
          failures.push(`#${i} ${m.name}: ${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 200)}`);
        }
      }
      const ms = performance.now() - t0;
      if (ms > worst.ms) worst = { ms, input: `#${i} ${m.name}` };
    }
    report("vmodl fuzz", { seed: SEED + 1, inputs: VMODL_COUNT, worstMs: Math.round(worst.ms * 10) / 10, worstInput: worst.input, byOutcome });
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
