/**
 * A small namespace-aware XML reader and Exclusive XML Canonicalization
 * (exc-c14n, without comments: http://www.w3.org/2001/10/xml-exc-c14n#).
 *
 * Why here and not the codec's streaming tokenizer: canonical form depends on
 * details a SOAP decoder rightly throws away. An attribute's literal tab or
 * line break becomes a space while `&#10;` stays a line feed; processing
 * instructions inside an element are part of the canonical form; and an STS
 * token must be cut out of a response byte for byte (its own signature covers
 * it). The documents are small (a WS-Trust response is a few kilobytes), so a
 * tree is fine. Entity decoding is the codec's (`decodeEntities`): five named
 * entities and character references, no DTD (refused).
 *
 * What the signer relies on (runtime/sts/wsse.ts):
 *   - `canonicalize(el)` is the exc-c14n octet stream of `el`'s subtree as an
 *     apex node: each element declares exactly the namespaces it and its
 *     attributes visibly use and no output ancestor already declared with the
 *     same value, declarations sorted by prefix (default first), attributes by
 *     (namespace URI, local name), no XML declaration, no self-closing tags,
 *     text escaped as c14n prescribes, comments dropped.
 */
import { decodeEntities } from "../codec/xml-tokenizer.js";

export const XML_NS = "http://www.w3.org/XML/1998/namespace";

export interface XmlAttribute {
  readonly prefix: string;
  readonly local: string;
  /** Resolved namespace URI; "" for an unprefixed attribute. */
  readonly ns: string;
  readonly value: string;
}

export interface XmlElement {
  readonly kind: "element";
  /** The qualified name as written (`saml2:Assertion`). */
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** Resolved namespace URI; "" when in no namespace. */
  readonly ns: string;
  readonly attributes: readonly XmlAttribute[];
  /** Namespaces in scope here (inherited + declared), prefix "" for the default. */
  readonly scope: ReadonlyMap<string, string>;
  /** Declarations written on this element, in document order. */
  readonly declared: ReadonlyMap<string, string>;
  readonly children: XmlNode[];
  /** Source offsets of the whole element (start tag to end tag) in the line-end-normalized input. */
  readonly start: number;
  end: number;
}

export type XmlNode = XmlElement | { readonly kind: "text"; readonly text: string } | { readonly kind: "pi"; readonly target: string; readonly data: string };

