/** The runtime's built-in method descriptors, and the parts of a method schema the codec and `call` read. */
import * as property from "../../runtime/property/methods.js";
import * as session from "../../runtime/session/builtin-methods.js";
import type { MethodSchema } from "../../runtime/schema.js";

export type Described = MethodSchema & { readonly since?: string };

export const BUILTINS: readonly Described[] = [...Object.values(session), ...Object.values(property)].filter(
  (v): v is Described => typeof v === "object" && v !== null && "params" in v && "safe" in v,
);

/** Parameter order, names, types and cardinality, the result, `safe` and `since`; not `moType`, which is documentation. */
export const wire = (m: Described) => ({
  name: m.name,
  params: m.params.map((p) => ({ name: p.name, type: p.type, array: p.array === true, optional: p.optional === true })),
  returns: m.returns && { type: m.returns.type, array: m.returns.array === true, optional: m.returns.optional === true },
  safe: m.safe,
  since: m.since,
});

/** The method descriptors among a module's exports (a generated `methods/<Type>.ts`, or the bindings' index). */
export function descriptorsIn(mod: object): Map<string, Described> {
  const out = new Map<string, Described>();
  const visit = (v: unknown, depth: number) => {
    if (typeof v !== "object" || v === null) return;
    if ("params" in v && "safe" in v && "name" in v) out.set((v as Described).name, v as Described);
    else if (depth < 1) for (const x of Object.values(v)) visit(x, depth + 1);
  };
  for (const v of Object.values(mod)) visit(v, 0);
  return out;
}
