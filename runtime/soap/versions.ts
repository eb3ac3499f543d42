/**
 * Picks the vim25 API version to speak, from `/sdk/vimServiceVersions.xml`:
 *
 *   <namespaces version="1.0">
 *    <namespace>
 *     <name>urn:vim25</name>
 *     <version>8.0.2.0</version>
 *     <priorVersions><version>8.0.1.0</version>…</priorVersions>
 *    </namespace>
 *    <namespace><name>urn:vim2</name>…</namespace>
 *   </namespaces>
 *
 * (vcsim serves the same shape; govmomi's UseServiceVersion reads only the
 * first namespace's `name`/`version`, here every namespace is checked.)
 *
 * Rules, in order:
 * 1. `pin` wins, and the file is not fetched at all: the caller knows which
 *    version to speak, so a slow, huge or hostile document cannot delay or
 *    break connecting.
 * 2. The highest version both the server and `known` list ("server").
 * 3. No common version, but some known version is older than the server's
 *    current one: the highest such ("compatible", with a warning). vSphere
 *    keeps older API versions working.
 * 4. Every known version is newer than the server: VersionNegotiationError,
 *    asking for a pin. Sending a namespace the server has never heard of fails
 *    later with a far less clear fault.
 * Fallback: when the file is missing (404/410), the highest known version is
 * used with a warning ("fallback"), the same default govmomi has when it
 * does not negotiate. Other failures (network, TLS, HTML pages) propagate.
 *
 * Bounds: the document is read as a stream with the runtime's own tokenizer
 * (no DTD, five entities, bounded depth), at most `maxBytes` bytes of it
 * (default {@link SERVICE_VERSIONS_MAX_BYTES}), within the transport's
 * per-call deadline. Anything hostile in it (DOCTYPE, unknown entities, deep
 * nesting, an endless body) ends in a VersionNegotiationError whose `cause`
 * is the tokenizer's CodecError.
 */
import { CodecError } from "../errors/codec.js";
import { XmlTokenizer, type TokenHandler } from "../codec/xml-tokenizer.js";
import { HttpStatusError, VersionNegotiationError, type CallContext } from "../errors/transport.js";
import type { Logger, Transport } from "./transport.js";

export const SERVICE_VERSIONS_PATH = "/sdk/vimServiceVersions.xml";

/**
 * Most bytes of vimServiceVersions.xml read, whatever `maxBytes` says: the real
 * document is under 1 KiB, so 1 MiB leaves room for any server and stops a flood early.
 */
export const SERVICE_VERSIONS_MAX_BYTES = 1024 * 1024;
/** Nesting the document needs is 4 levels; anything much deeper is hostile. */
const SERVICE_VERSIONS_MAX_DEPTH = 16;

export interface NegotiateOptions {
  /** Versions the bindings were generated for, e.g. `["7.0.3.0", "8.0.2.0"]`. */
  readonly known: readonly string[];
  /** Speak this version; the file is then not fetched. */
  readonly pin?: string;
  readonly signal?: AbortSignal;
  /** Default `urn:vim25`. */
  readonly namespace?: string;
  /** Default {@link SERVICE_VERSIONS_PATH}. */
  readonly path?: string;
  readonly logger?: Logger;
  /** Most bytes of the document read (the client's `maxResponseBytes`); capped at {@link SERVICE_VERSIONS_MAX_BYTES}. */
  readonly maxBytes?: number;
}

export interface NegotiatedVersion {
  readonly version: string;
  /** `urn:vim25/<version>`, for the SOAPAction header. */
  readonly soapAction: string;
  readonly source: "pin" | "server" | "compatible" | "fallback";
  /** Everything the server listed for the namespace, current first; empty when pinned or the file was missing. */
  readonly serverVersions: readonly string[];
}

