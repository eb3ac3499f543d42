/**
 * Workload 2: decode only. (a) runs bench/decode.ts (synthetic vcsim-like
 * body, our decoder vs fast-xml-parser vs the bare tokenizer) and reads its
 * lines; (b) decodes a real captured vcsim answer with the full generated
 * vim25 schema, against the same two baselines.
 */
import { XMLParser } from "fast-xml-parser";
import { decodeResponseSync } from "../../runtime/codec/index.js";
import type { TokenHandler } from "../../runtime/codec/xml-tokenizer.js";
import { tokenizeOnly } from "../decode/tokenize-only.js";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { PropertyCollector, schemas } from "../../test/support/bindings.js";
import { distBench } from "../lib/repo.js";
import { load1, median } from "../lib/stats.js";
import { spawnSync } from "node:child_process";

export interface DecodeFigures {
  /** Median MB/s of each contender. */
  ours: number;
  fastXmlParser: number;
  tokenize: number;
  mb: number;
  objects?: number;
  load: number;
}

const LINE = /^(.*?)\s+best\s+([\d.]+) MB\/s\s+median\s+([\d.]+) MB\/s/;

/** Runs bench/decode.ts as is and picks its medians out of the printed table. */
export function benchDecodeSynthetic(vmCount: number, rounds: number): DecodeFigures {
  const load = load1();
  const r = spawnSync(process.execPath, [distBench("decode.js"), "--vms", String(vmCount), "--runs", String(Math.max(rounds, 1)), "--fxp"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`decode bench: ${r.signal ?? `exit ${r.status}`}\n${r.stderr}`);
  const medians = new Map<string, number>();
  for (const line of r.stdout.split("\n")) {
    const m = LINE.exec(line);
    if (m) medians.set(m[1]!.trim(), Number(m[3]));
  }
  const pick = (label: string) => {
    const v = medians.get(label);
    if (v === undefined) throw new Error(`decode bench: no "${label}" line in its output:\n${r.stdout}`);
    return v;
  };
  const mb = Number(/^synthetic[^:]*: ([\d.]+) MB/m.exec(r.stdout)?.[1] ?? NaN);
  const objects = Number(/decoded (\d+) objects/.exec(r.stdout)?.[1] ?? NaN);
  return {
    ours: pick("decodeResponse (bytes)"),
    fastXmlParser: pick("fast-xml-parser XMLParser.parse (bytes)"),
    tokenize: pick("tokenize only (bytes → utf-8 → tokens)"),
    mb,
    objects,
    load,
  };
}

/** Takes leaf events too, so the baseline runs the tokenizer path the decoder runs. */
class CountOpens implements TokenHandler {
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

function mbPerSecond(bytes: number, rounds: number, fn: () => unknown): number {
  fn(); // warm-up: the first run also pays for lazily parsed schema entries
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return bytes / 1e6 / (median(times) / 1000);
}

/** Decodes real response bytes with the default release's generated schema. */
export function benchDecodeCaptured(bytes: Uint8Array, rounds: number): DecodeFigures {
  const load = load1();
  const registry = registryFromTables(schemas);
  const decoded = decodeResponseSync(registry, PropertyCollector.RetrievePropertiesEx, bytes) as { objects?: unknown[] } | undefined;
  const n = Math.max(rounds, 3);
  return {
    ours: mbPerSecond(bytes.byteLength, n, () => decodeResponseSync(registry, PropertyCollector.RetrievePropertiesEx, bytes)),
    fastXmlParser: mbPerSecond(bytes.byteLength, n, () => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(Buffer.from(bytes))),
    tokenize: mbPerSecond(bytes.byteLength, n, () => tokenizeOnly(bytes, new CountOpens())),
    mb: bytes.byteLength / 1e6,
    objects: decoded?.objects?.length ?? 0,
    load,
  };
}

