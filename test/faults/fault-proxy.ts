/**
 * A fault-injecting proxy on 127.0.0.1 for reliability tests and soaks.
 *
 * It accepts TCP, optionally terminates TLS with a throwaway certificate (so
 * it can break the handshake itself), frames HTTP/1.1 requests and responses
 * and forwards them to one upstream (vcsim, http or https) over one upstream
 * connection per client connection. Faults are armed with `inject()` (FIFO,
 * optionally only for one SOAP method) or drawn by a seeded PRNG in `chaos()`
 * mode, and counted.
 *
 * Faults act on the response to a request, after the request reached the
 * upstream (except `http-status` without `forward`, which answers in its
 * place), so "the server may have executed it" is real for every fault
 * except those two. `tls-handshake` acts on the next new connection instead.
 *
 * Everything is bounded: connections (maxConnections), message size
 * (maxMessageBytes), the exchange log (logSize), stalls (held until the
 * client gives up, `stallMs`, or close()). close() destroys every socket and
 * timer it made.
 */
import net from "node:net";
import tls from "node:tls";
import { frame, FramingError, headerValue, operationOf, type MessageHead } from "./http-framing.js";

export type FaultKind = "reset" | "truncate" | "stall" | "drip" | "http-status" | "tls-handshake";

export interface FaultSpec {
  readonly kind: FaultKind;
  /** How many requests (connections, for tls-handshake) it hits. Default 1; Infinity until clear(). */
  readonly count?: number;
  /** Only requests for this SOAP operation (`CreateFolder`) or `VERB /path`; default any. */
  readonly method?: string | RegExp;
  /** http-status: the status sent. Default 503. */
  readonly status?: number;
  /** http-status: forward the request first and drop the real answer (a gateway failing after the server acted). Default false. */
  readonly forward?: boolean;
  /** http-status: response body; a function gets the whole request (head and body) as text. Default a small HTML error page. */
  readonly body?: string | ((request: string) => string);
  /** http-status: a Retry-After header value. */
  readonly retryAfter?: string;
  /** stall: close the connection after this long; default hold until the client or close() ends it. */
  readonly stallMs?: number;
  /** drip: the response is sent in this many pieces. Default 40. */
  readonly dripChunks?: number;
  /** drip: pause between pieces. Default 10 ms. */
  readonly dripIntervalMs?: number;
  /**
   * tls-handshake, what the ClientHello gets: a fatal handshake_failure alert,
   * a plain close (FIN), or a reset (RST). Default "alert".
   */
  readonly tls?: "alert" | "close" | "reset";
}

export interface ChaosOptions {
  readonly seed: number;
  /** Probability in [0, 1] that a request gets a fault. */
  readonly rate: number;
  /** Faults to draw from (count and method ignored). Default reset, truncate, 502, 503, drip. */
  readonly faults?: readonly FaultSpec[];
  /** Only requests for this operation. */
  readonly method?: string | RegExp;
}

export interface FaultProxyOptions {
  /** Where to forward, e.g. vcsim's `https://127.0.0.1:PORT/sdk`. The path is kept in `proxy.url`. */
  readonly upstream: string | URL;
  /** Serve TLS to clients with this key and certificate; plain TCP otherwise. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** CA to verify an https upstream with; unverified otherwise (it is a local test server). */
  readonly upstreamCa?: string;
  /** Default 64; later connections are destroyed at once. */
  readonly maxConnections?: number;
  /** Largest request or response forwarded. Default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Exchanges kept for `exchanges()`. Default 256. */
  readonly logSize?: number;
  /**
   * Give vcsim vCenter's version semantics for WaitForUpdatesEx answers the
   * proxy lost on purpose. vcsim answers every wait with version "-" and empties
   * its list of pending updates into each answer it computes, so when a fault
   * drops that answer after vcsim made it (reset, truncate, stall, a forwarded
   * 5xx) the client's correct retry, with the same version, gets only later
   * updates and the dropped ones are gone for good. vCenter would answer the
   * retry from the version again. With this set, such an answer is kept per
   * collector and served to the next wait on that collector instead of
   * forwarding it, as vCenter would recompute it. Default false.
   */
  readonly replayLostWaits?: boolean;
}

