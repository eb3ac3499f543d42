/**
 * TLS connection policy: verify (optionally against a custom CA), pin a
 * SHA-256 thumbprint, or skip verification.
 *
 * Pinning replaces chain verification, as govmomi does for hosts with a
 * known thumbprint: ESXi hosts typically present self-signed certificates,
 * and the pin is a stronger statement than any chain. Node only calls
 * `checkServerIdentity` after the chain verified, so the pin is checked on
 * the connected socket instead, before undici writes a byte of the request.
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { buildConnector as BuildConnector } from "undici";
import { buildConnector } from "./undici.js";
import { TlsError, type CallContext } from "../errors/transport.js";

export interface TlsOptions {
  /** Skip certificate verification entirely. Logged once per client. */
  readonly insecure?: boolean;
  /** SHA-256 of the server's leaf certificate (DER); `AA:BB:…` or plain hex, any case. */
  readonly thumbprint?: string;
  /** Extra trusted CA certificate(s), PEM. Replaces Node's default bundle for this client. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

/** `AA:BB:…`, `aa bb …` or `aabb…` → `AA:BB:…`; throws on anything that is not 32 bytes of hex. */
export function normalizeThumbprint(input: string): string {
  const hex = input.replace(/[\s:]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new TypeError(
      `thumbprint must be a SHA-256 fingerprint (64 hex digits, optionally colon-separated), got ${JSON.stringify(input)}` +
        (/^[0-9A-F]{40}$/.test(hex) ? " — that looks like a SHA-1 thumbprint; use the SHA-256 one" : ""),
    );
  }
  return hex.match(/../g)!.join(":");
}

export function certificateThumbprint(der: Uint8Array, algorithm: "sha256" | "sha1" = "sha256"): string {
  return createHash(algorithm).update(der).digest("hex").toUpperCase().match(/../g)!.join(":");
}

/** The thumbprints of a certificate that failed verification, attached to the connect error for the message. */
export interface PeerThumbprints {
  readonly sha256: string;
  readonly sha1: string;
}

const PEER = Symbol.for("tsvmomi.soap.peerThumbprints");

export function peerThumbprints(err: unknown): PeerThumbprints | undefined {
  return typeof err === "object" && err !== null ? (err as { [PEER]?: PeerThumbprints })[PEER] : undefined;
}

/** Certificate errors the TLS layer raises when it refuses the server (Node's verify codes). */
export function isVerifyFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  return /CERT|SELF_SIGNED|ISSUER|LEAF_SIGNATURE|HOSTNAME|ALTNAME/.test(code);
}

/**
 * Reads the certificate of a server whose certificate just failed
 * verification, over a second handshake-only connection (nothing is sent), so
 * the error can print its thumbprint for the user to check and pin, as govc
 * does. The verified path itself is untouched. Undefined when that fails too.
 */
function probePeer(host: string, port: number, servername: string | undefined, timeoutMs: number): Promise<PeerThumbprints | undefined> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ...(servername ? { servername } : {}) });
    const done = (value: PeerThumbprints | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs).unref();
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate()?.raw;
      done(raw ? { sha256: certificateThumbprint(raw), sha1: certificateThumbprint(raw, "sha1") } : undefined);
    });
    socket.once("error", () => done(undefined));
  });
}

/**
 * Errors raised before the connector hands a socket to undici: TCP connect or the TLS
 * handshake failed, so no request byte was written and even a write may be retried.
 * (A reset during the handshake reads `ECONNRESET` like a reset mid-response would.)
 */
const CONNECT_PHASE = Symbol.for("tsvmomi.soap.connectPhase");

function markConnectPhase(err: Error): Error {
  (err as Error & { [CONNECT_PHASE]?: true })[CONNECT_PHASE] = true;
  return err;
}

export function failedBeforeSending(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { [CONNECT_PHASE]?: true })[CONNECT_PHASE] === true;
}

export function buildTlsConnector(
  tls: TlsOptions,
  connectTimeout: number,
  ctx: CallContext,
): BuildConnector.connector {
  const pinned = tls.thumbprint === undefined ? undefined : normalizeThumbprint(tls.thumbprint);
  const base = buildConnector({
    timeout: connectTimeout,
    rejectUnauthorized: !(tls.insecure || pinned),
    // A resumed session skips the certificate exchange; pinning must see the certificate every time.
    ...(pinned ? { maxCachedSessions: 0 } : {}),
    ...(tls.ca !== undefined ? { ca: tls.ca as string | Buffer | Array<string | Buffer> } : {}),
  });
  return (opts, callback) => {
    base(opts, (err, socket) => {
      if (err && !pinned && !tls.insecure && isVerifyFailure(err)) {
        const host = opts.hostname;
        const servername = opts.servername ?? (isIP(host) ? undefined : host);
        void probePeer(host, Number(opts.port) || 443, servername || undefined, Math.min(connectTimeout, 5_000)).then((peer) => {
          if (peer) (err as Error & { [PEER]?: PeerThumbprints })[PEER] = peer;
          callback(markConnectPhase(err), null);
        });
        return;
      }
      if (err || !socket) return callback(markConnectPhase(err ?? new Error("connector returned no socket")), null);
      if (!pinned) return callback(null, socket);
      const cert = (socket as TLSSocket).getPeerCertificate?.();
      const got = cert?.raw ? certificateThumbprint(cert.raw) : undefined;
      if (got !== pinned) {
        socket.destroy();
        return callback(new TlsError(ctx, { reason: "thumbprint-mismatch", expected: pinned, ...(got ? { got } : {}) }), null);
      }
      callback(null, socket);
    });
  };
}
