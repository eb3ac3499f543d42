/**
 * Where to connect and as whom, from flags first, then TSVMOMI_* and then
 * GOVC_* environment variables, so govc users move over unchanged:
 *
 *   url         --url, TSVMOMI_URL, GOVC_URL (`user:pass@host` works; https:// and /sdk are implied)
 *   user name   --username, TSVMOMI_USERNAME, GOVC_USERNAME, the URL's user info
 *   password    --password, TSVMOMI_PASSWORD, GOVC_PASSWORD, the URL's user info
 *   TLS         --thumbprint / TSVMOMI_THUMBPRINT, an entry in GOVC_TLS_KNOWN_HOSTS,
 *               --insecure / TSVMOMI_INSECURE / GOVC_INSECURE
 *   sessions    cached in ~/.tsvmomi/sessions.json (--session-cache, TSVMOMI_SESSION_CACHE);
 *               --persist-session=false, TSVMOMI_PERSIST_SESSION=false or GOVC_PERSIST_SESSION=false turn it off
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import type { Client } from "tsvmomi";
import type { FlagSpec, FlagValues } from "./args.js";
import { envFlag } from "./args.js";
import type { Bindings } from "./bindings.js";
import { CliError, UsageError } from "./errors.js";
import type { Io } from "./output.js";

export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  { name: "url", type: "string", arg: "URL", describe: "server: https://host/sdk or user:pass@host (env TSVMOMI_URL, GOVC_URL)" },
  { name: "username", type: "string", arg: "NAME", alias: ["u"], describe: "user name (env TSVMOMI_USERNAME, GOVC_USERNAME)" },
  { name: "password", type: "string", arg: "SECRET", describe: "password (env TSVMOMI_PASSWORD, GOVC_PASSWORD); prefer the environment" },
  { name: "thumbprint", type: "string", arg: "SHA256", describe: "pin the server certificate (env TSVMOMI_THUMBPRINT; GOVC_TLS_KNOWN_HOSTS entries too)" },
  { name: "insecure", type: "boolean", alias: ["k"], describe: "skip certificate verification (env TSVMOMI_INSECURE, GOVC_INSECURE)" },
  { name: "session-cache", type: "string", arg: "FILE", describe: "session cookie file (default ~/.tsvmomi/sessions.json; env TSVMOMI_SESSION_CACHE)" },
  { name: "persist-session", type: "boolean", describe: "reuse and keep the session between runs (default true; env TSVMOMI_PERSIST_SESSION, GOVC_PERSIST_SESSION)" },
  { name: "timeout", type: "number", arg: "SECONDS", describe: "deadline of each server call (default 300)" },
];

export interface ConnectionSettings {
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** As given: SHA-256, or a SHA-1 from govc's known_hosts (verified by a probe, then pinned as SHA-256). */
  readonly thumbprint: string | undefined;
  readonly thumbprintSource: string | undefined;
  readonly insecure: boolean;
  readonly sessionCache: string | false;
  readonly timeoutMs: number | undefined;
}

function first(...values: (string | undefined)[]): string | undefined {
  for (const v of values) if (v !== undefined && v !== "") return v;
  return undefined;
}

