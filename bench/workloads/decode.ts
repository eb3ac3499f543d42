/**
 * Workload 2: decode only. The synthetic vcsim-like body (hand-written vim
 * subset registry) and a real captured vcsim answer (the generated vim25
 * registry), each against the bare tokenizer and fast-xml-parser.
 *
 * Every sample runs in a fresh process (bench/decode/sample.ts), contenders
 * interleaved: measured inside the runner, the decode figure swung between 57
 * and 102 MB/s with what the runner's heap held from the retrieve phase.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vcsimRetrieveResponse } from "../decode/vcsim-response.js";
import { runJsonChild } from "../lib/proc.js";
import { distBench } from "../lib/repo.js";
import { load1, median } from "../lib/stats.js";

export interface DecodeFigures {
  /** Median MB/s of each contender: ours is decodeResponseSync over the whole body in memory. */
  ours: number;
  /** decodeResponse fed 64 KiB chunks, as the transport does. */
  stream: number;
  fastXmlParser: number;
  tokenize: number;
  mb: number;
  objects?: number;
  /** One-minute load average at the start and the end of the samples. */
  load: number;
  loadEnd: number;
  /** Fresh processes per contender. */
  samples: number;
}

/** What one sample process prints. */
export interface DecodeSample {
  mode: "decode" | "stream" | "tokenize" | "fxp";
  ms: number;
  cpuMs: number;
  objects?: number;
}

type Contender = DecodeSample["mode"];
const CONTENDERS: readonly Contender[] = ["tokenize", "decode", "stream", "fxp"];

/** Timed runs inside one sample process: fast-xml-parser takes seconds per parse of the 35 MB body. */
const RUNS_PER_PROCESS: Record<Contender, number> = { tokenize: 3, decode: 3, stream: 3, fxp: 1 };

/** Decodes real response bytes with the default release's generated schema, `samples` fresh processes per contender. */
export function benchDecodeCaptured(bytes: Uint8Array, samples: number): Promise<DecodeFigures> {
  return sampled(bytes, "vim25", samples);
}

/** Decodes the synthetic answer for `vmCount` VMs with the hand-written vim subset, `samples` fresh processes per contender. */
export function benchDecodeSynthetic(vmCount: number, samples: number): Promise<DecodeFigures> {
  return sampled(Buffer.from(vcsimRetrieveResponse(vmCount), "utf8"), "subset", samples);
}

/**
 * `n` fresh processes per contender, interleaved so that a change of load
 * hits every contender alike; each figure is the median over processes of
 * each process's median. The body goes to a temporary file for the children
 * and is removed afterwards.
 */
async function sampled(bytes: Uint8Array, registry: "vim25" | "subset", n: number): Promise<DecodeFigures> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`decode bench: samples must be a positive integer, got ${n}`);
  const dir = mkdtempSync(join(tmpdir(), "tsvmomi-decode-"));
  const file = join(dir, "body.xml");
  const load = load1();
  const ms: Record<Contender, number[]> = { tokenize: [], decode: [], stream: [], fxp: [] };
  let objects: number | undefined;
  try {
    writeFileSync(file, bytes);
    for (let i = 0; i < n; i++) {
      for (const mode of CONTENDERS) {
        const args = [distBench("decode", "sample.js"), file, registry, mode, String(RUNS_PER_PROCESS[mode])];
        const s = await runJsonChild<DecodeSample>(`decode sample (${mode})`, process.execPath, args, { timeoutMs: 300_000 }).result;
        ms[mode].push(s.ms);
        if (s.objects !== undefined) {
          if (objects !== undefined && s.objects !== objects) throw new Error(`decode bench: ${mode} decoded ${s.objects} objects, another sample ${objects}`);
          objects = s.objects;
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mb = bytes.byteLength / 1e6;
  const rate = (c: Contender) => mb / (median(ms[c]) / 1000);
  return { ours: rate("decode"), stream: rate("stream"), fastXmlParser: rate("fxp"), tokenize: rate("tokenize"), mb, objects, load, loadEnd: load1(), samples: n };
}
