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
 * 1. `pin` wins. If the server lists versions and the pin is not among them,
 *    a warning is logged; the pin is still used (the caller knows something
 *    the file does not, e.g. a proxy serving a stale file).
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
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { HttpStatusError, VersionNegotiationError, type CallContext } from "../errors/transport.js";
import type { Logger, Transport } from "./transport.js";

export const SERVICE_VERSIONS_PATH = "/sdk/vimServiceVersions.xml";

export interface NegotiateOptions {
  /** Versions the bindings were generated for, e.g. `["7.0.3.0", "8.0.2.0"]`. */
  readonly known: readonly string[];
  readonly pin?: string;
  readonly signal?: AbortSignal;
  /** Default `urn:vim25`. */
  readonly namespace?: string;
  /** Default {@link SERVICE_VERSIONS_PATH}. */
  readonly path?: string;
  readonly logger?: Logger;
}

export interface NegotiatedVersion {
  readonly version: string;
  /** `urn:vim25/<version>`, for the SOAPAction header. */
  readonly soapAction: string;
  readonly source: "pin" | "server" | "compatible" | "fallback";
  /** Everything the server listed for the namespace, current first; empty when the file was missing. */
  readonly serverVersions: readonly string[];
}

/** Numeric, part by part; missing parts count as 0 (`7.0` = `7.0.0.0`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const highest = (versions: readonly string[]): string | undefined =>
  [...versions].sort(compareVersions).at(-1);

/**
 * Parses a vimServiceVersions.xml document; returns the namespace's versions,
 * current first. Errors name the document (`ctx.method`) and what was expected.
 */
export function parseServiceVersions(xml: string, namespace: string, ctx: CallContext): string[] {
  const where = ctx.method ?? SERVICE_VERSIONS_PATH;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new VersionNegotiationError(ctx, `${where} is not well-formed XML at line ${line}, column ${col}: ${msg}`);
  }
  const doc = new XMLParser({
    parseTagValue: false, // "7.0" must stay a string
    isArray: (name) => name === "namespace" || name === "version",
  }).parse(xml) as { namespaces?: { namespace?: Array<{ name?: unknown; version?: unknown; priorVersions?: unknown }> } };
  const entries = doc.namespaces?.namespace;
  if (!Array.isArray(entries)) {
    throw new VersionNegotiationError(ctx, `${where}: expected <namespaces><namespace>…</namespace></namespaces>`);
  }
  const entry = entries.find((n) => String(n.name ?? "").trim() === namespace);
  if (!entry) {
    const names = entries.map((n) => String(n.name ?? "?")).join(", ");
    throw new VersionNegotiationError(ctx, `${where}: no <namespace> named ${namespace} (found: ${names || "none"})`);
  }
  const current = Array.isArray(entry.version) ? entry.version.map((v) => String(v).trim()) : [];
  if (current.length === 0 || current[0] === "") {
    throw new VersionNegotiationError(ctx, `${where}: <namespace> ${namespace} has no <version>`);
  }
  const priorBlock = entry.priorVersions as { version?: unknown[] } | undefined;
  const prior = Array.isArray(priorBlock?.version) ? priorBlock.version.map((v) => String(v).trim()) : [];
  return [...current, ...prior].filter((v) => v !== "");
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

  let serverVersions: string[];
  try {
    const res = await transport.get(path, options.signal ? { signal: options.signal } : {});
    serverVersions = parseServiceVersions(await res.body.text(), namespace, ctx);
  } catch (err) {
    if (!(err instanceof HttpStatusError && (err.status === 404 || err.status === 410))) throw err;
    if (options.pin !== undefined) return result(options.pin, "pin", []);
    const fallback = highest(options.known);
    if (fallback === undefined) {
      throw new VersionNegotiationError(ctx, `server has no ${path} (HTTP ${err.status}) and no known or pinned version was given`);
    }
    warn(`${transport.host} does not serve ${path} (HTTP ${err.status}); assuming ${namespace}/${fallback}`);
    return result(fallback, "fallback", []);
  }

  if (options.pin !== undefined) {
    if (!serverVersions.includes(options.pin)) {
      warn(`${transport.host} does not list ${namespace} ${options.pin} (it lists ${serverVersions.join(", ")}); using the pinned version anyway`);
    }
    return result(options.pin, "pin", serverVersions);
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
