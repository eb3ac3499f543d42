/**
 * Reads one `<xsd:schema>` into raw definitions. Group references stay
 * unresolved here: a group may live in a schema read later (vim-types.xsd uses
 * groups from vsan-types.xsd), so they are inlined once every file is in.
 */
import type { SourceLoc, TypeRef, WsdlAttribute, WsdlEnum, WsdlField } from "../model/ir.js";
import { WsdlError } from "./errors.js";
import { XSD_NS } from "./namespaces.js";
import { describe, resolveQName } from "./qname.js";
import type { XmlDoc, XNode } from "./xml-tree.js";

export type RawParticle =
  | { kind: "field"; field: WsdlField }
  | { kind: "group"; ref: TypeRef; loc: SourceLoc };

export interface RawComplexType {
  name: string;
  ns: string;
  base?: TypeRef;
  simpleContentBase?: TypeRef;
  particles: RawParticle[];
  attributes: WsdlAttribute[];
  abstract?: boolean;
  doc?: string;
  loc: SourceLoc;
}

export interface RawGroup {
  name: string;
  ns: string;
  particles: RawParticle[];
  loc: SourceLoc;
}

export interface RawElement {
  name: string;
  ns: string;
  type?: TypeRef;
  /** Particles of an anonymous inline complexType. */
  particles?: RawParticle[];
  loc: SourceLoc;
}

export interface RawSchema {
  complexTypes: RawComplexType[];
  enums: WsdlEnum[];
  groups: RawGroup[];
  elements: RawElement[];
}

export function readSchema(doc: XmlDoc, schema: XNode, tns: string, into: RawSchema): void {
  const r = new SchemaReader(doc, tns);
  for (const child of schema.children) {
    if (child.ns !== XSD_NS) continue; // foreign annotations are allowed anywhere
    switch (child.local) {
      case "include":
      case "import":
      case "annotation":
        break; // includes and imports were followed by the loader
      case "complexType":
        into.complexTypes.push(r.complexType(child));
        break;
      case "simpleType":
        into.enums.push(r.simpleType(child));
        break;
      case "group":
        into.groups.push(r.group(child));
        break;
      case "element":
        into.elements.push(r.element(child));
        break;
      default:
        throw r.fail(child, "expected complexType, simpleType, element, group, include or import at schema level");
    }
  }
}

class SchemaReader {
  constructor(
    private readonly doc: XmlDoc,
    private readonly tns: string,
  ) {}

  fail(node: XNode, expected: string): WsdlError {
    return new WsdlError(this.doc.file, describe(node), this.doc.lineAt(node.offset), expected);
  }

  loc(node: XNode): SourceLoc {
    return { file: this.doc.file, line: this.doc.lineAt(node.offset) };
  }

  name(node: XNode): string {
    const name = node.attrs.name;
    if (!name) throw this.fail(node, "expected a 'name' attribute");
    return name;
  }

  complexType(node: XNode): RawComplexType {
    const t: RawComplexType = { name: this.name(node), ns: this.tns, particles: [], attributes: [], loc: this.loc(node) };
    if (node.attrs.abstract === "true") t.abstract = true;
    for (const child of this.xsdChildren(node)) {
      switch (child.local) {
        case "annotation":
          this.setDoc(t, child);
          break;
        case "sequence":
        case "group":
          this.particles(child, t.particles);
          break;
        case "attribute":
          t.attributes.push(this.attribute(child));
          break;
        case "complexContent": {
          const ext = this.extension(child);
          t.base = resolveQName(this.doc, ext, "base");
          this.extensionBody(ext, t);
          break;
        }
        case "simpleContent": {
          const ext = this.extension(child);
          t.simpleContentBase = resolveQName(this.doc, ext, "base");
          this.extensionBody(ext, t);
          break;
        }
        default:
          throw this.fail(child, `in complexType ${t.name}: expected sequence, complexContent, simpleContent, attribute or annotation`);
      }
    }
    return t;
  }

  private extension(content: XNode): XNode {
    const ext = this.xsdChildren(content).filter((c) => c.local !== "annotation");
    const only = ext[0];
    if (ext.length !== 1 || !only || only.local !== "extension") {
      throw this.fail(only ?? content, `expected one <extension base=…> in ${content.local}`);
    }
    return only;
  }

  private extensionBody(ext: XNode, t: RawComplexType): void {
    for (const child of this.xsdChildren(ext)) {
      if (child.local === "sequence" || child.local === "group") this.particles(child, t.particles);
      else if (child.local === "attribute") t.attributes.push(this.attribute(child));
      else if (child.local !== "annotation") throw this.fail(child, `in complexType ${t.name}: expected sequence, group or attribute inside extension`);
    }
  }

