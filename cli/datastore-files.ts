/**
 * Datastore files over HTTPS: `PUT`/`GET https://host/folder/<path>?dcPath=…&dsName=…`,
 * vCenter's file endpoint, which vcsim serves too.
 *
 * Authorised with a one-use generic service ticket (SessionManager.
 * AcquireGenericServiceTicket for exactly this method and URL, sent as the
 * `vmware_cgi_ticket` cookie) rather than the session cookie, which the
 * runtime keeps to itself. The TLS policy is the SOAP connection's: the same
 * SHA-256 pin (checked on the socket before a byte is written), or -k, or the
 * CA bundle. A download is written to a temporary file renamed into place
 * when complete, so an interrupted one leaves nothing half-written.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, stat, unlink } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { pipeline } from "node:stream/promises";
import type { Client, MoRef } from "tsvmomi";
import { methods, type Bindings } from "./bindings.js";
import type { TlsPolicy } from "./connection.js";
import { CliError } from "./errors.js";

export interface FileTarget {
  readonly datacenterPath: string;
  readonly datastoreName: string;
  /** Path inside the datastore, `folder/file.iso`. */
  readonly path: string;
}

export function folderUrl(client: Client<Bindings>, t: FileTarget): URL {
  const url = new URL(client.url);
  url.pathname = `/folder/${t.path.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/")}`;
  url.search = new URLSearchParams({ dcPath: t.datacenterPath.replace(/^\//, ""), dsName: t.datastoreName }).toString();
  return url;
}

async function ticket(client: Client<Bindings>, method: "httpPut" | "httpGet", url: URL, signal: AbortSignal): Promise<string> {
  const SM = await methods.SessionManager();
  const sm = (client.serviceContent as { sessionManager: MoRef<"SessionManager"> }).sessionManager;
  const t = await client.call(SM.AcquireGenericServiceTicket, sm, { spec: { _typeName: "SessionManagerHttpServiceRequestSpec", method, url: url.href } } as never, { signal });
  return (t as { id: string }).id;
}

const sha256 = (der: Buffer) => createHash("sha256").update(der).digest("hex").toUpperCase().match(/../g)!.join(":");

function send(url: URL, method: "PUT" | "GET", headers: Record<string, string | number>, tls: TlsPolicy, signal: AbortSignal): ClientRequest {
  // cli/connection.ts admits only 40 or 64 hex digits, so the thumbprint always has pairs to match.
  const pinned = tls.thumbprint === undefined ? undefined : tls.thumbprint.replace(/[\s:]/g, "").toUpperCase().match(/../g)!.join(":");
  const options = {
    method,
    headers,
    signal,
    ...(url.protocol === "https:" ? { rejectUnauthorized: !(tls.insecure || pinned), agent: false as const } : {}),
  };
  const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options);
  if (pinned && url.protocol === "https:") {
    req.on("socket", (socket) => {
      // Corked until the pin is checked, so not a byte of the body leaves for an unverified server.
      socket.cork();
      socket.once("secureConnect", () => {
        const der = (socket as TLSSocket).getPeerCertificate().raw;
        if (!der || sha256(der) !== pinned) {
          req.destroy(new CliError(`${url.host}: certificate thumbprint mismatch: expected ${pinned}, the server presents ${der ? sha256(der) : "no certificate"}`));
          return;
        }
        socket.uncork();
      });
    });
  }
  return req;
}

function response(req: ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    req.once("response", resolve);
    req.once("error", reject);
  });
}

function statusError(method: string, url: URL, res: IncomingMessage): CliError {
  const what = res.statusCode === 404 ? "no such file or datastore" : res.statusCode === 401 || res.statusCode === 403 ? "not authorised" : res.statusMessage ?? "";
  return new CliError(`${method} ${decodeURIComponent(url.pathname)} on ${url.searchParams.get("dsName")}: HTTP ${res.statusCode}${what ? ` (${what})` : ""}`);
}

export async function upload(client: Client<Bindings>, tls: TlsPolicy, local: string, target: FileTarget, signal: AbortSignal, onBytes: (sent: number, total: number) => void): Promise<number> {
  const size = (await stat(local).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`${local}: ${err.code === "ENOENT" ? "no such file" : err.code ?? err.message}`);
  })).size;
  const url = folderUrl(client, target);
  const id = await ticket(client, "httpPut", url, signal);
  const req = send(url, "PUT", { "Content-Length": size, "Content-Type": "application/octet-stream", Cookie: `vmware_cgi_ticket=${id}` }, tls, signal);
  let sent = 0;
  const body = createReadStream(local);
  body.on("data", (chunk) => {
    sent += chunk.length;
    onBytes(sent, size);
  });
  const answered = response(req);
  await pipeline(body, req);
  const res = await answered;
  res.resume();
  if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) throw statusError("PUT", url, res);
  return size;
}

/** To `local`, or to `out` (stdout) when local is "-". */
export async function download(
  client: Client<Bindings>,
  tls: TlsPolicy,
  target: FileTarget,
  local: string | NodeJS.WritableStream,
  signal: AbortSignal,
  onBytes: (got: number, total: number | undefined) => void,
): Promise<number> {
  const url = folderUrl(client, target);
  const id = await ticket(client, "httpGet", url, signal);
  const req = send(url, "GET", { Cookie: `vmware_cgi_ticket=${id}` }, tls, signal);
  req.end();
  const res = await response(req);
  if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
    res.resume();
    throw statusError("GET", url, res);
  }
  const total = res.headers["content-length"] ? Number(res.headers["content-length"]) : undefined;
  let got = 0;
  res.on("data", (chunk: Buffer) => {
    got += chunk.length;
    onBytes(got, total);
  });
  if (typeof local !== "string") {
    await pipeline(res, local, { end: false });
    return got;
  }
  const tmp = `${local}.tsvmomi-partial-${process.pid}`;
  try {
    await pipeline(res, createWriteStream(tmp, { flags: "wx" }));
    if (total !== undefined && got !== total) throw new CliError(`GET ${decodeURIComponent(url.pathname)}: the server sent ${got} of ${total} bytes`);
    await rename(tmp, local);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return got;
}
