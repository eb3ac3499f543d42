/**
 * Runs a bench child (a peer client or our worker) and reads its stdout as
 * lines: an optional `READY` handshake, then one JSON result line. A child
 * that exits non-zero or prints no JSON is a failure carrying its stderr tail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ChildRun<T> {
  /** Resolves when the child printed READY (never, for children without a handshake). */
  readonly ready: Promise<void>;
  readonly result: Promise<T>;
  readonly child: ChildProcess;
}

export class ChildFailed extends Error {}

export function runJsonChild<T>(label: string, command: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ChildRun<T> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (l) => {
    stderr.push(l);
    if (stderr.length > 20) stderr.shift();
  });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  let last: T | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line === "READY") onReady();
    else if (line.startsWith("{")) {
      try {
        last = JSON.parse(line) as T;
      } catch {
        /* a non-JSON line starting with "{" is noise, reported below if no result arrives */
      }
    }
  });
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const result = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ChildFailed(`${label}: no result after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new ChildFailed(`${label}: cannot start ${command}: ${err.message}`));
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      if (code === 0 && last !== undefined) resolve(last);
      else reject(new ChildFailed(`${label}: ${sig ?? `exit ${code}`}${last === undefined ? ", no JSON result" : ""}\n${stderr.join("\n")}`));
    });
  });
  // Keep an unhandled rejection from surfacing when a caller only awaits `ready`.
  result.catch(() => {});
  return { ready, result, child };
}
