/**
 * What a command prints: aligned tables for people, one JSON document for
 * programs (`--json`). The JSON shapes are documented in docs/CLI.md and
 * pinned by golden tests; change them only with a version bump.
 */
import { formatMoRef } from "tsvmomi";

export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Everything a command touches outside itself, so tests can run it in-process. */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where relative local file paths are resolved (datastore upload/download). */
  readonly cwd: string;
}

/** JSON with the runtime's values made portable: bigint as a string (beyond 2^53), Date as ISO 8601, MoRefs as {type, value}. */
export function toJson(value: unknown, pretty = true): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), pretty ? 2 : undefined);
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${toJson(value)}\n`);
}

/** A cell's text: scalars as they are, references as `Type:value`, anything else as compact JSON. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (isRef(value)) return formatMoRef(value);
  if (Array.isArray(value) && value.every(isRef)) return value.map((r) => formatMoRef(r)).join(",");
  return toJson(value, false);
}

export function isRef(value: unknown): value is { type: string; value: string } {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && typeof (value as { type?: unknown }).type === "string" && typeof (value as { value?: unknown }).value === "string";
}

/** Columns padded to the widest cell; the last column is not padded, so no trailing blanks. */
export function formatTable(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  if (all.length === 0) return "";
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(c));
    });
  }
  return all
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c + " ".repeat(widths[i]! - width(c)))).join("  ").trimEnd())
    .join("\n")
    .concat("\n");
}

export function printTable(io: Io, rows: readonly (readonly string[])[], header?: readonly string[]): void {
  io.stdout.write(formatTable(rows, header));
}

/** `key: value` lines with the keys aligned, as govc's info commands print. */
export function formatFields(fields: readonly (readonly [string, string])[], indent = ""): string {
  const w = Math.max(0, ...fields.map(([k]) => width(k)));
  return fields.map(([k, v]) => `${indent}${k}:${" ".repeat(w - width(k) + 2)}${v}`.trimEnd()).join("\n") + (fields.length ? "\n" : "");
}

/** Display width: code points, not UTF-16 units (names may hold non-ASCII). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** 1536 MB -> "1.5 GB". */
export function humanBytes(bytes: number | bigint | undefined): string {
  if (bytes === undefined) return "";
  let n = Number(bytes);
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let u = 0;
  while (Math.abs(n) >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}
