/**
 * The undici Agent for talking to a vCenter/ESXi SDK endpoint: trust the
 * system CAs, an extra CA file, nothing (`insecure`), or exactly one leaf
 * certificate by its SHA-256 thumbprint (how vSphere admins usually pin hosts
 * with self-signed certificates).
 */
import type { TLSSocket } from "node:tls";
import { Agent, buildConnector } from "undici";

export interface TlsOptions {
  insecure?: boolean;
  /** SHA-256 of the leaf certificate, hex, colons optional. */
  thumbprint?: string;
  /** PEM text of extra trusted CAs. */
  ca?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export class ThumbprintError extends Error {
  readonly code = "TSVMOMI_THUMBPRINT_MISMATCH";
}

/** `AB:CD:…` / `abcd…` → `abcd…`; throws unless it is 32 bytes of hex. */
export function normalizeThumbprint(t: string): string {
  const hex = t.replace(/[:\s]/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`--thumbprint ${t}: expected a SHA-256 thumbprint (64 hex digits, colons optional)`);
  }
  return hex;
}

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(":");

export function makeAgent(opts: TlsOptions): Agent {
  const pin = opts.thumbprint ? normalizeThumbprint(opts.thumbprint) : undefined;
  const base = buildConnector({
    // A pinned leaf replaces chain validation: self-signed host certificates are the common case.
    rejectUnauthorized: !(opts.insecure || pin),
    ...(opts.ca ? { ca: opts.ca } : {}),
    // Resumed sessions may not present the certificate again; pinning must see it on every connection.
    maxCachedSessions: pin ? 0 : 100,
    timeout: opts.connectTimeoutMs ?? 10_000,
  });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (...args) => {
      const [err, socket] = args;
      if (err || !pin) return callback(...args);
      const tls = socket as TLSSocket;
      if (typeof tls.getPeerCertificate !== "function") {
        socket.destroy();
        return callback(new ThumbprintError(`--thumbprint needs an https URL; ${options.hostname} was reached over plain TCP`), null);
      }
      const got = tls.getPeerCertificate().fingerprint256?.replace(/:/g, "").toLowerCase();
      if (got !== pin) {
        socket.destroy();
        return callback(
          new ThumbprintError(
            `TLS thumbprint mismatch for ${options.hostname}:${options.port}: expected ${colons(pin)}, the server presented ${got ? colons(got) : "no certificate"}`,
          ),
          null,
        );
      }
      callback(null, socket);
    });
  };
  return new Agent({
    connect,
    headersTimeout: opts.headersTimeoutMs ?? 30_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 60_000,
  });
}
