/**
 * Downloads a live endpoint's WSDL bundle: `<url>/vimService.wsdl` and every
 * file it references, recursively, each once. Only files inside the entry's
 * own directory on the same origin are followed (a bundle is one folder;
 * anything else is a mistake or an attack), and the folder is written whole
 * or not at all.
 */
import { writeTreeAtomically } from "../emit/write.js";
import { request, type Agent } from "undici";
import { makeAgent, type TlsOptions } from "./tls-agent.js";
import { readXmlInfo, NotXmlError } from "./references.js";

export interface FetchWsdlOptions extends TlsOptions {
  /** SDK base URL (`https://vc.example/sdk`) or the entry file's URL (`…/pbmService.wsdl`). */
  url: string;
  out: string;
  /** Entry file name under `url` when `url` is a folder (default `vimService.wsdl`). */
  entry?: string;
  signal?: AbortSignal;
  /** Bounds that keep a hostile or broken server from filling the disk. */
  maxFiles?: number;
  maxFileBytes?: number;
  onProgress?: (step: string) => void;
}

export interface FetchedFile {
  /** Path relative to the bundle folder. */
  name: string;
  bytes: number;
}

export class FetchWsdlError extends Error {
  readonly code = "TSVMOMI_FETCH_WSDL";
}

export function entryUrl(url: string, entry = "vimService.wsdl"): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FetchWsdlError(`--url ${url}: expected an absolute http(s) URL such as https://vcenter.example/sdk`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new FetchWsdlError(`--url ${url}: expected an http or https URL`);
  if (/\.(wsdl|xml)$/i.test(u.pathname)) return u;
  if (!u.pathname.endsWith("/")) u.pathname += "/";
  return new URL(entry, u);
}

/** Where a reference lands inside the bundle folder, or why it may not be followed. */
export function bundlePath(ref: string, from: URL, base: URL, fromName: string): { url: URL; name: string } {
  let u: URL;
  try {
    u = new URL(ref, from);
  } catch {
    throw new FetchWsdlError(`${fromName}: reference ${JSON.stringify(ref)} is not a valid URL`);
  }
  u.hash = "";
  const outside = () =>
    new FetchWsdlError(`${fromName}: reference ${JSON.stringify(ref)} resolves to ${u.href}, outside ${base.href}; refusing to follow it`);
  if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) throw outside();
  if (u.search) throw new FetchWsdlError(`${fromName}: reference ${JSON.stringify(ref)} has a query string; expected a plain file path`);
  let name: string;
  try {
    name = decodeURIComponent(u.pathname.slice(base.pathname.length));
  } catch {
    throw new FetchWsdlError(`${fromName}: reference ${JSON.stringify(ref)} has invalid percent-encoding`);
  }
  // Decoding can reintroduce `..` or separators that URL normalisation did not see.
  const segments = name.split("/");
  if (name === "" || segments.some((s) => s === "" || s === "." || s === ".." || /[\\\0]/.test(s))) throw outside();
  return { url: u, name };
}

export async function fetchWsdl(opts: FetchWsdlOptions): Promise<FetchedFile[]> {
  const entry = entryUrl(opts.url, opts.entry);
  const base = new URL("./", entry);
  const maxFiles = opts.maxFiles ?? 500;
  const maxBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
  const agent = makeAgent(opts);
  const got = new Map<string, Buffer>();
  try {
    const entryName = decodeURIComponent(entry.pathname.slice(base.pathname.length));
    const queue: { url: URL; name: string; from?: string }[] = [{ url: entry, name: entryName }];
    const queued = new Set([entry.href]);
    while (queue.length) {
      opts.signal?.throwIfAborted();
      const item = queue.shift()!;
      if (got.size >= maxFiles) throw new FetchWsdlError(`${base.href}: more than ${maxFiles} files referenced; giving up`);
      opts.onProgress?.(`GET ${item.url.href}`);
      const bytes = await download(agent, item.url, maxBytes, opts.signal, item.from);
      let info: ReturnType<typeof readXmlInfo>;
      try {
        info = readXmlInfo(bytes.toString("utf8"), item.url.href);
      } catch (err) {
        if (err instanceof NotXmlError) throw new FetchWsdlError(`endpoint does not serve WSDL: ${err.message}`);
        throw err;
      }
      const isEntry = item.url.href === entry.href;
      if (isEntry ? info.root !== "definitions" : info.root !== "definitions" && info.root !== "schema") {
        throw new FetchWsdlError(
          `endpoint does not serve WSDL: ${item.url.href} has root element <${info.root}>, expected <definitions>${isEntry ? "" : " or <schema>"}`,
        );
      }
      got.set(item.name, bytes);
      for (const ref of info.refs) {
        const next = bundlePath(ref, item.url, base, item.name);
        if (queued.has(next.url.href)) continue;
        queued.add(next.url.href);
        queue.push({ ...next, from: item.name });
      }
    }
  } finally {
    await agent.close().catch(() => {});
  }
  await writeBundleAtomically(opts.out, got, opts.signal);
  return [...got].map(([name, b]) => ({ name, bytes: b.length }));
}

async function download(agent: Agent, url: URL, maxBytes: number, signal: AbortSignal | undefined, from: string | undefined): Promise<Buffer> {
  const via = from ? ` (referenced by ${from})` : "";
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, { dispatcher: agent, method: "GET", headers: { accept: "text/xml, application/xml, */*" }, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new FetchWsdlError(`cannot GET ${url.href}${via}: ${describeNetError(err)}`);
  }
  if (res.statusCode !== 200) {
    await res.body.dump().catch(() => {});
    throw new FetchWsdlError(`endpoint does not serve WSDL: GET ${url.href}${via} answered HTTP ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        res.body.destroy();
        throw new FetchWsdlError(`${url.href}: larger than ${maxBytes} bytes; giving up`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof FetchWsdlError) throw err;
    throw new FetchWsdlError(`cannot read ${url.href}${via}: ${describeNetError(err)}`);
  }
  return Buffer.concat(chunks);
}

function describeNetError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  if (e?.name === "ThumbprintError" || (e as { code?: string })?.code === "TSVMOMI_THUMBPRINT_MISMATCH") return e.message;
  const inner = e?.cause ?? e;
  const code = inner?.code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `TLS: ${inner.message}; pass --ca FILE, --thumbprint SHA256 or --insecure`;
  }
  return (inner?.message ?? String(err)).split("\n")[0]!;
}

/** Bytes, not text: the files must land exactly as served. */
async function writeBundleAtomically(outDir: string, files: Map<string, Buffer>, signal?: AbortSignal): Promise<void> {
  try {
    await writeTreeAtomically(outDir, files, signal);
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    const msg = (err as Error).message;
    throw new FetchWsdlError(msg.startsWith("output directory") ? msg : `cannot write ${outDir} (${(err as NodeJS.ErrnoException).code ?? msg})`);
  }
}
