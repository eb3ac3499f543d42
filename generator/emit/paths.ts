/**
 * Property paths the PropertyCollector accepts, computed here so tsc never has to.
 *
 * Rules (documented in docs/PROPERTY-PATHS.md):
 * - a managed type's own properties are paths; inherited ones come through `extends`;
 * - a non-array data-object value is descended into, field by field, dotted;
 * - an array ends a path (`config.hardware.device`), so does a MoRef, an enum or a primitive;
 * - a type already on the current chain is not entered again (recursive types end there);
 * - no path has more than PATH_DEPTH_CAP segments;
 * - a polymorphic field keeps its declared base type (subtype-only fields need a cast);
 * - DynamicData's bookkeeping fields (`dynamicType`, `dynamicProperty`) are not offered below the top.
 * Values: a top-level path follows VMODL's optionality; a dotted path is always
 * `| undefined`, because the server omits it whenever any step of the chain is unset.
 */
import type { ApiModel, IrField, IrManagedType } from "../model/ir.js";
import { compareVersions } from "tsvmomi";
import { fieldType, type Uses } from "./naming.js";

export const PATH_DEPTH_CAP = 4;
const SKIP_NESTED = new Set(["DynamicData"]);

export interface PathEntry {
  path: string;
  /** TS value type, `| undefined` included where it applies. */
  type: string;
  /**
   * The API version the path first works in: the newest `since` along its
   * segments (a field added in 6.7 under a property from 4.0 is a 6.7 path).
   */
  since?: string;
  /** The managed property's privilege (top-level paths only). */
  privilege?: string;
}

export function ownPaths(model: ApiModel, mt: IrManagedType, typesNs = "", uses: Uses = {}): PathEntry[] {
  const out: PathEntry[] = [];
  for (const p of mt.props) {
    const t = fieldType(model, p, typesNs, uses);
    out.push({ path: p.name, type: p.optional ? `${t} | undefined` : t, ...(p.since ? { since: p.since } : {}), ...(p.privilege ? { privilege: p.privilege } : {}) });
    descend(p, p.name, 1, new Set(), p.since);
  }
  return out;

  function descend(f: IrField, prefix: string, depth: number, chain: Set<string>, since: string | undefined) {
    if (f.array || f.primitive || depth >= PATH_DEPTH_CAP) return;
    const dt = model.dataTypes[f.type];
    if (!dt || chain.has(dt.name)) return;
    const next = new Set(chain).add(dt.name);
    for (const sub of inheritedFields(model, dt.name)) {
      const path = `${prefix}.${sub.name}`;
      const subSince = newer(since, sub.since);
      out.push({ path, type: `${fieldType(model, sub, typesNs, uses)} | undefined`, ...(subSince ? { since: subSince } : {}) });
      descend(sub, path, depth + 1, next, subSince);
    }
  }
}

function newer(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  return compareVersions(b, a) > 0 ? b : a;
}

/** Fields of a data type in wire order, base first, without DynamicData's own. */
export function inheritedFields(model: ApiModel, name: string): IrField[] {
  const chain: string[] = [];
  for (let n: string | undefined = name; n && model.dataTypes[n]; n = model.dataTypes[n]!.base) chain.unshift(n);
  return chain.filter((n) => !SKIP_NESTED.has(n)).flatMap((n) => model.dataTypes[n]!.fields);
}
