/**
 * What a WSDL or XSD file pulls in: `wsdl:import location`, `xsd:include` /
 * `xsd:import` / `xsd:redefine schemaLocation`. Also decides whether a
 * response is XML at all, and which root element it has.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface XmlInfo {
  /** Local name of the document element (`definitions`, `schema`). */
  root: string;
  /** Reference strings as written, in document order, duplicates removed. */
  refs: string[];
}

export class NotXmlError extends Error {
  readonly code = "TSVMOMI_NOT_XML";
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name: string, _jpath: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

const REF_ELEMENTS = new Set(["import", "include", "redefine"]);

export function readXmlInfo(text: string, label: string): XmlInfo {
  const body = text.replace(/^\uFEFF/, "");
  if (!/^\s*</.test(body)) {
    throw new NotXmlError(`${label}: not XML (starts with ${JSON.stringify(body.trimStart().slice(0, 20))})`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new NotXmlError(`${label}: not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = Object.keys(doc).find((k) => !k.startsWith("#") && !k.startsWith("?") && !k.startsWith("@_"));
  if (!root) throw new NotXmlError(`${label}: XML without a document element`);
  const refs: string[] = [];
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key.startsWith("@_") || key === "#text") continue;
      if (REF_ELEMENTS.has(key)) {
        for (const el of Array.isArray(value) ? value : [value]) {
          const attrs = el as Record<string, unknown>;
          const loc = attrs?.["@_location"] ?? attrs?.["@_schemaLocation"];
          if (typeof loc === "string" && loc !== "" && !seen.has(loc)) {
            seen.add(loc);
            refs.push(loc);
          }
        }
      }
      walk(value);
    }
  };
  walk(doc[root]);
  return { root, refs };
}
