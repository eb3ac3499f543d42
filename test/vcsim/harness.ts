// Starts govmomi's vCenter simulator (test/vcsim/main.go) for e2e tests.
// The Go side binds 127.0.0.1:0 and prints KEY=value lines ending with
// VCSIM_READY=1; we read the port from there, so parallel suites never race
// for a port.
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface VcsimOptions {
  /** Datacenters (simulator default 1). */
  dc?: number;
  /** Clusters per datacenter (default 1). */
  cluster?: number;
  /** Hosts per cluster (default 3). */
  host?: number;
  /** Standalone hosts per datacenter (default 1). */
  standaloneHost?: number;
  /** Child resource pools per cluster (default 0: only the root "Resources"). */
  pool?: number;
  /** VMs per resource pool and per standalone host (default 2). */
  vm?: number;
  /** Wrap each datacenter's inventory in folders (default 0). */
  folder?: number;
  /** Serve https (default true). */
  tls?: boolean;
  /** Go duration ("2s", "500ms"): sessions idle this long are dropped. */
  sessionIdleTimeout?: string;
  /**
   * When both are set, Login accepts only this pair. Otherwise any non-empty
   * user name and password log in, and the returned credentials are user/pass.
   */
  username?: string;
  password?: string;
  /** Log SOAP traffic to the simulator's stderr (see Vcsim.stderrTail). */
  trace?: boolean;
  /** Startup deadline in ms (default 30 000). */
  readyTimeoutMs?: number;
  /** Aborting during startup rejects; aborting later stops the simulator. */
  signal?: AbortSignal;
}

