/**
 * Decode throughput of a RetrievePropertiesEx answer for VMs with name,
 * runtime.powerState, summary.config.numCpu, summary.config.memorySizeMB and
 * config.hardware.device.
 *
 * Inputs: the synthetic vcsim-like response (always, against the hand-written
 * vim subset), and with `--vcsim N` a real answer captured from vcsim started
 * with N VMs per resource pool (11 pools: N=500 gives 5,500 VMs), decoded
 * with the default release's generated registry. Captures stay in memory.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/decode.js [--vms 5500] [--vcsim 500] [--only decode] [--fxp]
 * The load average is printed because this machine is shared; compare the
 * decode/tokenize ratio within one run, not absolute MB/s across runs.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { XMLParser } from "fast-xml-parser";
import { decodeResponse, decodeResponseSync } from "../runtime/codec/index.js";
import type { TokenHandler } from "../runtime/codec/xml-tokenizer.js";
import { tokenizeOnly } from "./decode/tokenize-only.js";
import type { MethodSchema, SchemaRegistry } from "../runtime/schema.js";
import { vimMethod, vimSubset } from "../test/fixtures/codec/vim-subset.js";
import { vcsimRetrieveResponse } from "./decode/vcsim-response.js";
import { DEFAULT_RELEASE } from "../wsdl/manifest.js";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    vms: { type: "string", default: "5500" },
    vcsim: { type: "string" },
    only: { type: "string" },
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "5" },
    fxp: { type: "boolean", default: false },
  },
});
const runs = Number(args.runs);

/** Takes leaf events too, so the baseline runs the tokenizer path the decoder runs. */
class NullHandler implements TokenHandler {
  count = 0;
  open(): void {
    this.count++;
  }
  close(): void {}
  text(): void {}
  leaf(): void {
    this.count++;
  }
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

async function* chunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

/** Median wall time in ms over `runs` runs after one warm-up. CPU time (all threads, GC helpers included) is printed as a less load-sensitive cross-check. */
async function measure(label: string, mb: number, fn: () => unknown | Promise<unknown>, n = runs): Promise<number> {
  await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const best = times[0]!;
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `  ${label.padEnd(42)} best ${(mb / (best / 1000)).toFixed(1).padStart(6)} MB/s  median ${(mb / (median / 1000)).toFixed(1).padStart(6)} MB/s  (${median.toFixed(0)} ms, cpu ${cpu[Math.floor(cpu.length / 2)]!.toFixed(0)} ms)  load ${load()}`,
  );
  return median;
}

async function suite(title: string, registry: SchemaRegistry, method: MethodSchema, bytes: Buffer): Promise<void> {
  const text = bytes.toString("utf8");
  const mb = bytes.byteLength / 1e6;
  console.log(`${title}: ${mb.toFixed(1)} MB, load ${load()}`);
  if (args.only !== "decode") await measure("utf-8 decode only (TextDecoder)", mb, () => new TextDecoder().decode(bytes));
  const tok = await measure("tokenize only (bytes → utf-8 → tokens)", mb, () => {
    const h = new NullHandler();
    tokenizeOnly(bytes, h);
    return h.count;
  });
  // The transport's path first: in one process, figures taken after the string variant came out lower and more scattered.
  const stream = await measure("decodeResponse (stream, 64 KiB chunks)", mb, () => decodeResponse(registry, method, chunks(bytes, 65536)));
  const whole = await measure("decodeResponse (bytes)", mb, () => decodeResponseSync(registry, method, bytes));
  if (args.only !== "decode") await measure("decodeResponse (string)", mb, () => decodeResponseSync(registry, method, text));
  if (args.only !== "decode") await measure("decodeResponse (stream, 16 KiB chunks)", mb, () => decodeResponse(registry, method, chunks(bytes, 16384)));
  if (args.fxp) {
    await measure("fast-xml-parser XMLParser.parse (bytes)", mb, () => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(bytes), Math.min(runs, 3));
  }
  const result = decodeResponseSync(registry, method, bytes) as { objects: unknown[] };
  console.log(`  decoded ${result.objects.length} objects; decode/tokenize time ratio: bytes ${(whole / tok).toFixed(2)}×, stream ${(stream / tok).toFixed(2)}×`);
}

// A bare number is the VM count, as before the flags existed.
const vms = Number(positionals[0] ?? args.vms);
await suite(`synthetic (${vms} VMs, vim subset registry)`, vimSubset, vimMethod("RetrievePropertiesEx"), Buffer.from(vcsimRetrieveResponse(vms), "utf8"));

if (args.vcsim !== undefined) {
  const { captureVcsimRetrieve } = await import("./decode/vcsim-capture.js");
  const { vim25Registry, vim25RetrievePropertiesEx } = await import("./decode/vim25-registry.js");
  const cap = await captureVcsimRetrieve(Number(args.vcsim));
  await suite(`vcsim capture (${cap.vms} VMs, generated ${DEFAULT_RELEASE.service}-${DEFAULT_RELEASE.release} registry)`, vim25Registry(), vim25RetrievePropertiesEx, cap.bytes);
}
