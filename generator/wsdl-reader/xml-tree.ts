/**
 * A small namespace-aware element tree over fast-xml-parser's ordered output.
 *
 * The parser's `preserveOrder` form keeps document order (field order is schema
 * order) but is awkward to walk and knows nothing of namespaces; this turns it
 * into plain nodes carrying their in-scope prefix map and source offset, so
 * QNames resolve correctly and every error can point at a line.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { WsdlError } from "./errors.js";
import { XML_NS } from "./namespaces.js";

/** Prefix → namespace URI; the default namespace is under "". Shared by descendants until one redeclares. */
export type NsScope = ReadonlyMap<string, string>;

export interface XNode {
  /** Local name, prefix stripped. */
  local: string;
  /** Namespace URI of the element itself ("" when unqualified). */
  ns: string;
  attrs: Readonly<Record<string, string>>;
  children: XNode[];
  /** Direct text content, trimmed and joined; used for documentation only. */
  text: string;
  /** Offset of the start tag in the original text. */
  offset: number;
  scope: NsScope;
}

export interface XmlDoc {
  /** File name relative to the bundle directory. */
  file: string;
  root: XNode;
  lineAt(offset: number): number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  captureMetaData: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const META = XMLParser.getMetaDataSymbol();
const ATTRS = ":@";
const TEXT = "#text";

type OrderedItem = Record<string, unknown> & { [ATTRS]?: Record<string, string> };

export function parseXml(text: string, file: string): XmlDoc {
  const lineAt = lineIndex(text);
  if (!/\S/.test(text)) throw new WsdlError(file, "document", 1, "file is empty, expected an XML document");
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw malformed(verdict.err, text, file, lineAt);
  let items: OrderedItem[];
  try {
    items = parser.parse(text) as OrderedItem[];
  } catch (e) {
    // The validator accepted it, so this is a parser limit (nesting depth, entity expansion).
    const why = e instanceof Error ? e.message : String(e);
    throw new WsdlError(file, "document", undefined, `XML could not be parsed: ${why}`);
  }
  const rootScope: NsScope = new Map([["xml", XML_NS]]);
  const roots: XNode[] = [];
  for (const item of items) {
    const node = toNode(item, rootScope, file, lineAt);
    if (node) roots.push(node);
  }
  const root = roots[0];
  if (!root) throw new WsdlError(file, "document", 1, "expected a root element");
  return { file, root, lineAt };
}

function malformed(err: { code: string; msg: string; line: number }, text: string, file: string, lineAt: (o: number) => number): WsdlError {
  // At end of input the validator reports the still-open tags as a JSON dump at line 1;
  // a truncated file reads better as "ends inside <x>" at its last line.
  if (err.code === "InvalidXml" && err.msg.startsWith("Invalid '[")) {
    const open = [...err.msg.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? "");
    const inner = open[open.length - 1] ?? "document";
    const trail = open.map((t) => `<${t}>`).join(" > ");
    return new WsdlError(file, inner, lineAt(text.trimEnd().length), `malformed XML: file ends inside ${trail}; expected the closing tags (truncated file?)`);
  }
  // Otherwise the validator quotes the offending tag name; it is the most useful "element" to name.
  const tag = /'([^']+)'/.exec(err.msg)?.[1] ?? "document";
  return new WsdlError(file, tag, err.line, `malformed XML: ${err.msg}`);
}

function toNode(item: OrderedItem, parentScope: NsScope, file: string, lineAt: (o: number) => number): XNode | undefined {
  let tag: string | undefined;
  for (const k in item) {
    if (k !== ATTRS) {
      tag = k;
      break;
    }
  }
  if (tag === undefined || tag === TEXT) return undefined;
  const attrs = item[ATTRS] ?? {};
  const offset = (item[META as unknown as string] as { startIndex?: number } | undefined)?.startIndex ?? 0;

  let scope = parentScope;
  for (const key in attrs) {
    if (key === "xmlns" || key.startsWith("xmlns:")) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(key === "xmlns" ? "" : key.slice(6), attrs[key] ?? "");
    }
  }
  const colon = tag.indexOf(":");
  const prefix = colon < 0 ? "" : tag.slice(0, colon);
  const ns = scope.get(prefix);
  if (ns === undefined && prefix !== "") {
    throw new WsdlError(file, tag, lineAt(offset), `namespace prefix '${prefix}' is not declared`);
  }
  const node: XNode = { local: tag.slice(colon + 1), ns: ns ?? "", attrs, children: [], text: "", offset, scope };
  const kids = item[tag];
  if (Array.isArray(kids)) {
    const texts: string[] = [];
    for (const kid of kids as OrderedItem[]) {
      if (TEXT in kid) texts.push(String(kid[TEXT]));
      else {
        const child = toNode(kid, scope, file, lineAt);
        if (child) node.children.push(child);
      }
    }
    if (texts.length) node.text = texts.join(" ");
  }
  return node;
}

/** Offset → 1-based line, by binary search over newline positions found once per file. */
function lineIndex(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Children with the given namespace and local name. */
export function kids(node: XNode, ns: string, local: string): XNode[] {
  return node.children.filter((c) => c.local === local && c.ns === ns);
}

export function kid(node: XNode, ns: string, local: string): XNode | undefined {
  return node.children.find((c) => c.local === local && c.ns === ns);
}