export interface Vcsim {
  /** SDK endpoint without credentials, e.g. https://127.0.0.1:PORT/sdk */
  url: string;
  host: string;
  port: number;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex; "" without TLS. */
  thumbprint: string;
  /** SHA-1 thumbprint, the form pyVmomi and older govc pin; "" without TLS. */
  thumbprintSha1: string;
  /** The self-signed server certificate (IsCA, SAN 127.0.0.1), usable as `ca`; "" without TLS. */
  certificatePem: string;
  username: string;
  password: string;
  pid: number;
  /** Last stderr lines of the simulator, for failure messages. */
  stderrTail(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const buildScript = fileURLToPath(new URL("../../scripts/build-vcsim.sh", import.meta.url));
const defaultBinary = fileURLToPath(new URL("./bin/vcsim", import.meta.url));
const STDERR_LINES = 30;
const STOP_GRACE_MS = 3_000;

/** Simulators still running; killed if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

let buildOnce: Promise<void> | undefined;

/** Builds the binary unless TSVMOMI_VCSIM_BIN names a prebuilt one. */
export function ensureVcsimBuilt(): Promise<void> {
  if (process.env.TSVMOMI_VCSIM_BIN) return Promise.resolve();
  buildOnce ??= new Promise<void>((resolve, reject) => {
    const child = spawn("sh", [buildScript], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (err) => reject(new Error(`vcsim: cannot run scripts/build-vcsim.sh: ${err.message}`)));
    child.on("exit", (code, sig) => {
      if (code === 0) resolve();
      else reject(new Error(`vcsim: scripts/build-vcsim.sh failed (${sig ?? `exit ${code}`}):\n${stderr.trim()}`));
    });
  }).catch((err: unknown) => {
    buildOnce = undefined; // let a later call retry, e.g. after installing Go
    throw err;
  });
  return buildOnce;
}

function toArgs(o: VcsimOptions): string[] {
  const args = ["-listen", "127.0.0.1:0", "-exit-on-stdin-eof", `-tls=${o.tls ?? true}`];
  const counts: [keyof VcsimOptions, string][] = [
    ["dc", "-dc"], ["cluster", "-cluster"], ["host", "-host"], ["standaloneHost", "-standalone-host"],
    ["pool", "-pool"], ["vm", "-vm"], ["folder", "-folder"],
  ];
  for (const [key, flag] of counts) {
    const value = o[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new TypeError(`vcsim: option ${key} must be a non-negative integer, got ${String(value)}`);
    }
    args.push(`${flag}=${value}`);
  }
  if (o.sessionIdleTimeout !== undefined) args.push("-session-idle-timeout", o.sessionIdleTimeout);
  if (o.username !== undefined && o.password !== undefined) {
    args.push("-username", o.username, "-password", o.password);
  }
  if (o.trace) args.push("-trace");
  return args;
}

export async function startVcsim(opts: VcsimOptions = {}): Promise<Vcsim> {
  opts.signal?.throwIfAborted();
  const args = toArgs(opts);
  await ensureVcsimBuilt();
  opts.signal?.throwIfAborted();

  const binary = process.env.TSVMOMI_VCSIM_BIN ?? defaultBinary;
  const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
  // Without a listener a late "error" (e.g. EPIPE on stdin) would crash the test process.
  child.on("error", () => {});
  installExitHook();
  live.add(child);
  // Not events.once(): it rejects on "error", and a failed spawn never exits.
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => {
      if (child.pid === undefined) resolve();
    });
  }).then(() => {
    live.delete(child);
  });

  // Always drain both pipes: a full stderr pipe would block the Go server.
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    tail.push(line);
    if (tail.length > STDERR_LINES) tail.shift();
  });
  const stderrTail = () => tail.join("\n");

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // No pid means spawn itself failed: there is nothing to signal or wait for.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
    })();
    return stopping;
  };

  let fields: Map<string, string>;
  let url: URL;
  try {
    fields = await readBanner(child, opts, stderrTail);
    url = new URL(required(fields, "VCSIM_URL", stderrTail));
  } catch (err) {
    await stop();
    throw err;
  }

  const certB64 = fields.get("VCSIM_CERT") ?? "";
  const certificatePem = certB64 ? new X509Certificate(Buffer.from(certB64, "base64")).toString() : "";
  const useCustomLogin = opts.username !== undefined && opts.password !== undefined;

  // Startup is over: a forgotten stop() must not keep the test process alive.
  // The exit hook and the stdin pipe still make sure the simulator dies with us.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }
  opts.signal?.addEventListener("abort", () => void stop(), { once: true });

  return {
    url: url.href,
    host: url.hostname,
    port: Number(url.port),
    thumbprint: fields.get("VCSIM_THUMBPRINT") ?? "",
    thumbprintSha1: fields.get("VCSIM_THUMBPRINT_SHA1") ?? "",
    certificatePem,
    username: useCustomLogin ? opts.username! : "user",
    password: useCustomLogin ? opts.password! : "pass",
    pid: child.pid!,
    stderrTail,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function required(fields: Map<string, string>, key: string, stderrTail: () => string): string {
  const value = fields.get(key);
  if (value === undefined) throw new Error(`vcsim: ready banner lacks ${key}\n${stderrTail()}`);
  return value;
}

/** Collects KEY=value lines until VCSIM_READY=1, or fails with the reason and the stderr tail. */
function readBanner(child: ChildProcess, opts: VcsimOptions, stderrTail: () => string): Promise<Map<string, string>> {
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    const lines = createInterface({ input: child.stdout! });
    const fail = (reason: string) => {
      cleanup();
      const tail = stderrTail();
      reject(new Error(`vcsim: ${reason}${tail ? `; last stderr lines:\n${tail}` : " (no stderr output)"}`));
    };
    const onLine = (line: string) => {
      const eq = line.indexOf("=");
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
      if (line === "VCSIM_READY=1") {
        cleanup();
        resolve(fields);
      }
    };
    const onError = (err: Error) => fail(`cannot start ${process.env.TSVMOMI_VCSIM_BIN ?? "test/vcsim/bin/vcsim"}: ${err.message}`);
    // stderr may still be flushing when "exit" fires; "close" waits for the pipes.
    // A failed spawn (no pid) may close before its "error" arrives, which says why.
    const onClose = (code: number | null, sig: NodeJS.Signals | null) => {
      if (child.pid !== undefined) fail(`exited before it was ready (${sig ?? `exit code ${code}`})`);
    };
    const onAbort = () => {
      cleanup();
      reject(opts.signal!.reason);
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      lines.off("line", onLine);
      child.off("error", onError);
      child.off("close", onClose);
      opts.signal?.removeEventListener("abort", onAbort);
    }
    lines.on("line", onLine);
    child.on("error", onError);
    child.on("close", onClose);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
