/**
 * The soak's and leak test's yardsticks: a fresh read of every VM straight
 * from the server (its own view and RetrievePropertiesEx, not the runtime's
 * retrieve()), and a diff that names every lost object, phantom object and
 * stale value.
 */
import { isDeepStrictEqual } from "node:util";
import { moRefKey, type Client } from "../../../runtime/index.js";
import { CreateContainerView, DestroyView, RetrievePropertiesEx } from "../../../runtime/property/methods.js";
import type { schemas } from "../../support/bindings.js";

type Bindings = typeof schemas;
export type Values = Record<string, unknown>;

export async function freshRead(c: Client<Bindings>, type: string, select: readonly string[]): Promise<Map<string, Values>> {
  const sc = c.serviceContent;
  const view = await c.call(CreateContainerView, sc.viewManager!, { container: sc.rootFolder, type: [type], recursive: true });
  try {
    const res = await c.call(RetrievePropertiesEx, sc.propertyCollector, {
      specSet: [{
        propSet: [{ type, pathSet: select }],
        objectSet: [{ obj: view, skip: true, selectSet: [{ _typeName: "TraversalSpec", name: "v", type: "ContainerView", path: "view", skip: false }] }],
      }],
      options: {},
    });
    // vcsim answers in one page; a token would mean this reads too little.
    if (res?.token !== undefined) throw new Error("freshRead: the server paged the answer; this helper reads one page only");
    return new Map((res?.objects ?? []).map((o) => [moRefKey(o.obj), Object.fromEntries((o.propSet ?? []).map((p) => [p.name, p.val]))]));
  } finally {
    await c.call(DestroyView, view, {});
  }
}

export interface Mismatch {
  readonly key: string;
  /** lost: on the server, not in the cache; phantom: in the cache, gone from the server; stale: a path differs. */
  readonly kind: "lost" | "phantom" | "stale";
  readonly path?: string;
  readonly cached?: unknown;
  readonly actual?: unknown;
}

/** Every difference between `cache` and `actual` over `paths` (an unset property is absent on both sides). */
export function diff(cache: ReadonlyMap<string, Values>, actual: ReadonlyMap<string, Values>, paths: readonly string[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (const key of actual.keys()) if (!cache.has(key)) out.push({ key, kind: "lost" });
  for (const [key, cached] of cache) {
    const real = actual.get(key);
    if (!real) {
      out.push({ key, kind: "phantom" });
      continue;
    }
    for (const path of paths) {
      if (!isDeepStrictEqual(cached[path], real[path])) out.push({ key, kind: "stale", path, cached: cached[path], actual: real[path] });
    }
  }
  return out;
}
