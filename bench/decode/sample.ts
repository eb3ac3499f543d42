/**
 * One decode-bench sample in a fresh process: reads a response body from a
 * file, runs one contender over it (warm-ups first, then timed runs) and
 * prints one JSON line. The runner starts one of these per sample, so a figure
 * depends neither on what the runner did before (its heap held a whole
 * retrieve phase's data, which moved the in-process decode figure by ±30 %)
 * nor on what the other contenders left in the heap.
 *
 *   node dist/bench/decode/sample.js <body file> <vim25|subset> <decode|stream|tokenize|fxp> [timed runs]
 *
 * Prints {"mode","ms","cpuMs","objects"}: the median wall and CPU time (CPU
 * of all threads, GC helpers included) of the timed runs.
 */
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { decodeResponse, decodeResponseSync } from "../../runtime/codec/index.js";
import type { MethodSchema, SchemaRegistry } from "../../runtime/schema.js";
import type { TokenHandler } from "../../runtime/codec/xml-tokenizer.js";
import { vimMethod, vimSubset } from "../../test/fixtures/codec/vim-subset.js";
import { median } from "../lib/stats.js";
import type { DecodeSample } from "../workloads/decode.js";
import { tokenizeOnly } from "./tokenize-only.js";
import { vim25Registry, vim25RetrievePropertiesEx } from "./vim25-registry.js";

const SAMPLE_MODES = ["decode", "stream", "tokenize", "fxp"] as const;
type SampleMode = (typeof SAMPLE_MODES)[number];

/** Takes leaf events too, so the baseline runs the tokenizer path the decoder runs. */
class CountElements implements TokenHandler {
  n = 0;
  open(): void {
    this.n++;
  }
  close(): void {}
  text(): void {}
  leaf(): void {
    this.n++;
  }
}

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

function contender(mode: SampleMode, registry: SchemaRegistry, method: MethodSchema, bytes: Buffer): () => unknown {
  switch (mode) {
    case "decode":
      return () => decodeResponseSync(registry, method, bytes);
    // The transport's path: 64 KiB chunks as undici delivers them.
    case "stream":
      return () => decodeResponse(registry, method, chunks(bytes, 65536));
    case "tokenize":
      return () => {
        const h = new CountElements();
        tokenizeOnly(bytes, h);
        return h.n;
      };
    case "fxp":
      return () => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(bytes);
  }
}

async function main(): Promise<void> {
  const [file, reg, mode, runsArg] = process.argv.slice(2);
  if (!file || (reg !== "vim25" && reg !== "subset") || !(SAMPLE_MODES as readonly string[]).includes(mode ?? "")) {
    throw new Error(`usage: sample.js <body file> <vim25|subset> <${SAMPLE_MODES.join("|")}> [timed runs]; got ${process.argv.slice(2).join(" ")}`);
  }
  const runs = runsArg === undefined ? 3 : Number(runsArg);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`sample.js: timed runs must be a positive integer, got ${runsArg}`);
  const bytes = readFileSync(file);
  const registry = reg === "vim25" ? vim25Registry() : vimSubset;
  const method = reg === "vim25" ? vim25RetrievePropertiesEx : vimMethod("RetrievePropertiesEx");
  const fn = contender(mode as SampleMode, registry, method, bytes);
  // Warm-ups: the first run also compiles the hot code and builds the lazily compiled schema entries.
  const warm = mode === "fxp" ? 1 : 2;
  let out: unknown;
  for (let i = 0; i < warm; i++) out = await fn();
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const sample: DecodeSample = { mode: mode as SampleMode, ms: median(ms), cpuMs: median(cpu) };
  if (mode === "decode" || mode === "stream") sample.objects = (out as { objects?: unknown[] } | undefined)?.objects?.length ?? 0;
  console.log(JSON.stringify(sample));
}

main().catch((err: unknown) => {
  console.error(`bench decode sample: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
