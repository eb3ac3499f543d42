// Seeded fuzz of the streaming SOAP decoder, starting from real vcsim
// responses captured at test time. Every input must end in a value, a
// CodecError or a MethodFaultError: no other exception, no hang, no entity
// expansion and no file read (a sentinel file's content never shows up).
// TSVMOMI_FUZZ_LONG=1 runs ten times as many inputs; TSVMOMI_FUZZ_REPORT=<file>
// writes the figures (count, worst time per input) as JSON.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_DEPTH, decodeResponse, decodeResponseSync } from "../../runtime/codec/index.js";
import { registryFromTables, type TableRegistry } from "../../runtime/schema-tables.js";
import type { MethodSchema } from "../../runtime/schema.js";
import { PropertyCollector, ServiceInstance, SessionManager, schemas } from "../support/bindings.js";
import { byteMutators, int, pick, prng, textMutators, type Random } from "./mutators.js";
import { captureVcsimResponses, type Captured } from "./vcsim-capture.js";
import { CodecError, MethodFaultError } from "../../runtime/errors/index.js";

const LONG = process.env.TSVMOMI_FUZZ_LONG === "1";
const COUNT = LONG ? 30_000 : 2_500;
const SEED = Number(process.env.TSVMOMI_FUZZ_SEED ?? 20_240_611);
/** Well above every seed, so huge-text inputs exercise the decoder rather than this limit. */
const MAX_BYTES = 16 * 1024 * 1024;

let seeds: Captured[];
let registry: TableRegistry;
// Each capture names its method; the decoder takes that method's descriptor, as a call carries it.
const METHODS = new Map([PropertyCollector.RetrievePropertiesEx, ServiceInstance.RetrieveServiceContent, ServiceInstance.CurrentTime, SessionManager.Login].map((d) => [d.name, d]));
function methodOf(name: string): MethodSchema {
  const m = METHODS.get(name);
  if (!m) throw new Error(`decoder fuzz: no descriptor for captured method ${name}`);
  return m;
}
let sentinelDir: string;
let sentinelPath: string;
let sentinel: string;

beforeAll(async () => {
  seeds = await captureVcsimResponses();
  registry = registryFromTables(schemas);
  sentinelDir = mkdtempSync(join(tmpdir(), "tsvmomi-fuzz-"));
  sentinelPath = join(sentinelDir, "secret.txt");
  sentinel = `SENTINEL-${randomBytes(12).toString("hex")}`;
  writeFileSync(sentinelPath, `${sentinel}\n`);
});
afterAll(() => {
  if (sentinelDir) rmSync(sentinelDir, { recursive: true, force: true });
});

type Outcome = { kind: "ok"; value: unknown } | { kind: "codec"; code: string; message: string } | { kind: "fault"; message: string } | { kind: "other"; error: unknown };

function classify(run: () => unknown): Outcome {
  try {
    return { kind: "ok", value: run() };
  } catch (e) {
    return typedOrOther(e);
  }
}

function typedOrOther(e: unknown): Outcome {
  if (e instanceof CodecError) return { kind: "codec", code: e.code, message: e.message };
  if (e instanceof MethodFaultError) return { kind: "fault", message: e.message };
  return { kind: "other", error: e };
}

