/**
 * Where the SSO token service lives, first answer wins:
 *   1. the `config.vpxd.sso.sts.uri` setting (OptionManager QueryOptions), as
 *      govmomi reads it; a vCenter answers it only inside a session;
 *   2. the SSO Lookup Service's `wsTrust` registration, readable without one
 *      (it also knows an external PSC and a non-default SSO domain);
 *   3. the embedded STS's well-known path on the vCenter's own origin,
 *      `/sts/STSService/<domain>` (domain `vsphere.local` unless given).
 */
import { StsResponseError } from "../errors/sts.js";

export const STS_URI_SETTING = "config.vpxd.sso.sts.uri";
export const DEFAULT_SSO_DOMAIN = "vsphere.local";

export interface StsEndpoint {
  readonly url: string;
  /** `setting`: vCenter's setting; `lookup`: the Lookup Service; `default`: the well-known path, neither being readable. */
  readonly source: "setting" | "lookup" | "default";
}

/**
 * `query` reads one option (OptionManager.QueryOptions); it may throw (no
 * session yet) or return nothing, and the well-known path is used then.
 */
export async function discoverStsUrl(
  vcenterUrl: string,
  query: (name: string) => Promise<ReadonlyArray<{ key?: unknown; value?: unknown }> | undefined>,
  options: { domain?: string; onFallback?: (why: string) => void; lookup?: () => Promise<string | undefined> } = {},
): Promise<StsEndpoint> {
  let why: string;
  try {
    const values = await query(STS_URI_SETTING);
    const hit = values?.find((v) => v.key === STS_URI_SETTING);
    const raw = hit?.value;
    const text = typeof raw === "string" ? raw : typeof (raw as { _value?: unknown })?._value === "string" ? (raw as { _value: string })._value : undefined;
    if (text !== undefined) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new StsResponseError("discover", vcenterUrl, `the ${STS_URI_SETTING} setting is not a URL`);
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new StsResponseError("discover", vcenterUrl, `the ${STS_URI_SETTING} setting is not an http(s) URL`);
      }
      return { url: url.href, source: "setting" };
    }
    why = `the server has no ${STS_URI_SETTING} setting`;
  } catch (err) {
    if (err instanceof StsResponseError) throw err;
    why = `reading ${STS_URI_SETTING} failed (${(err as Error)?.name ?? "error"})`;
  }
  if (options.lookup) {
    try {
      const found = await options.lookup();
      const url = found === undefined ? undefined : URL.canParse(found) ? new URL(found) : undefined;
      if (url && (url.protocol === "https:" || url.protocol === "http:")) return { url: url.href, source: "lookup" };
      why += found === undefined ? "; the Lookup Service lists no STS" : "; the Lookup Service's STS entry is not an http(s) URL";
    } catch (err) {
      why += `; the Lookup Service did not answer (${(err as Error)?.name ?? "error"})`;
    }
  }
  const base = new URL(vcenterUrl);
  const url = new URL(`/sts/STSService/${encodeURIComponent(options.domain ?? DEFAULT_SSO_DOMAIN)}`, base.origin).href;
  options.onFallback?.(`${why}; using ${url}`);
  return { url, source: "default" };
}