/**
 * Numeric, part by part; missing parts count as 0 (`7.0` = `7.0.0.0`). A part
 * that is not a number (`5u2` in VMODL's `2.5u2`) decides nothing: the next
 * part does, so the result is never NaN. The generator orders `since` values
 * with this same function.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    // NaN (a part that is not a number) is falsy: skipped like an equal part.
    if (d) return d;
  }
  return 0;
}

const highest = (versions: readonly string[]): string | undefined =>
  [...versions].sort(compareVersions).at(-1);

interface Entry {
  name: string;
  current: string[];
  prior: string[];
}

/** Collects `<namespace>` entries from tokenizer events; knows only the document's four element names. */
class VersionsHandler implements TokenHandler {
  readonly entries: Entry[] = [];
  readonly #stack: string[] = [];
  #text = "";
  #root: string | undefined;

  open(name: string, _attrs: string[], _n: number, localStart: number): void {
    const local = localStart === 0 ? name : name.slice(localStart);
    this.#root ??= local;
    this.#stack.push(local);
    this.#text = "";
    if (this.#at("namespaces", "namespace")) this.entries.push({ name: "", current: [], prior: [] });
  }

  text(text: string): void {
    this.#text += text;
  }

  close(): void {
    const entry = this.entries.at(-1);
    const text = this.#text.trim();
    if (entry && this.#at("namespaces", "namespace", "name")) entry.name = text;
    else if (entry && this.#at("namespaces", "namespace", "version")) entry.current.push(text);
    else if (entry && this.#at("namespaces", "namespace", "priorVersions", "version")) entry.prior.push(text);
    this.#stack.pop();
    this.#text = "";
  }

  get root(): string | undefined {
    return this.#root;
  }

  #at(...path: string[]): boolean {
    const s = this.#stack;
    if (s.length !== path.length) return false;
    for (let i = 0; i < path.length; i++) if (s[i] !== path[i]) return false;
    return true;
  }
}

/** Line and column (from 1) of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

/**
 * A streaming reader of the document: `write` each decoded piece, then `end`.
 * Tokenizer errors become VersionNegotiationError naming the document and the
 * position, with the CodecError as `cause`.
 */
class VersionsReader {
  readonly #handler = new VersionsHandler();
  readonly #tokenizer = new XmlTokenizer(this.#handler, SERVICE_VERSIONS_MAX_DEPTH);
  /** What was read so far, for line/column in messages; bounded by the byte limit. */
  #seen = "";

  constructor(
    private readonly ctx: CallContext,
    private readonly where: string,
  ) {}

  write(text: string): void {
    this.#seen += text;
    this.#guard(() => this.#tokenizer.write(text));
  }

  end(namespace: string): string[] {
    this.#guard(() => this.#tokenizer.end());
    const { where, ctx } = this;
    const entries = this.#handler.entries;
    if (this.#handler.root !== "namespaces" || entries.length === 0) {
      throw new VersionNegotiationError(ctx, `${where}: expected <namespaces><namespace>…</namespace></namespaces>, found <${this.#handler.root ?? "?"}>`);
    }
    const entry = entries.find((n) => n.name === namespace);
    if (!entry) {
      const names = entries.map((n) => n.name || "?").join(", ");
      throw new VersionNegotiationError(ctx, `${where}: no <namespace> named ${namespace} (found: ${names || "none"})`);
    }
    if (entry.current.length === 0 || entry.current[0] === "") {
      throw new VersionNegotiationError(ctx, `${where}: <namespace> ${namespace} has no <version>`);
    }
    return [...entry.current, ...entry.prior].filter((v) => v !== "");
  }

  #guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      const at = err.offset !== undefined ? ` at ${position(this.#seen, err.offset)}` : "";
      throw new VersionNegotiationError(this.ctx, `${this.where} is not well-formed XML${at}: ${err.reason} [${err.code}]`, { cause: err });
    }
  }
}

/**
 * Parses a vimServiceVersions.xml document; returns the namespace's versions,
 * current first. Errors name the document (`ctx.method`) and what was expected.
 */
export function parseServiceVersions(xml: string, namespace: string, ctx: CallContext): string[] {
  const reader = new VersionsReader(ctx, ctx.method ?? SERVICE_VERSIONS_PATH);
  reader.write(xml);
  return reader.end(namespace);
}

/** Reads the document off a streamed body, failing as soon as it passes `maxBytes`. */
async function readServiceVersions(body: AsyncIterable<Uint8Array>, namespace: string, ctx: CallContext, maxBytes: number): Promise<string[]> {
  const where = ctx.method ?? SERVICE_VERSIONS_PATH;
  const reader = new VersionsReader(ctx, where);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const decode = (chunk?: Uint8Array) => {
    try {
      return utf8.decode(chunk, { stream: chunk !== undefined });
    } catch (err) {
      throw new VersionNegotiationError(ctx, `${where} is not valid UTF-8`, { cause: err });
    }
  };
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      // Leaving the loop returns the iterator, which drops the connection instead of draining it.
      throw new VersionNegotiationError(ctx, `${where} is larger than ${maxBytes} bytes (the real one is under 1 KiB); refusing to read more`, {
        cause: new CodecError("TSVMOMI_ERR_TOO_LARGE", `response exceeds maxBytes (${maxBytes} bytes)`, { method: where }),
      });
    }
    reader.write(decode(chunk));
  }
  reader.write(decode());
  return reader.end(namespace);
}

