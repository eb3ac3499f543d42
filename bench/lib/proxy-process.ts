/**
 * Starts the re-paging proxy in its own process (bench/lib/proxy-child.ts) and talks to it over
 * stdin/stdout. In-process use (tests) stays `startVcenterProxy`; the bench uses this so the
 * proxy's CPU is not counted as the measured client's and its event loop never delays the client's.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { ProxyCounters, VcenterProxyOptions } from "../../test/proxy/vcenter-proxy.js";
import { distBench } from "./repo.js";

/** The proxy's counters (without the per-method map), cumulative since it started. */
export interface ProxyStats extends Omit<ProxyCounters, "methods"> {
  heldTokens: number;
  /** CPU time (user + system) of the whole proxy process. */
  cpuMs: number;
}

export interface ProxyProcess {
  readonly url: string;
  readonly pid: number;
  stats(): Promise<ProxyStats>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `nodeFlags` go before the script (e.g. `--cpu-prof` to profile the proxy). */
export async function startProxyProcess(options: VcenterProxyOptions, nodeFlags: readonly string[] = [], timeoutMs = 30_000): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [...nodeFlags, distBench("lib", "proxy-child.js")], { stdio: ["pipe", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (l) => {
    stderr.push(l);
    if (stderr.length > 20) stderr.shift();
  });
  // A write to a child that just died fails with EPIPE; its exit is reported through `exited` instead.
  child.stdin!.on("error", () => undefined);
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()?.resolve(line));
  const exit = new Promise<void>((resolve) =>
    child.on("close", (code, sig) => {
      exited = new Error(`proxy-child exited (${sig ?? `code ${code}`})\n${stderr.join("\n")}`);
      for (const w of waiting.splice(0)) w.reject(exited);
      resolve();
    }),
  );
  const ask = (line: string) =>
    new Promise<string>((resolve, reject) => {
      if (exited) return reject(exited);
      const timer = setTimeout(() => reject(new Error(`proxy-child: no answer to ${line.slice(0, 20)} after ${timeoutMs} ms\n${stderr.join("\n")}`)), timeoutMs);
      waiting.push({
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.stdin!.write(`${line}\n`);
    });
  const close = async () => {
    if (!exited) child.stdin!.end();
    const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    const { url } = JSON.parse(await ask(JSON.stringify(options))) as { url: string };
    return {
      url,
      pid: child.pid!,
      stats: async () => JSON.parse(await ask("stats")) as ProxyStats,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
