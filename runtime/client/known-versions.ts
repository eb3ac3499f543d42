/**
 * The API versions a client offers when it negotiates (soap/versions.ts).
 * The generator writes them into the bindings (`schemas.apiVersions`: every
 * version of the namespace up to the bindings' own; the API only grows, and
 * methods newer than the server are refused by their `since`), so the runtime
 * keeps no list of its own that could go stale.
 */
import type { SchemaTables } from "../schema-tables.js";

export function offeredVersions(tables: Pick<SchemaTables, "apiVersion" | "apiVersions">): string[] {
  const listed = tables.apiVersions ?? [];
  const own = tables.apiVersion;
  return own === undefined || listed.includes(own) ? [...listed] : [...listed, own];
}