export class XmlSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at character ${offset})`);
    this.name = "XmlSyntaxError";
    this.offset = offset;
  }
}

export interface ParseOptions {
  /** Namespaces in scope around the fragment (e.g. those the SOAP Envelope declares). */
  readonly namespaces?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Deepest element nesting accepted. Default 64. */
  readonly maxDepth?: number;
  /** Most elements accepted. Default 10 000. */
  readonly maxElements?: number;
}

export interface ParsedXml {
  readonly root: XmlElement;
  /** The input after XML line-end normalization; `start`/`end` offsets index into it. */
  readonly source: string;
}

const NAME = /[^\s=/>"'<]+/y;
const WS = /[ \t\n]*/y;

/** Parses one document (or one element fragment) into a tree; rejects DOCTYPE, unbound prefixes and malformed markup. */
export function parseXml(input: string, options: ParseOptions = {}): ParsedXml {
  // XML 1.0 §2.11: a parser sees every CRLF or lone CR as LF.
  const src = input.replace(/\r\n?/g, "\n");
  const maxDepth = options.maxDepth ?? 64;
  const maxElements = options.maxElements ?? 10_000;
  const outer = new Map<string, string>([["xml", XML_NS]]);
  const given = options.namespaces;
  if (given) for (const [p, u] of given instanceof Map ? given : Object.entries(given)) outer.set(p, u);

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let pos = 0;
  const len = src.length;
  const fail = (msg: string, at = pos): never => {
    throw new XmlSyntaxError(msg, at);
  };

  while (pos < len) {
    const lt = src.indexOf("<", pos);
    const textEnd = lt < 0 ? len : lt;
    if (textEnd > pos) {
      const raw = src.slice(pos, textEnd);
      const top = stack.at(-1);
      if (top) {
        if (raw.includes("]]>")) fail('"]]>" in text');
        top.children.push({ kind: "text", text: decode(raw, pos) });
      } else if (/[^ \t\n\uFEFF]/.test(raw)) fail(root ? "text after the root element" : "text before the root element");
      pos = textEnd;
      continue;
    }
    if (src.startsWith("<!--", pos)) {
      const end = src.indexOf("-->", pos + 4);
      if (end < 0) fail("unterminated comment");
      pos = end + 3;
    } else if (src.startsWith("<![CDATA[", pos)) {
      const end = src.indexOf("]]>", pos + 9);
      if (end < 0) fail("unterminated CDATA section");
      const top = stack.at(-1) ?? fail("CDATA outside the root element");
      top.children.push({ kind: "text", text: src.slice(pos + 9, end) });
      pos = end + 3;
    } else if (src.startsWith("<!", pos)) {
      fail(src.startsWith("<!DOCTYPE", pos) ? "DOCTYPE is not allowed" : "unexpected markup");
    } else if (src.startsWith("<?", pos)) {
      const end = src.indexOf("?>", pos + 2);
      if (end < 0) fail("unterminated processing instruction");
      const body = src.slice(pos + 2, end);
      const m = /^([^\s?]+)(?:[ \t\n]+([\s\S]*))?$/.exec(body) ?? fail("malformed processing instruction");
      const top = stack.at(-1);
      if (top) top.children.push({ kind: "pi", target: m[1]!, data: m[2] ?? "" });
      else if (m[1]!.toLowerCase() === "xml" && (pos > 0 || root)) fail("misplaced XML declaration");
      pos = end + 2;
    } else if (src.startsWith("</", pos)) {
      const gt = src.indexOf(">", pos + 2);
      if (gt < 0) fail("unterminated end tag");
      const name = src.slice(pos + 2, gt).trimEnd();
      const top = stack.pop() ?? fail(`end tag </${name}> without a start tag`);
      if (top.name !== name) fail(`expected </${top.name}>, found </${name}>`);
      top.end = gt + 1;
      pos = gt + 1;
    } else {
      const start = pos;
      NAME.lastIndex = pos + 1;
      const nm = NAME.exec(src) ?? fail('expected an element name after "<"');
      const name = nm[0];
      pos = NAME.lastIndex;
      const rawAttrs: Array<[string, string]> = [];
      let selfClosing = false;
      for (;;) {
        WS.lastIndex = pos;
        WS.exec(src);
        const hadSpace = WS.lastIndex > pos;
        pos = WS.lastIndex;
        if (pos >= len) fail(`unterminated start tag <${name}>`);
        if (src.startsWith("/>", pos)) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (src[pos] === ">") {
          pos++;
          break;
        }
        if (!hadSpace) fail(`expected whitespace before an attribute of <${name}>`);
        NAME.lastIndex = pos;
        const an = NAME.exec(src) ?? fail(`malformed attribute in <${name}>`);
        pos = NAME.lastIndex;
        WS.lastIndex = pos;
        WS.exec(src);
        pos = WS.lastIndex;
        if (src[pos] !== "=") fail(`expected = after attribute ${an[0]} of <${name}>`);
        WS.lastIndex = pos + 1;
        WS.exec(src);
        pos = WS.lastIndex;
        const q = src[pos];
        if (q !== '"' && q !== "'") return fail(`attribute ${an[0]} of <${name}> is not quoted`);
        const close = src.indexOf(q, pos + 1);
        if (close < 0) fail(`unterminated value of attribute ${an[0]}`);
        const raw = src.slice(pos + 1, close);
        if (raw.includes("<")) fail(`"<" in attribute ${an[0]} of <${name}>`);
        // XML 1.0 §3.3.3: literal whitespace becomes a space; character references survive.
        if (rawAttrs.some(([n]) => n === an[0])) fail(`duplicate attribute ${an[0]} in <${name}>`);
        rawAttrs.push([an[0], decode(raw.replace(/[\t\n]/g, " "), pos + 1)]);
        pos = close + 1;
      }
      if (++elements > maxElements) fail(`more than ${maxElements} elements`, start);
      if (stack.length >= maxDepth) fail(`elements nest deeper than ${maxDepth} levels`, start);
      if (!stack.length && root) fail(`second root element <${name}>`, start);

      const parent = stack.at(-1);
      const declared = new Map<string, string>();
      const plain: Array<[string, string]> = [];
      for (const [n, v] of rawAttrs) {
        if (n === "xmlns") declared.set("", v);
        else if (n.startsWith("xmlns:")) {
          const p = n.slice(6);
          if (!v) fail(`namespace prefix ${p} bound to an empty URI in <${name}>`, start);
          if (p === "xmlns" || (p === "xml") !== (v === XML_NS)) fail(`reserved namespace prefix misuse: ${n}="${v}"`, start);
          declared.set(p, v);
        } else plain.push([n, v]);
      }
      const inherited = parent ? parent.scope : outer;
      const scope = declared.size ? new Map([...inherited, ...declared]) : inherited;
      const [prefix, local] = splitName(name, start, fail);
      const ns = prefix ? (scope.get(prefix) ?? fail(`unbound namespace prefix "${prefix}" in <${name}>`, start)) : (scope.get("") ?? "");
      const attributes: XmlAttribute[] = plain.map(([n, value]) => {
        const [ap, al] = splitName(n, start, fail);
        const ans = ap ? (scope.get(ap) ?? fail(`unbound namespace prefix "${ap}" in attribute ${n}`, start)) : "";
        return { prefix: ap, local: al, ns: ans, value };
      });
      const seen = new Set<string>();
      for (const a of attributes) {
        const key = `${a.ns} ${a.local}`;
        if (seen.has(key)) fail(`attribute {${a.ns}}${a.local} appears twice in <${name}>`, start);
        seen.add(key);
      }
      const el: XmlElement = { kind: "element", name, prefix, local, ns, attributes, scope, declared, children: [], start, end: pos };
      if (parent) parent.children.push(el);
      else root = el;
      if (!selfClosing) stack.push(el);
    }
  }
  if (stack.length) throw new XmlSyntaxError(`document ends before </${stack.at(-1)!.name}>`, len);
  if (!root) throw new XmlSyntaxError("no root element", 0);
  return { root, source: src };
}

/** The codec's entity decoding, its error restated as this reader's. */
function decode(raw: string, at: number): string {
  if (!raw.includes("&")) return raw;
  try {
    return decodeEntities(raw, at);
  } catch (err) {
    const reason = (err as { reason?: unknown }).reason;
    throw new XmlSyntaxError(typeof reason === "string" ? reason : String(err), at);
  }
}

function splitName(name: string, at: number, fail: (m: string, at: number) => never): [string, string] {
  const colon = name.indexOf(":");
  if (colon < 0) return ["", name];
  if (colon === 0 || colon === name.length - 1 || name.indexOf(":", colon + 1) >= 0) fail(`malformed qualified name ${name}`, at);
  return [name.slice(0, colon), name.slice(colon + 1)];
}

/** Child elements, optionally only those with this namespace and local name. */
export function childElements(el: XmlElement, ns?: string, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.kind === "element" && (ns === undefined || c.ns === ns) && (local === undefined || c.local === local)) out.push(c);
  }
  return out;
}

export function firstChild(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return childElements(el, ns, local)[0];
}

/** Concatenated text content of the subtree. */
export function textContent(el: XmlElement): string {
  let out = "";
  for (const c of el.children) {
    if (c.kind === "text") out += c.text;
    else if (c.kind === "element") out += textContent(c);
  }
  return out;
}

export function attribute(el: XmlElement, local: string, ns = ""): string | undefined {
  return el.attributes.find((a) => a.local === local && a.ns === ns)?.value;
}

/** Depth-first search for the first element with this namespace and local name (the element itself included). */
export function findElement(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  if (el.ns === ns && el.local === local) return el;
  for (const c of el.children) {
    if (c.kind !== "element") continue;
    const hit = findElement(c, ns, local);
    if (hit) return hit;
  }
  return undefined;
}

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#xD;"));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<"\t\n\r]/g, (c) => ATTR_ESCAPES[c]!);
}

const ATTR_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;" };

/**
 * The exclusive canonical form (without comments) of `el`'s subtree.
 * `rendered` holds the declarations output ancestors already emitted, for a
 * subtree canonicalized as part of a larger one; empty for an apex node.
 */
export function canonicalize(el: XmlElement, rendered: ReadonlyMap<string, string> = new Map()): string {
  const out: string[] = [];
  render(el, rendered, out);
  return out.join("");
}

function render(el: XmlElement, rendered: ReadonlyMap<string, string>, out: string[]): void {
  const used = new Set<string>([el.prefix]);
  for (const a of el.attributes) if (a.prefix) used.add(a.prefix);
  const decls: Array<[string, string]> = [];
  for (const p of used) {
    if (p === "xml") continue;
    const uri = p ? el.scope.get(p)! : (el.scope.get("") ?? "");
    const before = rendered.get(p);
    // xmlns="" only undoes a default namespace an output ancestor declared.
    if (p === "" && uri === "" ? before !== undefined && before !== "" : before !== uri) decls.push([p, uri]);
  }
  decls.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let tag = `<${el.name}`;
  for (const [p, uri] of decls) tag += p ? ` xmlns:${p}="${escapeAttr(uri)}"` : ` xmlns="${escapeAttr(uri)}"`;
  const attrs = [...el.attributes].sort((a, b) => (a.ns !== b.ns ? (a.ns < b.ns ? -1 : 1) : a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
  for (const a of attrs) tag += ` ${a.prefix ? `${a.prefix}:` : ""}${a.local}="${escapeAttr(a.value)}"`;
  out.push(`${tag}>`);
  let inner = rendered;
  if (decls.length) {
    const next = new Map(rendered);
    for (const [p, uri] of decls) next.set(p, uri);
    inner = next;
  }
  for (const c of el.children) {
    if (c.kind === "text") out.push(escapeText(c.text));
    else if (c.kind === "pi") out.push(`<?${c.target}${c.data ? ` ${c.data}` : ""}?>`);
    else render(c, inner, out);
  }
  out.push(`</${el.name}>`);
}

/**
 * The element exactly as written in the source, plus declarations for the
 * namespaces it inherits from its ancestors (which a copy elsewhere would
 * lose). In-scope namespaces stay the same, so every canonical form does too:
 * a token keeps verifying under the issuer's signature.
 */
export function extractElement(parsed: ParsedXml, el: XmlElement): string {
  const raw = parsed.source.slice(el.start, el.end);
  let extra = "";
  for (const [p, uri] of el.scope) {
    if (p === "xml" || el.declared.has(p)) continue;
    if (p === "" && uri === "") continue;
    extra += p ? ` xmlns:${p}="${escapeAttr(uri)}"` : ` xmlns="${escapeAttr(uri)}"`;
  }
  if (!extra) return raw;
  const at = 1 + el.name.length;
  return raw.slice(0, at) + extra + raw.slice(at);
}
