/**
 * Builds the wire description a WSDL bundle would give from pyVmomi type info
 * alone, for releases with no WSDL (vim25 8.0.3). pyVmomi itself talks to
 * those servers from this information, and it is enough:
 * - wire order: a data type's own fields in declaration order after its base's
 *   (XSD extension), which is the order pyVmomi serialises;
 * - XSD types: the `VmodlModel` already holds wire names (`dateTime`,
 *   `ManagedObjectReference`, `LocalizedMethodFault` for fault fields);
 * - arrays: `T[]` becomes an unbounded element, as the WSDL writes data-object
 *   and parameter arrays (`ArrayOfT` wrappers exist only for anyType values,
 *   which the runtime names by convention);
 * - operations: `_this` then the parameters, `returnval`, the VMODL faults
 *   plus RuntimeFault, which every WSDL operation declares;
 * - minOccurs: 0 for F_OPTIONAL, else 1.
 * The result goes through the same merge as a real bundle.
 */
import type { TypeRef, VmodlModel, VmodlProperty, WsdlComplexType, WsdlEnum, WsdlField, WsdlModel, WsdlOperation } from "../../model/ir.js";
import { XSD_NS } from "../../wsdl-reader/namespaces.js";

const MOREF = "ManagedObjectReference";

export interface SynthesizeOptions {
  /** Target namespace, `urn:vim25`. */
  namespace: string;
  /** SOAPAction version, `8.0.3.0`. */
  apiVersion: string;
  /** Service/port/binding names, e.g. Vim. */
  servicePrefix: string;
  /** Files the type info came from, for provenance. */
  files: string[];
}

export function synthesizeWsdl(v: VmodlModel, opts: SynthesizeOptions): WsdlModel {
  const ns = opts.namespace;
  const loc = (what: string) => ({ file: `${v.file} (${what})` });
  const ref = (p: Pick<VmodlProperty, "type" | "primitive">): TypeRef => ({ name: p.type, ns: p.primitive ? XSD_NS : ns });
  const field = (p: VmodlProperty): WsdlField => ({ name: p.name, type: ref(p), minOccurs: p.optional ? 0 : 1, array: p.array, nillable: false });

  const complexTypes: Record<string, WsdlComplexType> = {};
  for (const t of Object.values(v.data)) {
    complexTypes[t.name] = {
      name: t.name,
      ns,
      ...(t.base ? { base: { name: t.base, ns } } : {}),
      fields: t.props.map(field),
      attributes: [],
      loc: loc(t.vmodlName ?? t.name),
    };
  }
  // The reference type itself, which the merge treats as a wrapper.
  complexTypes[MOREF] = {
    name: MOREF,
    ns,
    fields: [],
    attributes: [{ name: "type", type: { name: "string", ns: XSD_NS }, required: true }],
    simpleContentBase: { name: "string", ns: XSD_NS },
    loc: loc("built in"),
  };
  const enums: Record<string, WsdlEnum> = {};
  for (const e of Object.values(v.enums)) enums[e.name] = { name: e.name, ns, values: [...e.values], loc: loc(e.vmodlName ?? e.name) };

  const operations: Record<string, WsdlOperation> = {};
  for (const mt of Object.values(v.managed)) {
    for (const m of mt.methods) {
      if (operations[m.name]) continue; // a method is declared once, on its owner
      const faults = new Set(m.faults);
      faults.add("RuntimeFault");
      operations[m.name] = {
        name: m.name,
        params: [{ name: "_this", type: { name: MOREF, ns }, minOccurs: 1, array: false, nillable: false }, ...m.params.map(field)],
        ...(m.result ? { returns: field(m.result) } : {}),
        faults: [...faults].sort(),
        soapAction: `urn:${ns.replace(/^urn:/, "")}/${opts.apiVersion}`,
        binding: `${opts.servicePrefix}Binding`,
        loc: loc(`${mt.vmodlName ?? mt.name}.${m.name}`),
      };
    }
  }
  return {
    namespace: ns,
    files: [...opts.files],
    complexTypes,
    enums,
    arrayTypes: {},
    elements: {},
    operations,
    services: [{ name: `${opts.servicePrefix}Service`, port: `${opts.servicePrefix}Port`, binding: `${opts.servicePrefix}Binding` }],
  };
}
