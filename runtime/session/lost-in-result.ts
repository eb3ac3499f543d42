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

/** `Type:value` of the first object whose missingSet says NotAuthenticated. */
function lostObject(objects: unknown): string | undefined {
  if (!Array.isArray(objects)) return undefined;
  for (const o of objects as Array<Obj | null>) {
    if (notAuthenticated(o?.missingSet)) {
      const ref = o?.obj as { type?: unknown; value?: unknown } | undefined;
      return `${String(ref?.type)}:${String(ref?.value)}`;
    }
  }
  return undefined;
}

/**
 * Names the first object (`HostSystem:host-21`) for which a collector
 * method's decoded answer reports NotAuthenticated, or undefined when none
 * does: RetrieveResult.objects, ObjectContent[], UpdateSet.filterSet[].objectSet
 * and .missingSet.
 */
export function sessionLostInResult(method: string, result: unknown): string | undefined {
  if (!COLLECTOR_METHODS.has(method) || result === undefined || result === null) return undefined;
  if (Array.isArray(result)) return lostObject(result);
  const r = result as Obj;
  const lost = lostObject(r.objects);
  if (lost) return lost;
  if (Array.isArray(r.filterSet)) {
    for (const f of r.filterSet as Obj[]) {
      const hit = lostObject(f?.objectSet) ?? lostObject(f?.missingSet);
      if (hit) return hit;
    }
  }
  return undefined;
}