export interface Exchange {
  readonly operation: string;
  readonly status?: number;
  readonly fault?: FaultKind;
  readonly forwarded: boolean;
  /** Response head headers as the upstream sent them (lower-case names), when forwarded. */
  readonly responseHeaders?: ReadonlyArray<readonly [string, string]>;
}

export interface ProxyStats {
  /** Connections accepted since start. */
  readonly connections: number;
  /** Client and upstream sockets currently open. */
  readonly openSockets: number;
  readonly requests: number;
  /** Requests seen, by operation. */
  readonly requestsByOperation: Readonly<Record<string, number>>;
  /** Requests that reached the upstream, by operation. */
  readonly forwardedByOperation: Readonly<Record<string, number>>;
  /** Faults injected, by kind (`http-status` also as `http-502`, `http-503`…). */
  readonly injected: Readonly<Record<string, number>>;
  readonly injectedTotal: number;
  /** Armed faults not used up yet (Infinity counts as one). */
  readonly armed: number;
}

export interface FaultProxy {
  /** Same path as the upstream URL, on the proxy's origin (`https:` when serving TLS). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  inject(spec: FaultSpec): void;
  /** Random faults from a seeded PRNG until `chaos(undefined)` or clear(). */
  chaos(options: ChaosOptions | undefined): void;
  /** Disarms every fault and chaos; counters stay. */
  clear(): void;
  stats(): ProxyStats;
  exchanges(): readonly Exchange[];
  /**
   * Destroys every client connection (and its upstream), as a restarting server or an idle-killing firewall would.
   * With `betweenExchanges`, a connection with a request in flight is closed once its answer is written, as a
   * balancer draining connections does; the others at once. (vcsim loses the updates of a WaitForUpdatesEx answer
   * that never reaches the client, where vCenter would answer the retry from its version again.)
   */
  dropConnections(options?: { readonly betweenExchanges?: boolean }): Promise<void>;
  /** A server outage: stops listening (new connections are refused) and drops every open connection. */
  down(): Promise<void>;
  /** Ends the outage: listens again on the same port. */
  up(): Promise<void>;
  /** Destroys every socket and timer, stops listening. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_CHAOS: readonly FaultSpec[] = [
  { kind: "reset" },
  { kind: "truncate" },
  { kind: "http-status", status: 502 },
  { kind: "http-status", status: 503 },
  { kind: "drip", dripChunks: 8, dripIntervalMs: 5 },
];

/** A TLS 1.2 record: fatal alert, handshake_failure (40). */
const TLS_HANDSHAKE_FAILURE_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
const RESET_DELAY_MS = 15;

/** mulberry32: small, seedable, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(pattern: string | RegExp | undefined, operation: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === "string" ? pattern === operation : pattern.test(operation);
}

/** One whole HTTP message as read off a socket. */
type Message = { bytes: Buffer; head: MessageHead };

/** Reads framed HTTP messages off a socket, one at a time. */
class MessageReader {
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(
    socket: net.Socket,
    private readonly kind: "request" | "response",
    private readonly max: number,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
      this.#notify();
    });
    socket.on("end", () => this.end());
    socket.on("close", () => this.end());
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** The next whole message; undefined when the peer closed first (a partial message is dropped). */
  async next(): Promise<Message | undefined> {
    for (;;) {
      if (this.#buf.length > this.max) throw new FramingError(`${this.kind} exceeds ${this.max} bytes`);
      const f = this.#buf.length ? frame(this.#buf, this.kind) : undefined;
      if (f && f.length !== "close") {
        const bytes = this.#buf.subarray(0, f.length);
        this.#buf = this.#buf.subarray(f.length);
        return { bytes, head: f.head };
      }
      if (this.#ended) {
        if (f && f.length === "close") {
          const bytes = this.#buf;
          this.#buf = Buffer.alloc(0);
          return { bytes, head: f.head };
        }
        return undefined;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

interface Armed {
  spec: FaultSpec;
  left: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const upstreamTls = upstream.protocol === "https:";
  const upstreamPort = Number(upstream.port || (upstreamTls ? 443 : 80));
  const maxConnections = options.maxConnections ?? 64;
  const maxMessage = options.maxMessageBytes ?? 64 * 1024 * 1024;
  const logSize = options.logSize ?? 256;

  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const armed: Armed[] = [];
  const log: Exchange[] = [];
  let chaos: { opts: ChaosOptions; random: () => number } | undefined;
  let closed = false;
  const counts = {
    connections: 0,
    requests: 0,
    byOp: {} as Record<string, number>,
    fwdByOp: {} as Record<string, number>,
    injected: {} as Record<string, number>,
    injectedTotal: 0,
  };

  /** replayLostWaits: per collector, the wait answer a fault dropped. */
  const lostWaits = new Map<string, Message>();
  /** Per client socket: a request is in flight; close once its answer is written (dropConnections betweenExchanges). */
  const exchangeState = new WeakMap<net.Socket, { busy: boolean; drain: boolean }>();
  const clients = new Set<net.Socket>();
  // `closed` turns true a tick before "close" is emitted; membership in `sockets` follows the event itself.
  const closedEvent = (s: net.Socket) => (sockets.has(s) ? new Promise<void>((resolve) => s.once("close", () => resolve())) : Promise.resolve());
  const destroyAll = async (set: Iterable<net.Socket>) => {
    const list = [...set];
    for (const s of list) s.destroy();
    await Promise.all(list.map(closedEvent));
  };
  const track = <S extends net.Socket>(s: S): S => {
    sockets.add(s);
    s.on("error", () => undefined); // resets are the point here; never crash the test process
    s.once("close", () => sockets.delete(s));
    return s;
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => later(ms, resolve));
  const count = (spec: FaultSpec) => {
    const inc = (k: string) => (counts.injected[k] = (counts.injected[k] ?? 0) + 1);
    inc(spec.kind);
    if (spec.kind === "http-status") inc(`http-${spec.status ?? 503}`);
    counts.injectedTotal++;
  };
  const remember = (e: Exchange) => {
    log.push(e);
    if (log.length > logSize) log.shift();
  };

  /** Takes one use of the first armed fault that applies, else maybe a chaos fault. */
  const take = (operation: string | undefined): FaultSpec | undefined => {
    const wantConn = operation === undefined;
    for (let i = 0; i < armed.length; i++) {
      const a = armed[i]!;
      if ((a.spec.kind === "tls-handshake") !== wantConn) continue;
      if (!wantConn && !matches(a.spec.method, operation)) continue;
      if (--a.left <= 0) armed.splice(i, 1);
      return a.spec;
    }
    if (wantConn || !chaos || !matches(chaos.opts.method, operation)) return undefined;
    if (chaos.random() >= chaos.opts.rate) return undefined;
    const pool = chaos.opts.faults ?? DEFAULT_CHAOS;
    return pool[Math.floor(chaos.random() * pool.length)];
  };

  const connectUpstream = (): net.Socket => {
    const s = upstreamTls
      ? tls.connect({
          host: upstream.hostname,
          port: upstreamPort,
          servername: net.isIP(upstream.hostname) ? undefined : upstream.hostname,
          ...(options.upstreamCa ? { ca: options.upstreamCa } : { rejectUnauthorized: false }),
        })
      : net.connect({ host: upstream.hostname, port: upstreamPort });
    return track(s);
  };

  const statusResponse = (spec: FaultSpec, request: string): Buffer => {
    const status = spec.status ?? 503;
    const body =
      typeof spec.body === "function"
        ? spec.body(request)
        : (spec.body ?? `<html><head><title>${status} injected by fault proxy</title></head><body>gateway error</body></html>`);
    const bytes = Buffer.from(body, "utf8");
    const head =
      `HTTP/1.1 ${status} Injected\r\ncontent-type: text/html\r\ncontent-length: ${bytes.length}\r\n` +
      (spec.retryAfter !== undefined ? `retry-after: ${spec.retryAfter}\r\n` : "") +
      "connection: keep-alive\r\n\r\n";
    return Buffer.concat([Buffer.from(head, "latin1"), bytes]);
  };

  const write = (s: net.Socket, data: Buffer) =>
    new Promise<void>((resolve) => {
      if (s.destroyed) return resolve();
      s.write(data, () => resolve());
    });

  /** Serves one client connection: framed requests in, framed (possibly broken) responses out. */
  async function serve(client: net.Socket, raw: net.Socket): Promise<void> {
    const requests = new MessageReader(client, "request", maxMessage);
    const state = { busy: false, drain: false };
    exchangeState.set(raw, state);
    let up: net.Socket | undefined;
    let upReader: MessageReader | undefined;
    const hangUp = () => {
      client.destroy();
      up?.destroy();
    };
    client.once("close", () => up?.destroy());
    try {
      for (;;) {
        // Between exchanges: a connection dropped while its last one was in flight closes now.
        state.busy = false;
        if (state.drain) {
          client.end();
          break;
        }
        const req = await requests.next();
        if (!req || closed) break;
        state.busy = true;
        const body = req.bytes.subarray(req.head.headLength);
        const op = operationOf(req.head, body);
        counts.requests++;
        counts.byOp[op] = (counts.byOp[op] ?? 0) + 1;
        const fault = take(op);
        const collector = options.replayLostWaits && op === "WaitForUpdatesEx" ? collectorOf(body) : undefined;
        const kept = collector !== undefined ? lostWaits.get(collector) : undefined;

        if (fault?.kind === "http-status" && !fault.forward) {
          count(fault);
          remember({ operation: op, status: fault.status ?? 503, fault: fault.kind, forwarded: false });
          await write(client, statusResponse(fault, req.bytes.toString("utf8")));
          continue;
        }

        let res: Message;
        if (kept !== undefined) {
          // The retry of a wait whose answer a fault dropped: that answer again, as vCenter would give it from the
          // same version; vcsim would answer only what changed since (see FaultProxyOptions.replayLostWaits).
          lostWaits.delete(collector!);
          res = kept;
        } else {
          if (!up || up.destroyed || up.readableEnded) {
            up?.destroy();
            up = connectUpstream();
            upReader = new MessageReader(up, "response", maxMessage);
          }
          up.write(req.bytes);
          const got = await upReader!.next();
          if (!got) {
            hangUp();
            break;
          }
          res = got;
          counts.fwdByOp[op] = (counts.fwdByOp[op] ?? 0) + 1;
        }
        const status = Number(res.head.startLine.split(" ")[1]);
        const exchange = { operation: op, status, forwarded: kept === undefined, responseHeaders: res.head.headers };
        const closeAfter = /close/i.test(headerValue(res.head, "connection") ?? "") || /close/i.test(headerValue(req.head, "connection") ?? "");
        if (!fault) {
          remember(exchange);
          await write(client, res.bytes);
          if (closeAfter) {
            client.end();
            break;
          }
          continue;
        }

        count(fault);
        remember({ ...exchange, fault: fault.kind, ...(fault.kind === "http-status" ? { status: fault.status ?? 503 } : {}) });
        // A drip delivers the whole answer; every other fault here drops the answer vcsim has already computed.
        if (collector !== undefined && status === 200 && fault.kind !== "drip") lostWaits.set(collector, res);
        // Cut inside the body: after the head and half of what follows it.
        const cut = res.head.headLength + Math.floor((res.bytes.length - res.head.headLength) / 2);
        switch (fault.kind) {
          case "http-status":
            await write(client, statusResponse(fault, req.bytes.toString("utf8")));
            continue;
          case "reset":
            await write(client, res.bytes.subarray(0, cut));
            // Let the partial response leave before the RST discards what is still queued.
            await sleep(RESET_DELAY_MS);
            up?.destroy();
            if (!raw.destroyed) raw.resetAndDestroy();
            client.destroy();
            return;
          case "truncate":
            await write(client, res.bytes.subarray(0, cut));
            up?.destroy();
            client.end();
            return;
          case "stall":
            // Hold the answer: the client's deadline has to end this.
            if (fault.stallMs !== undefined) later(fault.stallMs, hangUp);
            return;
          case "drip": {
            const pieces = Math.max(1, fault.dripChunks ?? 40);
            const size = Math.ceil(res.bytes.length / pieces);
            for (let at = 0; at < res.bytes.length && !client.destroyed; at += size) {
              await write(client, res.bytes.subarray(at, at + size));
              if (at + size < res.bytes.length) await sleep(fault.dripIntervalMs ?? 10);
            }
            if (closeAfter) {
              client.end();
              return;
            }
            continue;
          }
          default:
            hangUp();
            return;
        }
      }
    } catch {
      hangUp();
      return;
    }
    if (!client.destroyed) client.end();
    up?.destroy();
  }

  const onConnection = (raw: net.Socket) => {
    track(raw);
    clients.add(raw);
    raw.once("close", () => clients.delete(raw));
    counts.connections++;
    if (closed) {
      raw.destroy();
      return;
    }
    const fault = take(undefined);
    if (fault) {
      count(fault);
      remember({ operation: "(TLS handshake)", fault: fault.kind, forwarded: false });
      raw.once("data", () => {
        if (fault.tls === "reset") raw.resetAndDestroy();
        else if (fault.tls === "close") raw.end();
        else raw.end(TLS_HANDSHAKE_FAILURE_ALERT);
      });
      return;
    }
    if (!options.tls) {
      void serve(raw, raw);
      return;
    }
    const secure = track(new tls.TLSSocket(raw, { isServer: true, key: options.tls.key, cert: options.tls.cert }));
    secure.once("close", () => raw.destroy());
    void serve(secure, raw);
  };

  const server = net.createServer(onConnection);
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(upstream.href);
  url.protocol = options.tls ? "https:" : "http:";
  url.hostname = "127.0.0.1";
  url.port = String(port);

  let closing: Promise<void> | undefined;
  const proxy: FaultProxy = {
    url: url.href,
    host: "127.0.0.1",
    port,
    inject(spec) {
      if (closed) throw new Error("fault proxy: inject after close()");
      const n = spec.count ?? 1;
      if (!(n > 0)) throw new RangeError(`fault proxy: count must be positive, got ${n}`);
      armed.push({ spec, left: n });
    },
    chaos(opts) {
      if (opts && !(opts.rate >= 0 && opts.rate <= 1)) throw new RangeError(`fault proxy: chaos rate must be in [0, 1], got ${opts.rate}`);
      chaos = opts ? { opts, random: seededRandom(opts.seed) } : undefined;
    },
    clear() {
      armed.length = 0;
      chaos = undefined;
    },
    stats() {
      return {
        connections: counts.connections,
        openSockets: sockets.size,
        requests: counts.requests,
        requestsByOperation: { ...counts.byOp },
        forwardedByOperation: { ...counts.fwdByOp },
        injected: { ...counts.injected },
        injectedTotal: counts.injectedTotal,
        armed: armed.length,
      };
    },
    exchanges() {
      return [...log];
    },
    dropConnections(options) {
      // Upstream sockets follow their client's close (see serve()).
      if (!options?.betweenExchanges) return destroyAll(clients);
      const idle: net.Socket[] = [];
      for (const c of clients) {
        const st = exchangeState.get(c);
        if (st?.busy) st.drain = true;
        else idle.push(c);
      }
      return destroyAll(idle);
    },
    async down() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await destroyAll(sockets);
      await stopped;
    },
    up() {
      return new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    },
    close() {
      closing ??= (async () => {
        closed = true;
        armed.length = 0;
        chaos = undefined;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await destroyAll(sockets);
        await stopped;
      })();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return proxy.close();
    },
  };
  return proxy;
}

/** The PropertyCollector a WaitForUpdatesEx request body names (its `_this`), or undefined. */
function collectorOf(body: Buffer): string | undefined {
  return /<_this[^>]*>([^<]*)<\/_this>/.exec(body.toString("utf8"))?.[1];
}