async function* chunked(r: Random, bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const n = int(r, 1, 8192);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

function mentions(value: unknown, needle: string): boolean {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "";
  return text.includes(needle);
}

describe("decoder fuzz", () => {
  it("captured seeds decode as they are (the baseline the mutations start from)", () => {
    expect(seeds.map((s) => s.label)).toEqual(
      expect.arrayContaining(["RetrieveServiceContent", "InvalidLogin fault", "RetrievePropertiesEx VMs config.hardware.device", "CurrentTime"]),
    );
    for (const s of seeds) {
      const out = classify(() => decodeResponseSync(registry, methodOf(s.method), s.body));
      expect(out.kind, s.label).toBe(s.label.includes("fault") ? "fault" : "ok");
    }
    const vms = seeds.find((s) => s.label.startsWith("RetrievePropertiesEx"))!;
    expect(vms.body).toContain("VirtualDisk");
  });

  it(`${COUNT} mutated responses: only typed errors, nothing expanded or read`, async () => {
    const r = prng(SEED);
    const failures: string[] = [];
    const byOutcome: Record<string, number> = {};
    const byMutator: Record<string, number> = {};
    let worst = { ms: 0, mutator: "", bytes: 0 };
    let streamed = 0;

    for (let i = 0; i < COUNT; i++) {
      const seed = pick(r, seeds);
      let input: string | Uint8Array;
      let names: string[];
      let mustFail = false;
      let expectCode: string | undefined;
      if (r() < 0.3) {
        const m = pick(r, byteMutators);
        input = m.apply(r, new TextEncoder().encode(seed.body));
        names = [m.name];
      } else {
        const chain = r() < 0.75 ? 1 : int(r, 2, 3);
        let text = seed.body;
        names = [];
        for (let k = 0; k < chain; k++) {
          const m = pick(r, textMutators);
          text = m.apply(r, text, { sentinelPath });
          names.push(m.name);
          if (chain === 1) {
            mustFail = m.mustFail === true;
            expectCode = m.expectCode;
          }
        }
        input = text;
      }
      const label = `#${i} ${names.join("+")} on ${seed.label}`;
      for (const n of names) byMutator[n] = (byMutator[n] ?? 0) + 1;

      const t0 = performance.now();
      const out = classify(() => decodeResponseSync(registry, methodOf(seed.method), input, { maxBytes: MAX_BYTES }));
      const ms = performance.now() - t0;
      const size = typeof input === "string" ? input.length : input.byteLength;
      if (ms > worst.ms) worst = { ms, mutator: label, bytes: size };
      byOutcome[out.kind === "codec" ? `CodecError ${out.code}` : out.kind] = (byOutcome[out.kind === "codec" ? `CodecError ${out.code}` : out.kind] ?? 0) + 1;

      if (out.kind === "other") {
        const e = out.error as Error;
        failures.push(`${label}: ${e?.name}: ${e?.message?.slice(0, 200)}`);
        continue;
      }
      if (mustFail && out.kind === "ok") failures.push(`${label}: decoded, but it must be rejected`);
      if (expectCode && !(out.kind === "codec" && out.code === expectCode)) failures.push(`${label}: expected CodecError ${expectCode}, got ${out.kind === "codec" ? out.code : out.kind}`);
      const shown = out.kind === "ok" ? out.value : out.message;
      if (mentions(shown, sentinel)) failures.push(`${label}: the sentinel file's content leaked into the result`);
      if (out.kind === "ok" && mentions(out.value, "lollollol")) failures.push(`${label}: an entity was expanded`);

      // A share of inputs also goes through the streaming path in random chunks: same verdict.
      if (i % 8 === 0) {
        streamed++;
        const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
        const t1 = performance.now();
        const s = await decodeResponse(registry, methodOf(seed.method), chunked(r, bytes), { maxBytes: MAX_BYTES }).then(
          (value): Outcome => ({ kind: "ok", value }),
          typedOrOther,
        );
        const sms = performance.now() - t1;
        if (sms > worst.ms) worst = { ms: sms, mutator: `${label} (streamed)`, bytes: size };
        if (s.kind === "other") failures.push(`${label} (streamed): ${(s.error as Error)?.name}: ${(s.error as Error)?.message?.slice(0, 200)}`);
        else if ((s.kind === "ok") !== (out.kind === "ok")) failures.push(`${label}: whole-body and streamed decoding disagree (${out.kind} vs ${s.kind})`);
      }
    }

    const summary = { seed: SEED, inputs: COUNT, streamed, worstMs: Math.round(worst.ms * 10) / 10, worstInput: worst.mutator, worstBytes: worst.bytes, byOutcome, byMutator };
    console.log(`decoder fuzz: ${JSON.stringify(summary)}`);
    if (process.env.TSVMOMI_FUZZ_REPORT) writeFileSync(process.env.TSVMOMI_FUZZ_REPORT, `${JSON.stringify({ decoder: summary }, null, 2)}\n`, { flag: "a" });
    expect(failures.slice(0, 10)).toEqual([]);
    // Every mutator actually ran, so the count above is not padded by one easy case.
    for (const m of [...textMutators, ...byteMutators]) expect(byMutator[m.name], m.name).toBeGreaterThan(0);
  });

  it("nesting beyond maxDepth is refused as TOO_DEEP before any value is built", () => {
    const seed = seeds.find((s) => s.label === "CurrentTime")!;
    const n = DEFAULT_MAX_DEPTH + 10;
    const deep = seed.body.replace(/(<returnval[^>]*>)/, `$1${"<a>".repeat(n)}${"</a>".repeat(n)}`);
    const out = classify(() => decodeResponseSync(registry, methodOf(seed.method), deep));
    // The decoder may refuse the unknown <a> before the depth limit; either way it is typed.
    expect(out.kind).toBe("codec");
    const plain = `<r>${"<a>".repeat(n)}${"</a>".repeat(n)}</r>`;
    const raw = classify(() => decodeResponseSync(registry, methodOf(seed.method), plain));
    expect(raw.kind === "codec" && ["TSVMOMI_ERR_TOO_DEEP", "TSVMOMI_ERR_NOT_SOAP"].includes(raw.code)).toBe(true);
  });
});