/** govc's URL rules: a scheme and /sdk are implied; user info is split off (and percent-decoded). */
export function parseServerUrl(raw: string): { url: URL; username?: string; password?: string } {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`server URL ${JSON.stringify(redactUserinfo(raw))} is not a URL; expected https://host/sdk or user:pass@host`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`server URL: expected https:// or http://, got ${url.protocol}//`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = "";
  url.password = "";
  if (url.pathname === "" || url.pathname === "/") url.pathname = "/sdk";
  return { url, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

function redactUserinfo(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, "//***@").replace(/^[^/@]*@/, "***@");
}

/** `host:port` as govc keys known_hosts: the port defaults to 443. */
function hostAddr(url: URL): string {
  return `${url.hostname.includes(":") ? `[${url.hostname}]` : url.hostname}:${url.port || (url.protocol === "http:" ? "80" : "443")}`;
}

/**
 * govc's known_hosts format (GOVC_TLS_KNOWN_HOSTS, a path list): one
 * `host[:port] thumbprint` per line, the first space separating them; a missing
 * file is no error, as in govc. Later entries win.
 */
export function knownHostThumbprint(fileList: string, url: URL): { thumbprint: string; source: string } | undefined {
  const want = hostAddr(url);
  let found: { thumbprint: string; source: string } | undefined;
  for (const file of fileList.split(delimiter).filter(Boolean)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new CliError(`GOVC_TLS_KNOWN_HOSTS: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (const line of text.split(/\r?\n/)) {
      const sp = line.indexOf(" ");
      if (sp <= 0) continue;
      const host = line.slice(0, sp).trim();
      const withPort = /:\d+$/.test(host) && !host.endsWith("]") ? host : `${host}:443`;
      if (withPort.toLowerCase() === want.toLowerCase()) found = { thumbprint: line.slice(sp + 1).trim(), source: file };
    }
  }
  return found;
}

export function connectionSettings(flags: FlagValues, env: Io["env"]): ConnectionSettings {
  const rawUrl = first(flags.url as string | undefined, env.TSVMOMI_URL, env.GOVC_URL);
  if (!rawUrl) throw new UsageError("no server: pass --url or set TSVMOMI_URL (or GOVC_URL)");
  const { url, username: urlUser, password: urlPassword } = parseServerUrl(rawUrl);
  const username = first(flags.username as string | undefined, env.TSVMOMI_USERNAME, env.GOVC_USERNAME, urlUser);
  const password = first(flags.password as string | undefined, env.TSVMOMI_PASSWORD, env.GOVC_PASSWORD, urlPassword);
  if ((username === undefined) !== (password === undefined)) {
    throw new UsageError(username === undefined ? "a password but no user name: pass --username or set TSVMOMI_USERNAME" : "a user name but no password: set TSVMOMI_PASSWORD (or GOVC_PASSWORD)");
  }
  let thumbprint = first(flags.thumbprint as string | undefined, env.TSVMOMI_THUMBPRINT);
  let thumbprintSource = thumbprint !== undefined ? "--thumbprint" : undefined;
  if (thumbprint === undefined && env.GOVC_TLS_KNOWN_HOSTS) {
    const known = knownHostThumbprint(env.GOVC_TLS_KNOWN_HOSTS, url);
    if (known) ({ thumbprint, source: thumbprintSource } = known);
  }
  if (thumbprint !== undefined && !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(thumbprint.replace(/[\s:]/g, ""))) {
    throw new UsageError(`thumbprint from ${thumbprintSource}: expected a SHA-256 (or govc's SHA-1) fingerprint in hex, got ${JSON.stringify(thumbprint)}`);
  }
  const insecure = flags.insecure !== undefined ? flags.insecure === true : envFlag(env.TSVMOMI_INSECURE) || envFlag(env.GOVC_INSECURE);
  const persistEnv = first(env.TSVMOMI_PERSIST_SESSION, env.GOVC_PERSIST_SESSION);
  const persist = flags["persist-session"] !== undefined ? flags["persist-session"] === true : persistEnv === undefined || envFlag(persistEnv);
  const sessionCache = persist ? (first(flags["session-cache"] as string | undefined, env.TSVMOMI_SESSION_CACHE) ?? defaultSessionCache(env)) : false;
  const timeout = flags.timeout as number | undefined;
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${timeout}`);
  return {
    url: url.href,
    username,
    password,
    thumbprint,
    thumbprintSource,
    insecure,
    sessionCache,
    timeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
  };
}

function defaultSessionCache(env: Io["env"]): string {
  return join(env.HOME || homedir(), ".tsvmomi", "sessions.json");
}

const hexOf = (text: string) => text.replace(/[\s:]/g, "").toUpperCase();
const colons = (hex: string) => hex.match(/../g)!.join(":");

/**
 * govc's known_hosts holds SHA-1 thumbprints; the runtime pins SHA-256 only.
 * One extra TLS handshake reads the certificate: if its SHA-1 matches, its
 * SHA-256 becomes the pin, so the real connection is bound to that same
 * certificate; otherwise the mismatch is reported and nothing else is sent.
 */
export async function sha256ForSha1(url: URL, sha1: string, signal: AbortSignal): Promise<string> {
  const der = await new Promise<Buffer>((resolve, reject) => {
    const isIp = /^[\d.]+$|:/.test(url.hostname);
    const socket = tlsConnect({ host: url.hostname, port: Number(url.port || 443), ...(isIp ? {} : { servername: url.hostname }), rejectUnauthorized: false });
    const timer = setTimeout(() => socket.destroy(new Error("TLS handshake timed out after 10 s")), 10_000);
    const onAbort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      done();
      socket.destroy();
      raw ? resolve(raw) : reject(new Error("the server sent no certificate"));
    });
    socket.once("error", (err) => {
      done();
      reject(err);
    });
  }).catch((err: Error) => {
    throw new CliError(`${url.host}: cannot read the server certificate to check the known_hosts thumbprint (${err.message})`);
  });
  const got = createHash("sha1").update(der).digest("hex").toUpperCase();
  if (got !== hexOf(sha1)) {
    throw new CliError(`${url.host}: certificate thumbprint mismatch: known_hosts has SHA-1 ${colons(hexOf(sha1))}, the server presents ${colons(got)}`);
  }
  return colons(createHash("sha256").update(der).digest("hex").toUpperCase());
}

export interface OpenOptions {
  /** Log in with the settings' credentials (default true). `about` needs no session. */
  readonly login?: boolean;
  readonly debug?: boolean;
  readonly signal: AbortSignal;
}

/** The TLS policy the connection uses: a SHA-256 pin (a known_hosts SHA-1 resolved by a probe), or insecure, or neither (the CA bundle). */
export interface TlsPolicy {
  readonly thumbprint: string | undefined;
  readonly insecure: boolean;
}

export async function tlsPolicy(settings: ConnectionSettings, signal: AbortSignal): Promise<TlsPolicy> {
  const url = new URL(settings.url);
  let thumbprint = settings.thumbprint;
  if (thumbprint !== undefined && hexOf(thumbprint).length === 40 && url.protocol === "https:") {
    thumbprint = await sha256ForSha1(url, thumbprint, signal);
  }
  return { thumbprint, insecure: settings.insecure && thumbprint === undefined };
}

/** Connects as the settings say; with `login`, reuses the cached session when there is one. */
export async function openClient(settings: ConnectionSettings, bindings: Bindings, io: Io, options: OpenOptions & { tls: TlsPolicy }): Promise<Client<Bindings>> {
  const { connect } = await import("tsvmomi");
  const url = new URL(settings.url);
  const login = options.login ?? true;
  if (login && settings.username === undefined) {
    throw new UsageError("no credentials: set TSVMOMI_USERNAME and TSVMOMI_PASSWORD (or GOVC_*, or user:pass@ in the URL)");
  }
  const thumbprint = options.tls.thumbprint;
  const warn = (m: string) => {
    // The user asked for -k; repeating the runtime's warning on every command is noise.
    if (settings.insecure && /verification is disabled/.test(m)) return;
    io.stderr.write(`tsvmomi: warning: ${m.split("\n")[0]}\n`);
  };
  return connect({
    url,
    bindings,
    ...(login ? { username: settings.username!, password: settings.password! } : {}),
    ...(thumbprint !== undefined ? { thumbprint } : {}),
    ...(options.tls.insecure ? { insecure: true } : {}),
    ...(login && settings.sessionCache ? { sessionCache: settings.sessionCache } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    // A one-shot command never idles long enough to need CurrentTime pings; `watch` asks for them.
    keepAlive: false,
    ...(options.debug ? { trace: { log: true, write: (line: string) => void io.stderr.write(line.endsWith("\n") ? line : `${line}\n`) } } : {}),
    logger: { warn },
    signal: options.signal,
  });
}
