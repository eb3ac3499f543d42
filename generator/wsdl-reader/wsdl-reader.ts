/**
 * Reads the WSDL 1.1 parts of one `<definitions>`: messages, portTypes,
 * bindings and services. Names are kept as QNames; linking happens in assemble.ts.
 */
import type { SourceLoc, TypeRef } from "../model/ir.js";
import { WsdlError } from "./errors.js";
import { SOAP_NS, WSDL_NS } from "./namespaces.js";
import { describe, resolveQName } from "./qname.js";
import type { XmlDoc, XNode } from "./xml-tree.js";
import { kid, kids } from "./xml-tree.js";

export interface RawMessage {
  name: string;
  ns: string;
  /** The part's `element=`, for document/literal messages. */
  element?: TypeRef;
  loc: SourceLoc;
  at: At;
}

export interface RawPortOperation {
  name: string;
  input?: TypeRef;
  output?: TypeRef;
  faults: TypeRef[];
  doc?: string;
  loc: SourceLoc;
  at: At;
}

export interface RawPortType {
  name: string;
  ns: string;
  operations: RawPortOperation[];
}

export interface RawBinding {
  name: string;
  ns: string;
  type: TypeRef;
  soap: boolean;
  /** Operation name → soapAction ("" when the binding gives none). */
  actions: Map<string, string>;
  at: At;
}

export interface RawService {
  name: string;
  ports: { name: string; binding: TypeRef; location?: string }[];
}

export interface WsdlSource {
  doc: XmlDoc;
  tns: string;
}

export interface RawDefinitions {
  messages: RawMessage[];
  portTypes: RawPortType[];
  bindings: RawBinding[];
  services: RawService[];
}

/**
 * An element to blame in a later error. Kept as plain text rather than a node
 * so the parsed tree of a file can be dropped once the file is read.
 */
export interface At {
  file: string;
  line: number;
  element: string;
}

export function at(doc: XmlDoc, node: XNode): At {
  return { file: doc.file, line: doc.lineAt(node.offset), element: describe(node) };
}

export function failAt(a: At, expected: string): WsdlError {
  return new WsdlError(a.file, a.element, a.line, expected);
}

export function readDefinitions(src: WsdlSource, into: RawDefinitions): void {
  const { doc, tns } = src;
  const loc = (node: XNode): SourceLoc => ({ file: doc.file, line: doc.lineAt(node.offset) });
  const name = (node: XNode): string => {
    const n = node.attrs.name;
    if (!n) throw failAt(at(doc, node), "expected a 'name' attribute");
    return n;
  };

  for (const node of doc.root.children) {
    if (node.ns !== WSDL_NS) continue;
    if (node.local === "message") {
      const parts = kids(node, WSDL_NS, "part");
      const part = parts[0];
      const m: RawMessage = { name: name(node), ns: tns, loc: loc(node), at: at(doc, node) };
      if (part && part.attrs.element !== undefined) m.element = resolveQName(doc, part, "element");
      into.messages.push(m);
    } else if (node.local === "portType") {
      const pt: RawPortType = { name: name(node), ns: tns, operations: [] };
      for (const op of kids(node, WSDL_NS, "operation")) {
        const o: RawPortOperation = { name: name(op), faults: [], loc: loc(op), at: at(doc, op) };
        const input = kid(op, WSDL_NS, "input");
        const output = kid(op, WSDL_NS, "output");
        if (input) o.input = resolveQName(doc, input, "message");
        if (output) o.output = resolveQName(doc, output, "message");
        for (const f of kids(op, WSDL_NS, "fault")) o.faults.push(resolveQName(doc, f, "message"));
        const documentation = kid(op, WSDL_NS, "documentation");
        const text = documentation?.text.replace(/\s+/g, " ").trim();
        if (text) o.doc = text;
        pt.operations.push(o);
      }
      into.portTypes.push(pt);
    } else if (node.local === "binding") {
      const b: RawBinding = {
        name: name(node),
        ns: tns,
        type: resolveQName(doc, node, "type"),
        soap: kid(node, SOAP_NS, "binding") !== undefined,
        actions: new Map(),
        at: at(doc, node),
      };
      for (const op of kids(node, WSDL_NS, "operation")) {
        b.actions.set(name(op), kid(op, SOAP_NS, "operation")?.attrs.soapAction ?? "");
      }
      into.bindings.push(b);
    } else if (node.local === "service") {
      const s: RawService = { name: name(node), ports: [] };
      for (const port of kids(node, WSDL_NS, "port")) {
        const p: RawService["ports"][number] = { name: name(port), binding: resolveQName(doc, port, "binding") };
        const address = kid(port, SOAP_NS, "address")?.attrs.location;
        if (address !== undefined) p.location = address;
        s.ports.push(p);
      }
      into.services.push(s);
    }
  }
}
