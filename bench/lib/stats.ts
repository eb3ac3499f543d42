import { loadavg } from "node:os";

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One-minute load average, printed next to every figure because the bench machine is shared. */
export function load1(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
