/**
 * A PropertyCollector does not fault when the session behind a call is gone:
 * it answers each property it could not read with a `missingSet` entry whose
 * fault is NotAuthenticated, and the call "succeeds" with empty properties.
 * For the session layer that answer is a session loss like a method-level
 * NotAuthenticated fault, for every collector method, whoever calls it.
 */

/** Collector methods whose answers carry per-object `missingSet`s. */
export const COLLECTOR_METHODS: ReadonlySet<string> = new Set([
  "RetrieveProperties",
  "RetrievePropertiesEx",
  "ContinueRetrievePropertiesEx",
  "WaitForUpdates",
  "WaitForUpdatesEx",
  "CheckForUpdates",
]);

type Obj = Record<string, unknown>;

function notAuthenticated(missing: unknown): boolean {
  if (!Array.isArray(missing)) return false;
  for (const m of missing) {
    const fault = ((m as Obj | null)?.fault as Obj | undefined)?.fault as Obj | undefined;
    if (fault?._typeName === "NotAuthenticated" || fault?._unknownType === "NotAuthenticated") return true;
  }
  return false;
}

function anyObjectLost(objects: unknown): boolean {
  return Array.isArray(objects) && objects.some((o) => notAuthenticated((o as Obj | null)?.missingSet));
}

/**
 * True when a collector method's decoded answer reports NotAuthenticated for
 * some property or object: RetrieveResult.objects, ObjectContent[],
 * UpdateSet.filterSet[].objectSet / missingSet.
 */
export function sessionLostInResult(method: string, result: unknown): boolean {
  if (!COLLECTOR_METHODS.has(method) || result === undefined || result === null) return false;
  if (Array.isArray(result)) return anyObjectLost(result);
  const r = result as Obj;
  if (anyObjectLost(r.objects)) return true;
  if (Array.isArray(r.filterSet)) {
    for (const f of r.filterSet as Obj[]) if (anyObjectLost(f?.objectSet) || notAuthenticated(f?.missingSet)) return true;
  }
  return false;
}
