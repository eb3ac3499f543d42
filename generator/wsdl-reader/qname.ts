import type { TypeRef } from "../model/ir.js";
import { WsdlError } from "./errors.js";
import type { XmlDoc, XNode } from "./xml-tree.js";

/**
 * Resolves a QName-valued attribute (`type="vim25:Foo"`) with the prefixes in
 * scope at `node`. An unprefixed name takes the default namespace, as XSD says.
 */
export function resolveQName(doc: XmlDoc, node: XNode, attr: string): TypeRef {
  const value = (node.attrs[attr] ?? "").trim();
  if (value === "") throw new WsdlError(doc.file, node.local, doc.lineAt(node.offset), `expected a '${attr}' attribute`);
  const colon = value.indexOf(":");
  const prefix = colon < 0 ? "" : value.slice(0, colon);
  const ns = node.scope.get(prefix);
  if (ns === undefined) {
    if (prefix === "") return { name: value, ns: "" };
    throw new WsdlError(doc.file, describe(node), doc.lineAt(node.offset), `${attr}="${value}" uses namespace prefix '${prefix}', which is not declared`);
  }
  return { name: value.slice(colon + 1), ns };
}

/** `complexType VirtualMachineConfigSpec`, or the bare tag when the node has no name. */
export function describe(node: XNode): string {
  const name = node.attrs.name;
  return name ? `${node.local} ${name}` : node.local;
}

export function qkey(ref: TypeRef): string {
  return `{${ref.ns}}${ref.name}`;
}