  /** A `<sequence>`'s elements and group refs in document order; nested sequences flatten. */
  private particles(node: XNode, out: RawParticle[]): void {
    if (node.local === "group") {
      out.push({ kind: "group", ref: resolveQName(this.doc, node, "ref"), loc: this.loc(node) });
      return;
    }
    for (const child of this.xsdChildren(node)) {
      switch (child.local) {
        case "element":
          out.push({ kind: "field", field: this.field(child) });
          break;
        case "sequence":
        case "group":
          this.particles(child, out);
          break;
        case "annotation":
          break;
        default:
          throw this.fail(child, "expected element, group or sequence inside a sequence (choice, all and any are not supported)");
      }
    }
  }

  private field(node: XNode): WsdlField {
    if (node.attrs.ref !== undefined) throw this.fail(node, "expected name and type (element ref= is not supported)");
    const name = this.name(node);
    const inline = node.children.length ? this.xsdChildren(node).find((c) => c.local === "complexType" || c.local === "simpleType") : undefined;
    if (inline) throw this.fail(node, `field ${name}: expected a named type (anonymous field types are not supported)`);
    const type = node.attrs.type !== undefined ? resolveQName(this.doc, node, "type") : { name: "anyType", ns: XSD_NS };
    const f: WsdlField = {
      name,
      type,
      minOccurs: this.occurs(node, "minOccurs"),
      array: this.isArray(node),
      nillable: node.attrs.nillable === "true",
    };
    const doc = node.children.length ? this.docOf(node) : undefined;
    if (doc) f.doc = doc;
    return f;
  }

  private occurs(node: XNode, attr: string): number {
    const raw = node.attrs[attr];
    if (raw === undefined) return 1;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw this.fail(node, `${attr}="${raw}": expected a non-negative integer`);
    return n;
  }

  private isArray(node: XNode): boolean {
    const raw = node.attrs.maxOccurs;
    if (raw === undefined) return false;
    if (raw === "unbounded") return true;
    return this.occurs(node, "maxOccurs") > 1;
  }

  private attribute(node: XNode): WsdlAttribute {
    const name = this.name(node);
    const type = node.attrs.type !== undefined ? resolveQName(this.doc, node, "type") : { name: "anySimpleType", ns: XSD_NS };
    return { name, type, required: node.attrs.use === "required" };
  }

  simpleType(node: XNode): WsdlEnum {
    const name = this.name(node);
    const e: WsdlEnum = { name, ns: this.tns, values: [], loc: this.loc(node) };
    let restriction: XNode | undefined;
    for (const child of this.xsdChildren(node)) {
      if (child.local === "annotation") this.setDoc(e, child);
      else if (child.local === "restriction") restriction = child;
      else throw this.fail(child, `in simpleType ${name}: expected a restriction with enumeration values (list and union are not supported)`);
    }
    if (!restriction) throw this.fail(node, "expected a <restriction> with enumeration values");
    for (const v of this.xsdChildren(restriction)) {
      if (v.local === "enumeration") e.values.push(v.attrs.value ?? "");
      else if (v.local !== "annotation") throw this.fail(v, `in simpleType ${name}: expected enumeration values only`);
    }
    if (e.values.length === 0) throw this.fail(node, "expected at least one enumeration value");
    return e;
  }

  group(node: XNode): RawGroup {
    const g: RawGroup = { name: this.name(node), ns: this.tns, particles: [], loc: this.loc(node) };
    for (const child of this.xsdChildren(node)) {
      if (child.local === "sequence") this.particles(child, g.particles);
      else if (child.local !== "annotation") throw this.fail(child, `in group ${g.name}: expected a sequence`);
    }
    return g;
  }

  element(node: XNode): RawElement {
    const e: RawElement = { name: this.name(node), ns: this.tns, loc: this.loc(node) };
    if (node.attrs.type !== undefined) {
      e.type = resolveQName(this.doc, node, "type");
      return e;
    }
    const inline = this.xsdChildren(node).find((c) => c.local !== "annotation");
    if (!inline) return e;
    if (inline.local !== "complexType") throw this.fail(inline, `in element ${e.name}: expected a type attribute or an inline complexType`);
    const anon = this.complexType({ ...inline, attrs: { ...inline.attrs, name: e.name } });
    if (anon.base || anon.simpleContentBase || anon.attributes.length) {
      throw this.fail(inline, `in element ${e.name}: expected a plain sequence in the inline complexType`);
    }
    e.particles = anon.particles;
    return e;
  }

  private xsdChildren(node: XNode): XNode[] {
    return node.children.filter((c) => c.ns === XSD_NS);
  }

  private docOf(node: XNode): string | undefined {
    const ann = this.xsdChildren(node).find((c) => c.local === "annotation");
    return ann ? this.annotationText(ann) : undefined;
  }

  private setDoc(target: { doc?: string }, annotation: XNode): void {
    const text = this.annotationText(annotation);
    if (text) target.doc = text;
  }

  private annotationText(annotation: XNode): string | undefined {
    const parts = this.xsdChildren(annotation)
      .filter((c) => c.local === "documentation")
      .map((c) => c.text.replace(/\s+/g, " ").trim())
      .filter(Boolean);
    return parts.length ? parts.join(" ") : undefined;
  }
}
