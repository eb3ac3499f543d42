/**
 * vim25 API versions as vCenter and ESXi list them in vimServiceVersions.xml.
 * Bindings for release R speak every version up to R (the API only grows;
 * methods newer than the server are refused by their `since`), so the client
 * offers all of these up to the bindings' own version when negotiating.
 */
import { compareVersions } from "../soap/versions.js";

const VIM25_VERSIONS = [
  "2.5", "4.0", "4.1", "5.0", "5.1", "5.5", "6.0", "6.5", "6.7", "6.7.1", "6.7.2", "6.7.3",
  "7.0.0.0", "7.0.0.1", "7.0.0.2", "7.0.1.0", "7.0.1.1", "7.0.2.0", "7.0.2.1", "7.0.3.0", "7.0.3.1", "7.0.3.2",
  "8.0.0.0", "8.0.0.1", "8.0.0.2", "8.0.1.0", "8.0.2.0", "8.0.3.0", "9.0.0.0",
] as const;

export function versionsUpTo(apiVersion: string | undefined): string[] {
  if (apiVersion === undefined) return [...VIM25_VERSIONS];
  const known = VIM25_VERSIONS.filter((v) => compareVersions(v, apiVersion) <= 0);
  return known.some((v) => compareVersions(v, apiVersion) === 0) ? known : [...known, apiVersion];
}
