/**
 * The undici Agent for talking to a vCenter/ESXi SDK endpoint: trust the
 * system CAs, an extra CA file, nothing (`insecure`), or exactly one leaf
 * certificate by its SHA-256 thumbprint (how vSphere admins usually pin hosts
 * with self-signed certificates). The options and the thumbprint's spelling
 * are the runtime's (runtime/soap/tls.ts); the runtime's connector itself is
 * per call and raises transport errors, so a plain Agent is built here.
 */
import { certificateThumbprint, ErrorCode, normalizeThumbprint, type TlsOptions } from "tsvmomi";
import { GeneratorError } from "../errors.js";
import type { TLSSocket } from "node:tls";
import { Agent, buildConnector } from "undici";

/** The runtime's TLS policy (`insecure`, `thumbprint`, `ca`), plus this agent's deadlines. */
export interface AgentOptions extends TlsOptions {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

export class ThumbprintError extends GeneratorError {
  static override readonly kind = "ThumbprintError";
  constructor(message: string) {
    super(ErrorCode.TLS, message);
  }
}

export function makeAgent(opts: AgentOptions): Agent {
  const pin = opts.thumbprint ? normalizeThumbprint(opts.thumbprint) : undefined;
  const base = buildConnector({
    // A pinned leaf replaces chain validation: self-signed host certificates are the common case.
    rejectUnauthorized: !(opts.insecure || pin),
    // Node's option wants a mutable array; the runtime's policy hands out a readonly one.
    ...(opts.ca ? { ca: typeof opts.ca === "string" || Buffer.isBuffer(opts.ca) ? opts.ca : [...opts.ca] } : {}),
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
      const raw = tls.getPeerCertificate().raw;
      const got = raw ? certificateThumbprint(raw) : undefined;
      if (got !== pin) {
        socket.destroy();
        return callback(
          new ThumbprintError(
            `TLS thumbprint mismatch for ${options.hostname}:${options.port}: expected ${pin}, the server presented ${got ?? "no certificate"}`,
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