export async function negotiateVersion(transport: Transport, options: NegotiateOptions): Promise<NegotiatedVersion> {
  const namespace = options.namespace ?? "urn:vim25";
  const path = options.path ?? SERVICE_VERSIONS_PATH;
  const ctx: CallContext = { host: transport.host, method: `GET ${path}` };
  const warn = (m: string) => (options.logger ?? { warn: (x: string) => process.emitWarning(x) }).warn(m);
  const result = (version: string, source: NegotiatedVersion["source"], serverVersions: string[]): NegotiatedVersion => ({
    version,
    soapAction: `${namespace}/${version}`,
    source,
    serverVersions,
  });
  if (options.pin !== undefined) return result(options.pin, "pin", []);
  const maxBytes = Math.min(options.maxBytes ?? SERVICE_VERSIONS_MAX_BYTES, SERVICE_VERSIONS_MAX_BYTES);

  let serverVersions: string[];
  try {
    const res = await transport.get(path, options.signal ? { signal: options.signal } : {});
    serverVersions = await readServiceVersions(res.body, namespace, ctx, maxBytes);
  } catch (err) {
    if (!(err instanceof HttpStatusError && (err.status === 404 || err.status === 410))) throw err;
    const fallback = highest(options.known);
    if (fallback === undefined) {
      throw new VersionNegotiationError(ctx, `server has no ${path} (HTTP ${err.status}) and no known or pinned version was given`);
    }
    warn(`${transport.host} does not serve ${path} (HTTP ${err.status}); assuming ${namespace}/${fallback}`);
    return result(fallback, "fallback", []);
  }

  const common = highest(options.known.filter((v) => serverVersions.includes(v)));
  if (common !== undefined) return result(common, "server", serverVersions);

  const current = serverVersions[0]!;
  const older = highest(options.known.filter((v) => compareVersions(v, current) <= 0));
  if (older !== undefined) {
    warn(`${transport.host} speaks ${namespace} ${current} and does not list ${older}; using ${older}, the newest known version below it`);
    return result(older, "compatible", serverVersions);
  }
  throw new VersionNegotiationError(
    ctx,
    `server speaks ${namespace} ${current} (also: ${serverVersions.slice(1).join(", ") || "nothing older"}), ` +
      `older than every version these bindings know (${[...options.known].sort(compareVersions).join(", ") || "none"}); ` +
      `pass \`pin\` to force one`,
  );
}
