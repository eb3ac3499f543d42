/**
 * Just enough XML surgery for the vCenter-like proxy: split an element's
 * content into its top-level child elements, find the SOAP method and a few
 * scalar parameters. Works on the text the simulator writes (no CDATA, no
 * comments inside the body, `>` escaped in attribute values), which is why
 * it can stay a depth-counting scan instead of a parser.
 */

export interface Slice {
  /** Local name (prefix dropped). */
  readonly name: string;
  /** The whole element, start tag to end tag, verbatim. */
  readonly xml: string;
  /** Where `xml` starts in the content it was cut from (UTF-16 offset). */
  readonly at: number;
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** Top-level child elements of `content` (the text between a parent's start and end tags). */
export function childElements(content: string): Slice[] {
  const out: Slice[] = [];
  let depth = 0;
  let start = -1;
  let name = "";
  TAG.lastIndex = 0;
  for (let m = TAG.exec(content); m; m = TAG.exec(content)) {
    const closing = m[1] === "/";
    const selfClosing = m[3] === "/";
    if (closing) {
      depth--;
      if (depth < 0) throw new Error(`xml-slices: unbalanced </${m[2]}> at offset ${m.index}`);
      if (depth === 0) out.push({ name, xml: content.slice(start, m.index + m[0].length), at: start });
    } else if (selfClosing) {
      if (depth === 0) out.push({ name: localName(m[2]!), xml: m[0], at: m.index });
    } else {
      if (depth === 0) {
        start = m.index;
        name = localName(m[2]!);
      }
      depth++;
    }
  }
  if (depth !== 0) throw new Error(`xml-slices: ${depth} element(s) left open`);
  return out;
}

/** Inner text of an element slice (`<a x="1">inner</a>` → `inner`). */
export function innerOf(xml: string): string {
  if (xml.endsWith("/>")) return "";
  return xml.slice(xml.indexOf(">") + 1, xml.lastIndexOf("</"));
}

/** Splits a document around the first element named `name`: text before its content, the content, text after it. */
export function splitAround(doc: string, name: string): { head: string; content: string; tail: string } | undefined {
  const open = new RegExp(`<((?:[\\w.-]+:)?)${name}(?:\\s[^>]*?)?(/?)>`).exec(doc);
  if (!open) return undefined;
  const headEnd = open.index + open[0].length;
  if (open[2] === "/") return { head: `${doc.slice(0, open.index)}<${open[1]}${name}>`, content: "", tail: `</${open[1]}${name}>${doc.slice(headEnd)}` };
  const close = doc.lastIndexOf(`</${open[1]}${name}>`);
  if (close < headEnd) return undefined;
  return { head: doc.slice(0, headEnd), content: doc.slice(headEnd, close), tail: doc.slice(close) };
}

/** The first element inside the SOAP Body: the method (request) or `<Method>Response`. */
export function bodyElement(doc: string): string | undefined {
  const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(doc);
  return m?.[1];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);/g, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]!,
  );
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Text of the first element with this local name anywhere in `doc`; undefined when absent. */
export function scalar(doc: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*?)?(?:/>|>([^<]*)</(?:[\\w.-]+:)?${name}>)`).exec(doc);
  if (!m) return undefined;
  return unescapeXml(m[1] ?? "");
}

/**
 * The bytes of each element slice inside `body`, whose UTF-8 text is `text`: views, not copies.
 * `content` starts right after `head` in `text`; the slices' offsets are UTF-16 ones, so they are
 * turned into byte offsets, by arithmetic when the text is all ASCII (one byte per character).
 * Assumes valid UTF-8, as vcsim writes (a replaced invalid byte would shift the offsets).
 */
export function elementBytes(body: Buffer, text: string, head: string, content: string, slices: readonly Slice[]): Buffer[] {
  const base = Buffer.byteLength(head);
  if (body.length === text.length) return slices.map((o) => body.subarray(base + o.at, base + o.at + o.xml.length));
  let chars = 0;
  let bytes = base;
  return slices.map((o) => {
    bytes += Buffer.byteLength(content.slice(chars, o.at));
    const length = Buffer.byteLength(o.xml);
    const piece = body.subarray(bytes, bytes + length);
    bytes += length;
    chars = o.at + o.xml.length;
    return piece;
  });
}
