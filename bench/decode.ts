/**
 * Decode throughput on a ~35 MB vcsim-like RetrievePropertiesEx response.
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/decode.js [vmCount]
 */
import { XMLParser } from "fast-xml-parser";
import { decodeResponse, decodeResponseSync } from "../runtime/codec/index.js";
import { XmlTokenizer, type TokenHandler } from "../runtime/codec/xml-tokenizer.js";
import { vimSubset } from "../test/fixtures/codec/vim-subset.js";
import { vcsimRetrieveResponse } from "./decode/vcsim-response.js";

const vmCount = Number(process.argv[2] ?? 5500);
const text = vcsimRetrieveResponse(vmCount);
const bytes = Buffer.from(text, "utf8");
const mb = bytes.byteLength / 1e6;
console.log(`input: ${vmCount} VMs, ${mb.toFixed(1)} MB`);

class NullHandler implements TokenHandler {
  count = 0;
  open(): void {
    this.count++;
  }
  close(): void {}
  text(): void {}
}

async function* chunks(size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

async function measure(label: string, runs: number, fn: () => unknown | Promise<unknown>): Promise<void> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const best = times[0]!;
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label.padEnd(44)} best ${(mb / (best / 1000)).toFixed(1).padStart(6)} MB/s  median ${(mb / (median / 1000)).toFixed(1).padStart(6)} MB/s  (${median.toFixed(0)} ms)`);
}

const runs = Number(process.env.BENCH_RUNS ?? 5);

await measure("utf-8 decode only (TextDecoder)", runs, () => new TextDecoder().decode(bytes));
await measure("tokenize only (string, no objects)", runs, () => {
  const h = new NullHandler();
  const t = new XmlTokenizer(h, 512);
  t.write(text);
  t.end();
  return h.count;
});
await measure("tokenize only (bytes → utf-8 → tokens)", runs, () => {
  const h = new NullHandler();
  const t = new XmlTokenizer(h, 512);
  t.write(new TextDecoder().decode(bytes));
  t.end();
  return h.count;
});
await measure("decodeResponse (string)", runs, () => decodeResponseSync(vimSubset, "RetrievePropertiesEx", text));
await measure("decodeResponse (bytes)", runs, () => decodeResponseSync(vimSubset, "RetrievePropertiesEx", bytes));
await measure("decodeResponse (stream, 64 KiB chunks)", runs, () => decodeResponse(vimSubset, "RetrievePropertiesEx", chunks(65536)));
await measure("decodeResponse (stream, 16 KiB chunks)", runs, () => decodeResponse(vimSubset, "RetrievePropertiesEx", chunks(16384)));
await measure("fast-xml-parser XMLParser.parse (bytes)", Math.min(runs, 3), () =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(bytes),
);

const result = decodeResponseSync(vimSubset, "RetrievePropertiesEx", bytes) as { objects: unknown[] };
console.log(`decoded ${result.objects.length} objects`);
