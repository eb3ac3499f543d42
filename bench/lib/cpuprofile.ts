/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) into where the time
 * went: our decoder, the transport (our soap layer, undici, Node's TLS and
 * streams), idle (waiting on the server), GC, and the rest, plus the top
 * self-time functions.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byCategory: Record<string, number>;
  top: { name: string; where: string; ms: number }[];
}

export function categorize(url: string, fn: string): string {
  if (fn === "(idle)") return "idle (waiting for the server)";
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(program)") return "V8/native (program)";
  if (/runtime\/codec\//.test(url)) return "decoder (runtime/codec)";
  if (/runtime\/(soap|client|session)\//.test(url)) return "client/transport (runtime/soap, client, session)";
  if (/undici|node:(_tls|tls|net|stream|internal\/(tls|net|stream|streams|http|webstreams|deps\/undici))/.test(url)) return "transport (undici, TLS, streams)";
  if (/generated\/|schema-tables/.test(url)) return "schema tables";
  if (url.startsWith("node:") || url === "") return "node internals / builtins";
  return "other JS";
}

function shortWhere(url: string, line: number): string {
  const m = /(runtime\/.*|generated\/.*|bench\/.*|node_modules\/.*)$/.exec(url);
  return `${m ? m[1] : url || "(native)"}:${line + 1}`;
}

export function summarizeProfile(file: string, topN = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const byCategory: Record<string, number> = {};
  const byFn = new Map<string, { name: string; where: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const cat = categorize(url, functionName);
    byCategory[cat] = (byCategory[cat] ?? 0) + ms;
    totalMs += ms;
    const key = `${functionName}@${url}:${lineNumber}`;
    const e = byFn.get(key) ?? { name: functionName || "(anonymous)", where: shortWhere(url, lineNumber), ms: 0 };
    e.ms += ms;
    byFn.set(key, e);
  }
  const top = [...byFn.values()].sort((a, b) => b.ms - a.ms).slice(0, topN);
  return { totalMs, byCategory, top };
}
